"""Writes of the webhooks app, each one named function."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import OutboundEvent
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.notify import webhook_endpoint_disabled_notify

logger = logging.getLogger(__name__)


@transaction.atomic
def webhook_endpoint_save(*, form, user) -> WebhookEndpoint:
    """Save a new or changed endpoint; a new one belongs to `user`. Switched on again, it forgets
    why it was switched off."""
    endpoint = form.save(commit=False)
    if endpoint.pk is None:
        endpoint.owner = user
    if endpoint.active:
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_deactivate(*, endpoint: WebhookEndpoint) -> bool:
    """Stop sending to the endpoint; its open deliveries are dropped. False if it was off already."""
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(active=False)
    if changed:
        endpoint.deliveries.filter(status__in=DeliveryStatus.open()).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, error="Endpoint switched off by its owner."
        )
    return bool(changed)


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, last_error: str) -> None:
    """Switch off an endpoint that has taken nothing for a day, fail its open deliveries, tell its owner."""
    endpoint.active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = last_error[:500]
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    endpoint.deliveries.filter(status__in=DeliveryStatus.open()).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    logger.error("Webhook endpoint %s switched off: %s", endpoint.pk, last_error)
    transaction.on_commit(lambda: webhook_endpoint_disabled_notify(endpoint=endpoint))


@transaction.atomic
def webhooks_prune(*, now: datetime | None = None) -> tuple[int, int]:
    """Forget what was told more than `KOPRU_WEBHOOK_KEEP_DAYS` ago: finished deliveries (delivered,
    or failed for good) and the outbox events already dispatched. Returns how many of each went.

    Open deliveries stay however old they are, and so does every event with a key: its key is what
    stops the same happening (a milestone overdue since a due date) from being announced again.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.KOPRU_WEBHOOK_KEEP_DAYS)
    deliveries = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(status__in=DeliveryStatus.open())
    events = OutboundEvent.objects.filter(dispatched_at__lt=cutoff, key__isnull=True)
    return events.delete()[0], deliveries.delete()[0]
