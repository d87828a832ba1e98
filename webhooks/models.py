"""Webhook endpoints (a manager's URL told of chosen events) and each delivery to one of them.

Neither table is read by a cached page (core/cache.py): a delivery's attempts must not make every
kept list and figure stale, so both say `affects_cached_pages = False`.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.fields import HttpsURLField
from webhooks.choices import DeliveryStatus


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A manager's own endpoints (the secret is theirs); administrators see every endpoint."""
        if user.is_staff:
            return self
        return self.filter(owner=user)

    def active(self):
        return self.filter(active=True)


class WebhookEndpoint(models.Model):
    """A URL that a manager's system listens on, and the events it wants to hear about.

    Each delivery is signed with the endpoint's `secret` (HMAC-SHA256), which the owner copies
    into the receiving system. An endpoint that has not taken a delivery for a day is switched
    off (`disabled_at`, `disabled_reason`) and its owner told.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = HttpsURLField(_("URL"), max_length=500, help_text=_("Where the events are posted: an https:// address."))
    events = models.JSONField(_("events"), default=list, help_text=_("The events this endpoint is told of."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("secret"), max_length=80, default=new_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why it was switched off"), max_length=500, blank=True, editable=False)
    # Held by the one worker sending this endpoint's deliveries, so they go out one at a time, in order.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = WebhookEndpointQuerySet.as_manager()
    affects_cached_pages = False

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:webhookendpoint_detail", args=[self.pk])

    def clean(self):
        super().clean()
        unknown = set(self.events or []) - set(OutboundEventKind.values)
        if not isinstance(self.events, list) or unknown:
            raise ValidationError({"events": _("Choose events from the list.")})
        if not self.events:
            raise ValidationError({"events": _("Choose at least one event.")})

    def wants(self, kind: str) -> bool:
        return kind in self.events

    def event_labels(self) -> list[str]:
        return [OutboundEventKind(kind).label for kind in self.events if kind in OutboundEventKind.values]


class WebhookDelivery(models.Model):
    """One event posted (or to be posted) to one endpoint, with the outcome of its last attempt.

    `sequence` is the outbox event's number: an endpoint's deliveries go out in that order, and
    one event makes at most one delivery per endpoint.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=OutboundEventKind.choices)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    payload = models.JSONField(_("payload"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    affects_cached_pages = False

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-sequence", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "sequence"],
                name="webhook_delivery_once_per_event",
                violation_error_message=_("This event was delivered to this endpoint already."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
                violation_error_message=_("Unknown delivery status."),
            ),
        ]
        indexes = [models.Index(fields=["endpoint", "status", "sequence"], name="webhook_delivery_queue_idx")]

    def __str__(self):
        return f"{self.event} → {self.endpoint} (#{self.pk})"

    def get_absolute_url(self):
        return self.endpoint.get_absolute_url()
