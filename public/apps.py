from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public face: what both parties agreed to publish, as pages, open data and a feed."""

    name = "public"
    verbose_name = _("Public page")
