"""Pruning: finished deliveries and dispatched events go after KOPRU_WEBHOOK_KEEP_DAYS; open
deliveries, events not yet dispatched and keyed events stay."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.choices import OutboundEventKind
from core.models import OutboundEvent
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhooks_prune

pytestmark = pytest.mark.django_db

DAYS = 30


def aged(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def event(dispatched_days_ago: int | None, key: str | None = None) -> OutboundEvent:
    return OutboundEvent.objects.create(
        kind=OutboundEventKind.PROJECT_CREATED,
        model="projects.project",
        object_id=1,
        key=key,
        created_at=aged(dispatched_days_ago or 0),
        dispatched_at=None if dispatched_days_ago is None else aged(dispatched_days_ago),
    )


def delivery(endpoint, sequence: int, status: str, days_ago: int) -> WebhookDelivery:
    made = WebhookDelivery.objects.create(
        endpoint=endpoint, event=OutboundEventKind.PROJECT_CREATED, sequence=sequence, payload={}, status=status
    )
    WebhookDelivery.objects.filter(pk=made.pk).update(created_at=aged(days_ago))  # auto_now_add ignores a value
    return made


def test_old_finished_work_goes_and_the_rest_stays(manager, settings):
    settings.KOPRU_WEBHOOK_KEEP_DAYS = DAYS
    endpoint = WebhookEndpoint.objects.create(
        owner=manager, url="https://hooks.example.org/", events=["project.created"]
    )
    gone_events = [event(DAYS + 10), event(DAYS + 1)]
    kept_events = [event(DAYS - 1), event(None), event(DAYS + 10, key="milestone-overdue:1:2026-01-01")]
    gone = [
        delivery(endpoint, 1, DeliveryStatus.DELIVERED, DAYS + 5),
        delivery(endpoint, 2, DeliveryStatus.FAILED, DAYS + 5),
    ]
    kept = [
        delivery(endpoint, 3, DeliveryStatus.PENDING, DAYS + 5),
        delivery(endpoint, 4, DeliveryStatus.RETRYING, DAYS + 5),
        delivery(endpoint, 5, DeliveryStatus.DELIVERED, DAYS - 1),
    ]
    out = StringIO()
    call_command("prune_webhooks", stdout=out)
    assert set(OutboundEvent.objects.values_list("pk", flat=True)) == {row.pk for row in kept_events}
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert (
        f"Older than {DAYS} days: {len(gone)} deliveries and {len(gone_events)} outbox events deleted."
        in out.getvalue()
    )


def test_a_second_run_deletes_nothing_more(settings):
    settings.KOPRU_WEBHOOK_KEEP_DAYS = DAYS
    event(DAYS + 1)
    assert webhooks_prune() == (1, 0)
    assert webhooks_prune() == (0, 0)
