from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What Köprü tells each person: notifications in the app and by e-mail, and their preferences."""

    name = "notifications"
    verbose_name = _("Notifications")
