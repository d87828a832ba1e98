from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhooks: managers' endpoints, told of the partnership's events by signed HTTP POSTs."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from core.outbox import outbox_consumer
        from webhooks.tasks import outbound_events_enqueue

        # The outbox lives in core, below every app that writes to it; this is how it reaches us.
        outbox_consumer(outbound_events_enqueue)
