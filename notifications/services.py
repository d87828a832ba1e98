"""Writes of the notifications app: creating a notification once, and marking notifications read.

Higher layers (projects, events, transfers, the reminder run) call `notification_create`; they
decide who hears about what, this module decides how (the recipient's preferences) and makes
sure nothing is created, or mailed, twice.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation

from notifications.choices import Delivery
from notifications.models import TITLE_LANGUAGES, Notification, NotificationPreference
from notifications.tasks import notification_email_send


@transaction.atomic
def notification_create(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    key: str,
    url: str,
    title,
    preference: NotificationPreference | None = None,
) -> Notification | None:
    """Tell `recipient` about something, once: None if they turned this kind off or were told already.

    `key` names the happening (e.g. "milestone_due:12:2026-05-04"); together with the recipient it
    is unique in the database, so two reminder runs at once, on one host or two, create one row.
    `title` is a lazy translatable string, written down in each language now. A notification that
    goes by e-mail is queued for a worker in the same transaction: rolled back, nothing is sent.
    """
    preference = preference or NotificationPreference.objects.for_user(recipient)
    delivery = preference.delivery(kind)
    if delivery == Delivery.OFF or not recipient.is_active:
        return None
    in_app = delivery in (Delivery.BOTH, Delivery.IN_APP)
    by_email = delivery in (Delivery.BOTH, Delivery.EMAIL) and bool(recipient.email)
    if not (in_app or by_email):  # e-mail only, but no address: the app is the one way left
        in_app = True
    titles = {}
    for language in TITLE_LANGUAGES:
        with translation.override(language):
            titles[f"title_{language}"] = str(title)[:300]
    notification, created = Notification.objects.get_or_create(
        key=f"{recipient.pk}:{key}"[:200],
        defaults={
            "recipient": recipient,
            "kind": kind,
            "url": url,
            "in_app": in_app,
            "by_email": by_email,
            **titles,
        },
    )
    if not created:
        return None
    if notification.by_email:
        notification_email_send.enqueue(notification.pk)
    return notification


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (again reading it changes nothing)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark every unread notification of the user read; how many were unread."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
