"""A delivery's JSON body: the event, when it happened, what changed, and the record as the API shows it.

The record is the API's own representation (api/serializers.py), so a receiver that also reads
the API sees the same fields. It is read when the event becomes deliveries, moments after the
commit; `changes` (a status's old and new value, for one) was taken at the moment itself.
"""

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from api import serializers as api_serializers
from core.models import OutboundEvent

# Record type → (the API's serializer, its route's basename).
REPRESENTATIONS = {
    "projects.project": (api_serializers.ProjectSerializer, "project"),
    "projects.milestone": (api_serializers.MilestoneSerializer, "milestone"),
    "projects.progressupdate": (api_serializers.ProgressUpdateSerializer, "progressupdate"),
    "events.event": (api_serializers.EventSerializer, "event"),
    "transfers.knowhowtransfer": (api_serializers.KnowHowTransferSerializer, "knowhowtransfer"),
}


def record_json(model_label: str, object_id: int) -> dict | None:
    """The record as the API shows it, or None if it no longer exists."""
    serializer_class, basename = REPRESENTATIONS[model_label]
    model = apps.get_model(model_label)
    queryset = model._default_manager.all()
    if model_label == "projects.project":
        queryset = queryset.prefetch_related("partners", "milestones", "articles", "products")
    record = queryset.filter(pk=object_id).first()
    if record is None:
        return None
    return serializer_class(record, context={}).data


def event_payload(event: OutboundEvent) -> dict:
    serializer_class, basename = REPRESENTATIONS[event.model]
    return {
        "event": event.kind,
        "occurred_at": event.created_at.isoformat(),
        "record": {
            "type": event.model.split(".", 1)[1],
            "id": event.object_id,
            "api_url": settings.KOPRU_SITE_URL + reverse(f"api:{basename}-detail", args=[event.object_id]),
            "data": record_json(event.model, event.object_id),
        },
        "changes": event.data,
    }
