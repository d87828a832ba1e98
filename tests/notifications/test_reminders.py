"""What creates a notification: reminders of milestones, updates and events, and the other side's work."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.services import event_partners_notify
from notifications.models import Notification, NotificationPreference
from projects.services import progress_update_record
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectPartnerFactory,
)
from transfers.services import knowhowtransfer_partners_notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(izmir_teknoloji, izmir_staff):
    """An İzmir Teknoloji project owned by Ayşe, updated today."""
    return ProjectFactory(
        code="IZT-7", lead_organization=izmir_teknoloji, owner=izmir_staff, last_update_on=timezone.localdate()
    )


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_milestone_due_within_the_lead_time_reminds_the_projects_people(project, izmir_staff, manager, isbak_staff):
    MilestoneFactory(project=project, title="Pilot", due_on=timezone.localdate() + timedelta(days=5))

    call_command("send_reminders")

    assert kinds_of(izmir_staff) == ["milestone_due"]
    assert kinds_of(manager) == ["milestone_due"]  # a manager of the lead organization
    assert kinds_of(isbak_staff) == []  # İSBAK takes no part
    notification = Notification.objects.get(recipient=izmir_staff)
    assert notification.title_en.startswith("“Pilot” of IZT-7 is due on")
    assert notification.url.startswith(project.get_absolute_url())


def test_partners_people_hear_of_the_milestone_too(project, isbak, isbak_staff):
    ProjectPartnerFactory(project=project, organization=isbak)
    MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=1))
    call_command("send_reminders")
    assert kinds_of(isbak_staff) == ["milestone_due"]


def test_a_milestone_beyond_the_lead_time_waits(project, izmir_staff):
    MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=8))
    call_command("send_reminders")
    assert kinds_of(izmir_staff) == []


def test_each_person_chooses_the_lead_time(project, izmir_staff, manager):
    NotificationPreference.objects.create(user=izmir_staff, lead_days=10)
    NotificationPreference.objects.create(user=manager, lead_days=3)
    MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=9))
    call_command("send_reminders")
    assert kinds_of(izmir_staff) == ["milestone_due"]
    assert kinds_of(manager) == []


def test_an_overdue_milestone_is_told_once(project, izmir_staff):
    MilestoneFactory(project=project, title="Rapor", due_on=timezone.localdate() - timedelta(days=2))
    call_command("send_reminders")
    call_command("send_reminders", "--date", (timezone.localdate() + timedelta(days=1)).isoformat())
    assert kinds_of(izmir_staff) == ["milestone_overdue"]
    assert Notification.objects.get(recipient=izmir_staff).title_tr.startswith("Gecikti: IZT-7 projesinin “Rapor”")


def test_completed_milestones_and_closed_projects_remind_nobody(project, izmir_staff, izmir_teknoloji):
    MilestoneFactory(project=project, due_on=timezone.localdate(), completed_on=timezone.localdate())
    closed = ProjectFactory(lead_organization=izmir_teknoloji, owner=izmir_staff, status="completed")
    MilestoneFactory(project=closed, due_on=timezone.localdate() - timedelta(days=1))
    call_command("send_reminders")
    assert kinds_of(izmir_staff) == []


def test_a_moved_due_date_is_reminded_of_again(project, izmir_staff):
    milestone = MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=2))
    call_command("send_reminders")
    milestone.due_on += timedelta(days=1)
    milestone.save()
    call_command("send_reminders")
    assert kinds_of(izmir_staff) == ["milestone_due", "milestone_due"]


def test_a_double_run_creates_nothing_twice(project, izmir_staff, isbak_staff, izmir_teknoloji, capsys):
    MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=2))
    MilestoneFactory(project=project, due_on=timezone.localdate() - timedelta(days=2))
    ProjectFactory(lead_organization=izmir_teknoloji, owner=izmir_staff, last_update_on=None)
    EventFactory(organizers=[izmir_teknoloji], starts_at=timezone.now() + timedelta(days=1))

    call_command("send_reminders")
    first = Notification.objects.count()
    call_command("send_reminders")

    assert first > 0
    assert Notification.objects.count() == first
    assert "Reminders created: 0 for milestones, 0 for progress updates, 0 for events." in capsys.readouterr().out


def test_a_stale_project_tells_its_owner(izmir_teknoloji, izmir_staff, manager, settings):
    settings.KOPRU_UPDATE_DUE_DAYS = 30
    stale_since = timezone.localdate() - timedelta(days=31)
    ProjectFactory(code="IZT-9", lead_organization=izmir_teknoloji, owner=izmir_staff, last_update_on=stale_since)
    ProjectFactory(lead_organization=izmir_teknoloji, owner=manager, last_update_on=timezone.localdate())

    call_command("send_reminders")

    assert kinds_of(izmir_staff) == ["update_due"]
    assert kinds_of(manager) == []
    assert Notification.objects.get().title_en.startswith("IZT-9 has had no progress update since")


def test_an_event_tomorrow_reminds_the_organizers_people(izmir_teknoloji, izmir_staff, isbak_staff):
    tomorrow_morning = timezone.localtime().replace(hour=10, minute=0) + timedelta(days=1)
    EventFactory(title="Yönlendirme Kurulu", organizers=[izmir_teknoloji], starts_at=tomorrow_morning)
    EventFactory(organizers=[izmir_teknoloji], starts_at=tomorrow_morning + timedelta(days=1))

    call_command("send_reminders")

    assert kinds_of(izmir_staff) == ["event_tomorrow"]
    assert kinds_of(isbak_staff) == []
    assert Notification.objects.get().title_en == "Tomorrow at 10:00: Yönlendirme Kurulu (İzmir)"


def test_the_other_sides_progress_update_tells_the_owner(project, izmir_staff, isbak_staff):
    update = progress_update_record(
        project=project,
        author=isbak_staff,
        reported_on=timezone.localdate(),
        percent_complete=50,
        health="on_track",
        done="Pilot",
    )
    notification = Notification.objects.get(recipient=izmir_staff)
    assert notification.kind == "partner_activity"
    assert notification.title_en == "İSBAK logged a progress update on IZT-7"
    assert notification.url == update.get_absolute_url()


def test_ones_own_sides_work_tells_nobody(project, izmir_staff, manager):
    progress_update_record(
        project=project,
        author=manager,
        reported_on=timezone.localdate(),
        percent_complete=50,
        health="on_track",
        done="Pilot",
    )
    progress_update_record(
        project=project,
        author=izmir_staff,
        reported_on=timezone.localdate(),
        percent_complete=60,
        health="on_track",
        done="Pilot",
    )
    assert Notification.objects.count() == 0


def test_the_other_sides_event_and_transfer_tell_the_owner(project, izmir_staff, isbak_staff, isbak, izmir_teknoloji):
    event = EventFactory(organizers=[isbak])
    event.projects.add(project)
    transfer = KnowHowTransferFactory(provider=isbak, recipient=izmir_teknoloji, project=project)

    assert event_partners_notify(event=event, author=isbak_staff) == 1
    assert knowhowtransfer_partners_notify(transfer=transfer, author=isbak_staff)
    assert not knowhowtransfer_partners_notify(transfer=KnowHowTransferFactory(), author=isbak_staff)

    titles = sorted(Notification.objects.filter(recipient=izmir_staff).values_list("title_en", flat=True))
    assert titles == ["İSBAK logged a know-how transfer on IZT-7", "İSBAK logged an event on IZT-7"]


def test_the_demo_users_find_notifications_right_after_seeding():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"manager", "izmir.staff", "isbak.staff"} <= recipients
    # Running it again (every `make run` does) adds nothing.
    count = Notification.objects.count()
    call_command("send_reminders", stdout=io.StringIO())
    assert Notification.objects.count() == count
