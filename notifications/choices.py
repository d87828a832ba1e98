"""The kinds of notification and the ways each can reach a person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    UPDATE_DUE = "update_due", _("Progress update due")
    EVENT_TOMORROW = "event_tomorrow", _("Event tomorrow")
    PARTNER_ACTIVITY = "partner_activity", _("The other organization's work on your projects")


class Delivery(models.TextChoices):
    BOTH = "both", _("In the app and by e-mail")
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("By e-mail only")
    OFF = "off", _("Off")
