"""A worker killed mid-task: its task stays "running" for ever and its mail unsent (the transaction it
held rolled back). The next `send_reminders` or `send_digests` run queues such mail again once it is
KOPRU_MAIL_STUCK_MINUTES old; the task locks the row and skips what went already, so nothing goes twice."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from dashboard.tasks import digests_create
from notifications.models import Digest, Notification
from notifications.services import notification_create, notification_emails_requeue
from notifications.tasks import notification_email_send
from tests.factories import MilestoneFactory, ProjectFactory
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ayse(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    return izmir_staff


def killed_worker():
    """What `kill -9` of the worker that claimed every waiting task leaves: the tasks marked running
    (the claim is committed before the task starts), and nothing of the tasks' own writes."""
    for result in DBTaskResult.objects.ready():
        result.claim("killed-worker")


def an_hour_later():
    return timezone.now() + timedelta(hours=1)


def test_a_notification_left_by_a_dead_worker_is_sent_once_by_the_next_run(smtp_server, ayse):
    notification = notification_create(
        recipient=ayse, kind="milestone_overdue", key="k", url="/projects/1/", title=_("Milestone overdue")
    )
    killed_worker()
    assert run_tasks() == 0  # the queue holds nothing more for a live worker
    assert smtp_server.messages == []

    assert notification_emails_requeue(now=timezone.now()) == 0  # too soon to call it stuck
    assert notification_emails_requeue(now=an_hour_later()) == 1
    assert notification_emails_requeue(now=an_hour_later()) == 0  # claimed by the first requeue
    run_tasks()

    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # The first task, had it only been slow, finds the mail sent and sends nothing.
    assert notification_email_send.call(notification.pk) == "skipped"
    assert len(smtp_server.messages) == 1


def test_send_reminders_queues_the_stuck_mail_again(smtp_server, ayse, settings):
    notification_create(recipient=ayse, kind="milestone_overdue", key="k", url="/", title=_("Milestone overdue"))
    killed_worker()
    settings.KOPRU_MAIL_STUCK_MINUTES = 0
    Notification.objects.update(sending_started_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "queued again after a stopped worker: 1" in out.getvalue()
    run_tasks()
    call_command("send_reminders", stdout=io.StringIO())
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_sent_mail_is_never_queued_again(smtp_server, ayse):
    notification_create(recipient=ayse, kind="milestone_overdue", key="k", url="/", title=_("Milestone overdue"))
    run_tasks()
    assert notification_emails_requeue(now=an_hour_later()) == 0
    assert len(smtp_server.messages) == 1


def test_a_retry_waiting_for_its_back_off_is_not_stuck(mail_settings, ayse):
    notification_create(recipient=ayse, kind="milestone_overdue", key="k", url="/", title=_("Milestone overdue"))
    run_tasks()  # no server: the retry waits a minute
    notification = Notification.objects.get()
    assert notification.sending_started_at > timezone.now()
    assert notification_emails_requeue(now=timezone.now() + timedelta(minutes=20)) == 0


def test_a_digest_left_by_a_dead_worker_is_sent_once_by_the_next_digest_run(smtp_server, ayse, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji, owner=ayse, status="active")
    MilestoneFactory(project=project, due_on=timezone.localdate() - timedelta(days=2))
    now = timezone.make_aware(datetime(2026, 12, 7, 9, 0))  # a Monday, after eight
    digests_create(now=now)
    killed_worker()
    assert run_tasks() == 0

    later = (now + timedelta(hours=1)).isoformat()
    call_command("send_digests", f"--now={later}", stdout=io.StringIO())
    run_tasks()
    call_command("send_digests", f"--now={later}", stdout=io.StringIO())
    run_tasks()

    assert len(smtp_server.messages) == 1
    assert Digest.objects.get().sent_at is not None
