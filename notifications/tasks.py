"""Background work of the notifications app: sending a notification by e-mail (and the helpers the
weekly digest's mail shares: the retry pause, the unsubscribe link and headers).

Run by a worker (`manage.py db_worker`), never in a request. A mail server that cannot be reached
leaves the mail for a later attempt, with a growing pause, up to `MAX_ATTEMPTS`.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from notifications.models import Notification, NotificationPreference
from notifications.unsubscribe import unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def notification_email(notification: Notification, language: str) -> EmailMultiAlternatives:
    """The mail of one notification, in `language`: plain text with an HTML twin."""
    with translation.override(language):
        context = {
            "notification": notification,
            "title": notification.title,
            "link": settings.KOPRU_SITE_URL + notification.url,
            "preferences_link": settings.KOPRU_SITE_URL
            + NotificationPreference(user=notification.recipient).get_absolute_url(),
            "recipient": notification.recipient,
            "unsubscribe_link": unsubscribe_url(notification.recipient, notification.kind),
            "kind_label": notification.kind_label,
        }
        subject = "Köprü: " + notification.title
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/notification.txt", context),
            to=[notification.recipient.email],
        )
        message.attach_alternative(render_to_string("notifications/email/notification.html", context), "text/html")
        message.extra_headers["Content-Language"] = language
        message.extra_headers.update(unsubscribe_headers(notification.recipient, notification.kind))
        return message


@task()
def notification_email_send(notification_id: int) -> str:
    """Send one notification's mail unless it went already; on a mail-server fault, try again later.

    The notification's row stays locked while the mail goes out, so a second copy of this task
    (a retry, or one queued again after a worker died) waits, then finds it sent and does nothing.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related(
                "recipient__notification_preference", "recipient__membership__organization__notification_defaults"
            )
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None or not notification.by_email:
            return "skipped"
        if not notification.recipient.email or not notification.recipient.is_active:
            return "no address"
        language = NotificationPreference.objects.for_user(notification.recipient).language
        try:
            notification_email(notification, language).send()
        except (OSError, smtplib.SMTPException) as error:
            notification.email_attempts += 1
            notification.save(update_fields=["email_attempts"])
            if notification.email_attempts >= MAX_ATTEMPTS:
                logger.error("Gave up mailing notification %s: %s", notification.pk, error)
                return "gave up"
            delay = retry_delay(notification.email_attempts)
            logger.warning("Mailing notification %s failed (%s); trying again in %s", notification.pk, error, delay)
            run_after = timezone.now() + delay
            notification.sending_started_at = run_after  # not stuck while it waits for its turn
            notification.save(update_fields=["email_attempts", "sending_started_at"])
            notification_email_send.using(run_after=run_after).enqueue(notification.pk)
            return "retry"
        notification.emailed_at = timezone.now()
        notification.email_attempts += 1
        notification.save(update_fields=["emailed_at", "email_attempts"])
        return "sent"
