from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # Registers the project panel and the article usage counter (see events/hooks.py).
        from events import hooks  # noqa: F401
