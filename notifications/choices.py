"""The kinds of notification, the ways each can reach a person, and the days a weekly digest can come on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    UPDATE_DUE = "update_due", _("Progress update due")
    EVENT_TOMORROW = "event_tomorrow", _("Event tomorrow")
    PARTNER_ACTIVITY = "partner_activity", _("The other organization's work on your projects")
    RECORD_EDITED = "record_edited", _("Someone else edited a record you own")


class Delivery(models.TextChoices):
    BOTH = "both", _("In the app and by e-mail")
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("By e-mail only")
    OFF = "off", _("Off")


class Weekday(models.IntegerChoices):
    """ISO weekday numbers (date.isoweekday()): Monday is 1."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")
