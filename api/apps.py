from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API under /api/v1/ and the personal tokens that open it."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        from api import schema  # noqa: F401 - registers the schema extensions with drf-spectacular
