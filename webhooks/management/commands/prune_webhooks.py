"""`manage.py prune_webhooks`: forget old webhook deliveries and dispatched outbox events (daily is enough).

What goes and what stays is `webhooks.services.webhooks_prune`; safe to run at any time and on
several hosts at once.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from webhooks.services import webhooks_prune


class Command(BaseCommand):
    help = "Delete finished webhook deliveries and dispatched outbox events older than KOPRU_WEBHOOK_KEEP_DAYS."

    def handle(self, *args, **options):
        events, deliveries = webhooks_prune()
        self.stdout.write(
            f"Older than {settings.KOPRU_WEBHOOK_KEEP_DAYS} days: {deliveries} deliveries "
            f"and {events} outbox events deleted."
        )
