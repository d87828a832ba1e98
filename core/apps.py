import sys
from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The machinery every Köprü app shares: lists, exports, imports, attachments, history, cache, audit."""

    name = "core"
    verbose_name = _("Shared machinery")

    def ready(self):
        from core import (
            audit,  # noqa: F401 - connects the sign-in signal receivers
            cache,  # noqa: F401 - notices every write, to keep cached figures fresh
        )


def kopru_apps() -> list[AppConfig]:
    """Köprü's own apps, those whose code lives in this repository, in INSTALLED_APPS order.

    Shared machinery (the data-version cache, the tests' model sweeps) reads this instead of a
    hand-kept list of app names, so a new app is noticed once it is in INSTALLED_APPS.
    """
    base, installed = Path(settings.BASE_DIR).resolve(), Path(sys.prefix).resolve()  # a .venv may sit in base
    return [
        config
        for config in apps.get_app_configs()
        if (path := Path(config.path).resolve()).is_relative_to(base) and not path.is_relative_to(installed)
    ]
