"""Notifications by e-mail: sent by a worker through a real SMTP server, in the recipient's language, retried."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification, NotificationPreference
from notifications.services import notification_create
from projects.services import progress_update_record
from tests.factories import ProjectFactory
from tests.smtp import SMTPServer
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ayse(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    return izmir_staff


def notify(user, key="k"):
    return notification_create(
        recipient=user, kind="milestone_overdue", key=key, url="/projects/7/", title=_("Milestone overdue")
    )


def subject_of(message) -> str:
    """The subject as read: a long one arrives folded over lines, in encoded words."""
    return " ".join(message["Subject"].split())


def body_of(message, subtype="plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_the_worker_sends_the_mail_in_turkish_by_default(smtp_server, ayse):
    notify(ayse)
    assert smtp_server.messages == []  # queued, not sent by whoever created it

    run_tasks()

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["ayse@example.org"]
    assert subject_of(message) == "Köprü: Kilometre taşı gecikti"
    assert message["Content-Language"] == "tr"
    assert "https://kopru.example.org/projects/7/" in body_of(message)
    assert 'href="https://kopru.example.org/projects/7/"' in body_of(message, "html")
    assert Notification.objects.get().emailed_at is not None


def test_the_mail_is_in_the_language_the_recipient_chose(smtp_server, ayse):
    NotificationPreference.objects.create(user=ayse, language="en")
    notify(ayse)
    run_tasks()
    [(_recipients, message)] = smtp_server.messages
    assert subject_of(message) == "Köprü: Milestone overdue"
    assert message["Content-Language"] == "en"
    assert "Open it in Köprü: https://kopru.example.org/projects/7/" in body_of(message)


def test_a_mail_is_never_sent_twice(smtp_server, ayse):
    from notifications.tasks import notification_email_send

    notification = notify(ayse)
    notification_email_send.enqueue(notification.pk)  # e.g. queued again after a worker died

    assert run_tasks() == 2

    assert len(smtp_server.messages) == 1


def test_logging_an_update_queues_the_mail_and_sends_nothing_in_the_request(smtp_server, ayse, isbak_staff):
    project = ProjectFactory(code="IZT-7", lead_organization=ayse.membership.organization, owner=ayse)
    progress_update_record(
        project=project,
        author=isbak_staff,
        reported_on=timezone.localdate(),
        percent_complete=10,
        health="on_track",
        done="x",
    )
    assert smtp_server.messages == []
    run_tasks()
    [(_recipients, message)] = smtp_server.messages
    assert subject_of(message) == "Köprü: İSBAK, IZT-7 projesine bir ilerleme raporu ekledi"


def test_an_unreachable_mail_server_leaves_the_mail_for_a_later_try(mail_settings, ayse):
    notification = notify(ayse)

    run_tasks()  # nobody listens on the port

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_attempts == 1
    retry = DBTaskResult.objects.ready().first()
    assert retry is None  # deferred: not due yet
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > timezone.now() + timedelta(seconds=30)

    with SMTPServer(mail_settings.EMAIL_PORT) as inbox:
        DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())  # its time has come
        run_tasks()

    assert len(inbox.messages) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_attempts == 2


def test_the_pause_between_tries_grows_and_stops_growing():
    from notifications.tasks import retry_delay

    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 9, 20)] == [1, 2, 4, 240, 240]


def test_after_the_last_try_the_mail_is_given_up(mail_settings, ayse):
    from notifications.tasks import MAX_ATTEMPTS

    notification = notify(ayse)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=MAX_ATTEMPTS - 1)
    run_tasks()
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert Notification.objects.get().email_attempts == MAX_ATTEMPTS


def test_the_mail_carries_a_one_click_unsubscribe_for_its_kind(smtp_server, ayse):
    from notifications.unsubscribe import read_unsubscribe_token

    notify(ayse)
    run_tasks()
    [(_recipients, message)] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = "".join(message["List-Unsubscribe"].split()).strip("<>")
    assert link in body_of(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (ayse, "milestone_overdue")
