"""Writes of the notifications app: creating a notification once, marking notifications read,
telling an owner of someone else's edit, unsubscribing, and queueing again mail a dead worker left.

Higher layers (projects, events, transfers, the reminder run) call `notification_create`; they
decide who hears about what, this module decides how (the recipient's preferences) and makes
sure nothing is created, or mailed, twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import changes_between
from notifications.choices import Delivery, NotificationKind
from notifications.models import TITLE_LANGUAGES, Notification, NotificationPreference
from notifications.tasks import MAX_ATTEMPTS, notification_email_send
from notifications.unsubscribe import DIGEST


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
            "sending_started_at": timezone.now() if by_email else None,
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


# How many changed fields an edit notification names before it says "and N more".
EDIT_FIELDS_SHOWN = 4


def record_edited_notify(*, record, editor: AbstractBaseUser) -> Notification | None:
    """Tell the record's owner that `editor` changed it, naming the fields from its history.

    Called by each edit path after the save, in its transaction (projects.services.project_save, …).
    Compares the record's newest history entry with the one before; an edit that changed nothing
    of the record's own, an owner editing their own record, and a record without owner tell nobody.
    Once per version of the record.
    """
    owner = getattr(record, "owner", None)
    if owner is None or editor is None or owner.pk == editor.pk:
        return None
    newer, older = (list(record.history.order_by("-history_date", "-history_id")[:2]) + [None, None])[:2]
    if newer is None or older is None or newer.history_type != "~":
        return None
    if not changes_between(newer, older):
        return None

    def changed_fields() -> str:
        # Field names in the language being written (notification_create writes each in turn).
        labels = [change.label for change in changes_between(newer, older)]
        shown = labels[:EDIT_FIELDS_SHOWN]
        if len(labels) > EDIT_FIELDS_SHOWN:
            shown.append(gettext("%(count)d more") % {"count": len(labels) - EDIT_FIELDS_SHOWN})
        return ", ".join(shown)

    title = format_lazy(
        _("{editor} edited {record}: {fields}"),
        editor=editor.get_full_name() or editor.get_username(),
        record=str(record),
        fields=lazy(changed_fields, str)(),
    )
    return notification_create(
        recipient=owner,
        kind=NotificationKind.RECORD_EDITED,
        key=f"record_edited:{record._meta.label_lower}:{record.pk}:{newer.history_id}",
        url=record.get_absolute_url(),
        title=title,
    )


@transaction.atomic
def notification_unsubscribe(*, user: AbstractBaseUser, what: str) -> bool:
    """Stop one kind of mail for `user` (a kind of notification, or the digest); False if it had stopped.

    A kind that came in the app and by e-mail stays in the app; one that came by e-mail only stops.
    Someone without preferences of their own gets their organization's defaults saved, changed.
    """
    preference = NotificationPreference.objects.for_user(user)
    if what == DIGEST:
        if not preference.digest:
            return False
        preference.digest = False
    else:
        delivery = preference.delivery(what)
        if delivery == Delivery.BOTH:
            setattr(preference, what, Delivery.IN_APP)
        elif delivery == Delivery.EMAIL:
            setattr(preference, what, Delivery.OFF)
        else:
            return False
    preference.save()
    return True


def stuck_before(now: datetime) -> datetime:
    """Mail queued before this and still unsent was left by a worker that died (KOPRU_MAIL_STUCK_MINUTES)."""
    return now - timedelta(minutes=settings.KOPRU_MAIL_STUCK_MINUTES)


def notification_emails_requeue(*, now: datetime | None = None) -> int:
    """Queue again every notification mail stuck unsent since long before `now`; how many.

    A worker killed mid-task leaves its task "running" for ever and the notification unsent (its
    transaction rolled back). A copy queued again is harmless if the first was merely slow: the
    task locks the row and skips a mail already sent. Run by `send_reminders` and `send_digests`.
    """
    now = now or timezone.now()
    requeued = 0
    stuck = Notification.objects.filter(
        by_email=True,
        emailed_at__isnull=True,
        email_attempts__lt=MAX_ATTEMPTS,
        sending_started_at__lt=stuck_before(now),
    )
    for pk in stuck.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            # Claimed by one run only: the update matches no row once another run has moved the time on.
            if Notification.objects.filter(pk=pk, sending_started_at__lt=stuck_before(now)).update(
                sending_started_at=now
            ):
                notification_email_send.enqueue(pk)
                requeued += 1
    return requeued
