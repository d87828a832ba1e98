"""Background work of the webhooks: the outbox's events become deliveries, and deliveries are sent.

Run by a worker (`manage.py db_worker`), never in a request. Two tasks:

- `outbound_events_dispatch` reads the outbox (core.outbox) in order and makes one delivery per
  event and active endpoint that wants it, then asks for each endpoint's deliveries to be sent.
- `webhook_endpoint_deliver` sends one endpoint's open deliveries strictly in the order the events
  happened: it holds the endpoint's lease (`lease_until`) so that no two workers send to the same
  endpoint at once, and a delivery that fails blocks the ones after it until it succeeds. A failure
  is retried after 1, 2, 4 … minutes (at most an hour); once the oldest open delivery has waited a
  day, the endpoint is switched off and its owner is told.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from core.models import OutboundEvent
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.payloads import event_payload
from webhooks.services import webhook_endpoint_disable
from webhooks.targets import UnsafeTarget, check_target, open_connection

logger = logging.getLogger(__name__)

DISPATCH_BATCH = 200
# Longer than one attempt can take (the 10 s timeout, twice: connecting and reading), so a lease
# only runs out when its worker died.
LEASE = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(days=1)
RESPONSE_EXCERPT = 500


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, as the X-Kopru-Signature header carries it."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def outbound_events_enqueue() -> None:
    """The outbox's consumer (webhooks.apps): called after a commit that recorded events."""
    outbound_events_dispatch.enqueue()


@task()
def outbound_events_dispatch() -> int:
    """Turn the outbox's undispatched events into deliveries, oldest first; how many were made.

    The rows are locked while they are read, so two copies of this task take turns: the second
    waits, then finds them dispatched, and an endpoint's deliveries are made in the events' order.
    """
    with transaction.atomic():
        events = list(
            OutboundEvent.objects.select_for_update().filter(dispatched_at__isnull=True).order_by("pk")[:DISPATCH_BATCH]
        )
        if not events:
            return 0
        endpoints = list(WebhookEndpoint.objects.active())
        deliveries = []
        for event in events:
            wanted_by = [endpoint for endpoint in endpoints if endpoint.wants(event.kind)]
            if not wanted_by:
                continue
            # Through JSON once, so every delivery stores exactly the body it will send.
            payload = json.loads(json.dumps(event_payload(event), cls=DjangoJSONEncoder))
            deliveries += [
                WebhookDelivery(endpoint=endpoint, event=event.kind, sequence=event.pk, payload=payload)
                for endpoint in wanted_by
            ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboundEvent.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=timezone.now())
        endpoint_ids = sorted({delivery.endpoint_id for delivery in deliveries})
        full_batch = len(events) == DISPATCH_BATCH

        def enqueue():
            for endpoint_id in endpoint_ids:
                webhook_endpoint_deliver.enqueue(endpoint_id)
            if full_batch:
                outbound_events_dispatch.enqueue()  # more are waiting

        transaction.on_commit(enqueue)
    return len(deliveries)


def lease_take(endpoint_id: int, now) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    return bool(WebhookEndpoint.objects.filter(free, pk=endpoint_id, active=True).update(lease_until=now + LEASE))


@task()
def webhook_endpoint_deliver(endpoint_id: int) -> str:
    """Send the endpoint's open deliveries in order, until one fails or none is left."""
    now = timezone.now()
    if not lease_take(endpoint_id, now):
        endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, active=True).first()
        if endpoint is None:
            return "inactive"
        # Another worker is sending; come back when its lease ends, in case it stopped just before
        # the deliveries that brought this task were made.
        webhook_endpoint_deliver.using(run_after=endpoint.lease_until).enqueue(endpoint_id)
        return "busy"
    try:
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        while True:
            delivery = endpoint.deliveries.filter(status__in=DeliveryStatus.open()).order_by("sequence", "pk").first()
            if delivery is None:
                return "done"
            now = timezone.now()
            if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
                return "waiting"  # its retry is queued for then; the later ones wait behind it
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(lease_until=now + LEASE)
            if not delivery_attempt(delivery, endpoint):
                return delivery_failed(delivery, endpoint)
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(lease_until=None)


def delivery_attempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> bool:
    """POST the delivery once and write down how it went; True if the endpoint took it (2xx)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kopru-Webhooks/1",
        "X-Kopru-Event": delivery.event,
        "X-Kopru-Delivery": str(delivery.pk),
        "X-Kopru-Timestamp": timestamp,
        "X-Kopru-Signature": signature(endpoint.secret, timestamp, body),
    }
    delivery.attempts += 1
    delivery.response_code = None
    delivery.error = ""
    started = time.monotonic()
    try:
        target = check_target(endpoint.url)  # again: the host's addresses may have changed since it was saved
        connection = open_connection(target)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
            delivery.response_code = response.status
        finally:
            connection.close()
        ok = 200 <= response.status < 300
        if not ok:
            delivery.error = f"HTTP {response.status}: {excerpt}".strip()
    except UnsafeTarget as error:
        ok, delivery.error = False, str(error)
    except (OSError, ValueError, http.client.HTTPException) as error:
        ok, delivery.error = False, f"{type(error).__name__}: {error}"
    delivery.duration_ms = round((time.monotonic() - started) * 1000)
    now = timezone.now()
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    delivery.save(
        update_fields=["attempts", "response_code", "error", "duration_ms", "status", "delivered_at", "next_attempt_at"]
    )
    return ok


def delivery_failed(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> str:
    """After a failed attempt: retry later, or, once the delivery has waited a day, switch the endpoint off."""
    now = timezone.now()
    if now - delivery.created_at >= GIVE_UP_AFTER:
        webhook_endpoint_disable(endpoint=endpoint, last_error=delivery.error)
        return "disabled"
    delivery.status = DeliveryStatus.RETRYING
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["status", "next_attempt_at"])
    logger.warning(
        "Webhook delivery %s failed (%s); trying again at %s", delivery.pk, delivery.error, delivery.next_attempt_at
    )
    webhook_endpoint_deliver.using(run_after=delivery.next_attempt_at).enqueue(endpoint.pk)
    return "retry"
