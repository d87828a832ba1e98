"""The outbox: what happened to the partnership's records, for other systems to hear about.

Why an outbox here, in the lowest layer: the services that change records (projects, events,
transfers) sit below the API and the webhooks app and must not import them, yet they are the
one place that knows a project's status changed or a transfer was logged. So each service calls
`webhook_event(...)`, which writes an `OutboundEvent` row in the service's own transaction: a
rolled-back change leaves no event, and a committed one cannot be lost to a crash between the
commit and a queue. The consumer (webhooks/) registers itself at start-up with `outbox_consumer`;
it is called once the transaction commits, and only enqueues a task, which turns the rows into
deliveries on a worker, never in the request. With no consumer installed, nothing is written.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from core.models import OutboundEvent

_consumers: list[Callable[[], None]] = []


def outbox_consumer(consumer: Callable[[], None]) -> None:
    """Have `consumer()` called after each commit that recorded events (from an AppConfig.ready)."""
    if consumer not in _consumers:
        _consumers.append(consumer)


def _consumers_notify() -> None:
    for consumer in _consumers:
        consumer()


def webhook_event(kind: str, record, *, key: str | None = None, **data) -> OutboundEvent | None:
    """Record that `kind` happened to `record`, with `data` (JSON-able details such as a status change).

    Call it inside the transaction that made the change. With a `key`, the happening is recorded
    once however often it is reported (None the second time).
    """
    if not _consumers:
        return None
    event = OutboundEvent(kind=kind, model=record._meta.label_lower, object_id=record.pk, data=data, key=key)
    if key is not None:
        try:
            with transaction.atomic():  # a savepoint: a duplicate key must not spoil the caller's transaction
                event.save()
        except IntegrityError:
            return None
    else:
        event.save()
    transaction.on_commit(_consumers_notify)
    return event
