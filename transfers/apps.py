from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Know-how transfers")

    def ready(self):
        # Registers the project panel and the article usage counter (see transfers/hooks.py).
        from transfers import hooks  # noqa: F401
