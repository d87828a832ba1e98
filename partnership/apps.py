from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Partnership")

    def ready(self):
        from partnership import (
            audit,  # noqa: F401 - connects the sign-in signal receivers
            cache,  # noqa: F401 - notices every write, to keep cached figures fresh
        )
