"""Telling an endpoint's owner it was switched off.

By e-mail, in the owner's language, from the worker that switched it off. Not a notification
in the bell (notifications.services.notification_create): its kinds are a fixed list with one
preference column each, and "webhook switched off" is not among them yet. The endpoint's page
and the list show the switch-off too.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import NotificationPreference
from webhooks.models import WebhookEndpoint

logger = logging.getLogger(__name__)


def webhook_endpoint_disabled_notify(*, endpoint: WebhookEndpoint) -> bool:
    """Mail the owner that `endpoint` was switched off and why; False if there was nobody to mail."""
    owner = endpoint.owner
    if not owner.email or not owner.is_active:
        return False
    language = NotificationPreference.objects.for_user(owner).language
    with translation.override(language):
        context = {
            "endpoint": endpoint,
            "link": settings.KOPRU_SITE_URL + endpoint.get_absolute_url(),
            "owner": owner,
        }
        subject = render_to_string("webhooks/email/disabled_subject.txt", context).strip()
        body = render_to_string("webhooks/email/disabled.txt", context)
    try:
        send_mail(subject, body, None, [owner.email])
    except (OSError, smtplib.SMTPException) as error:
        # The switch-off stands either way; the page says so.
        logger.warning("Could not mail the owner of webhook endpoint %s: %s", endpoint.pk, error)
        return False
    return True
