"""Background work of the dashboard layer: the weekly digest, written once per person and ISO week,
and mailed by a worker.

`digests_create` (run by `manage.py send_digests`, hourly or daily) writes one `Digest` row per
person whose digest day and hour have come this week, then queues its mail; the unique row per
person and week, written before anything is sent, keeps two overlapping runs from sending twice.
`digest_email_send` locks the row while it mails, and skips a digest already sent.
"""

import logging
import smtplib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from dashboard.digest import digest_email, digest_for
from notifications.models import Digest, NotificationPreference, with_preferences
from notifications.services import stuck_before
from notifications.tasks import MAX_ATTEMPTS, retry_delay

logger = logging.getLogger(__name__)


def week_of(moment: datetime) -> date:
    """The Monday of the ISO week `moment` falls in, Istanbul time."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.isoweekday() - 1)


def is_due(preference: NotificationPreference, moment: datetime) -> bool:
    """Whether the person's digest day and hour have come in `moment`'s week (a missed run catches up)."""
    local = timezone.localtime(moment)
    return preference.digest and (local.isoweekday(), local.hour) >= (preference.digest_day, settings.KOPRU_DIGEST_HOUR)


def digests_create(*, now: datetime | None = None) -> int:
    """Write this week's digest of everyone whose day and hour have come, and queue its mail; how many.

    Each row is written, in its own transaction with its task, before anything is sent. A person
    whose row exists (sent, queued, or being written by a run beside this one: the unique
    constraint makes that run's insert fail here) is left alone.
    """
    now = now or timezone.now()
    week = week_of(now)
    done = set(Digest.objects.filter(week=week).values_list("recipient_id", flat=True))
    people = with_preferences(get_user_model().objects.filter(is_active=True).exclude(email="")).order_by("pk")
    created = 0
    for person in people:
        if person.pk in done or not is_due(NotificationPreference.objects.for_user(person), now):
            continue
        try:
            with transaction.atomic():
                digest = Digest.objects.create(recipient=person, week=week, sending_started_at=now)
                digest_email_send.enqueue(digest.pk)
        except IntegrityError:  # another run wrote it first
            continue
        created += 1
    return created


def digest_emails_requeue(*, now: datetime | None = None) -> int:
    """Queue again every digest left unsent by a worker that died mid-task; how many (see
    notifications.services.notification_emails_requeue: the task skips one already sent)."""
    now = now or timezone.now()
    requeued = 0
    stuck = Digest.objects.unsent().filter(attempts__lt=MAX_ATTEMPTS, sending_started_at__lt=stuck_before(now))
    for pk in stuck.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            if Digest.objects.filter(pk=pk, sending_started_at__lt=stuck_before(now)).update(sending_started_at=now):
                digest_email_send.enqueue(pk)
                requeued += 1
    return requeued


@task()
def digest_email_send(digest_id: int) -> str:
    """Mail one digest unless it went already; on a mail-server fault, try again later.

    The row stays locked while the mail goes out, so a copy of this task queued again (after a
    worker died, or beside a slow one) waits, then finds it sent and does nothing. A digest with
    nothing in it is marked done without a mail.
    """
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related(
                "recipient__notification_preference", "recipient__membership__organization__notification_defaults"
            )
            .filter(pk=digest_id)
            .first()
        )
        if digest is None or digest.sent_at is not None:
            return "skipped"
        recipient = digest.recipient
        preference = NotificationPreference.objects.for_user(recipient)
        if not recipient.email or not recipient.is_active or not preference.digest:
            digest.sent_at = timezone.now()
            digest.save(update_fields=["sent_at"])
            return "not wanted"
        content = digest_for(recipient, preference, today=timezone.localdate())
        if not content.item_count:
            digest.sent_at = timezone.now()
            digest.save(update_fields=["sent_at"])
            return "empty"
        try:
            digest_email(recipient, content, preference.language).send()
        except (OSError, smtplib.SMTPException) as error:
            digest.attempts += 1
            if digest.attempts >= MAX_ATTEMPTS:
                digest.save(update_fields=["attempts"])
                logger.error("Gave up mailing digest %s: %s", digest.pk, error)
                return "gave up"
            run_after = timezone.now() + retry_delay(digest.attempts)
            digest.sending_started_at = run_after
            digest.save(update_fields=["attempts", "sending_started_at"])
            logger.warning("Mailing digest %s failed (%s); trying again at %s", digest.pk, error, run_after)
            digest_email_send.using(run_after=run_after).enqueue(digest.pk)
            return "retry"
        digest.sent_at = timezone.now()
        digest.attempts += 1
        digest.item_count = content.item_count
        digest.save(update_fields=["sent_at", "attempts", "item_count"])
        return "sent"
