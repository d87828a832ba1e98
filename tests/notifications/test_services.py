"""notification_create: once per key, as the recipient's preferences say, in both languages."""

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification, NotificationPreference
from notifications.services import notification_create, notifications_mark_all_read

pytestmark = pytest.mark.django_db


def create(user, key="k", kind="milestone_due"):
    return notification_create(recipient=user, kind=kind, key=key, url="/projects/", title=_("Milestone overdue"))


def test_it_writes_the_title_in_turkish_and_english(izmir_staff):
    notification = create(izmir_staff)
    assert notification.title_en == "Milestone overdue"
    assert notification.title_tr == "Kilometre taşı gecikti"


def test_the_same_key_creates_one_notification(izmir_staff):
    assert create(izmir_staff) is not None
    assert create(izmir_staff) is None
    assert Notification.objects.count() == 1


def test_the_same_key_for_two_people_is_two_notifications(izmir_staff, isbak_staff):
    create(izmir_staff)
    create(isbak_staff)
    assert Notification.objects.count() == 2


def test_the_database_refuses_a_second_row_with_the_same_key(izmir_staff):
    notification = create(izmir_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=izmir_staff, kind="milestone_due", key=notification.key, url="/", title_tr="x", title_en="x"
        )


def test_a_kind_turned_off_creates_nothing(izmir_staff):
    NotificationPreference.objects.create(user=izmir_staff, milestone_due="off")
    assert create(izmir_staff) is None
    assert Notification.objects.count() == 0


def test_in_app_only_queues_no_mail(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    NotificationPreference.objects.create(user=izmir_staff, milestone_due="in_app")
    notification = create(izmir_staff)
    assert notification.in_app and not notification.by_email
    assert DBTaskResult.objects.count() == 0


def test_email_only_keeps_it_out_of_the_notification_centre(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    NotificationPreference.objects.create(user=izmir_staff, milestone_due="email")
    notification = create(izmir_staff)
    assert notification.by_email and not notification.in_app
    assert not Notification.objects.for_user(izmir_staff).exists()
    assert DBTaskResult.objects.count() == 1


def test_email_only_without_an_address_falls_back_to_the_app(izmir_staff):
    NotificationPreference.objects.create(user=izmir_staff, milestone_due="email")
    notification = create(izmir_staff)
    assert notification.in_app and not notification.by_email


def test_both_queues_one_mail_for_a_worker(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    notification = create(izmir_staff)
    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.notification_email_send"
    assert task.args_kwargs["args"] == [notification.pk]


def test_a_rolled_back_transaction_leaves_no_notification_and_no_mail(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        create(izmir_staff)
        raise RuntimeError
    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_inactive_people_are_told_nothing(izmir_staff):
    izmir_staff.is_active = False
    izmir_staff.save()
    assert create(izmir_staff) is None


def test_mark_all_read_counts_what_was_unread(izmir_staff):
    create(izmir_staff, "a")
    create(izmir_staff, "b")
    assert notifications_mark_all_read(user=izmir_staff) == 2
    assert notifications_mark_all_read(user=izmir_staff) == 0
