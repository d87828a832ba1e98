"""Choices for the events app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    FAIR = "fair", _("Fair")
    TRAINING = "training", _("Training")
    HACKATHON = "hackathon", _("Hackathon")
    STEERING_MEETING = "steering_meeting", _("Steering meeting")
    VISIT = "visit", _("Visit")
    SIGNING = "signing", _("Signing ceremony")
    OTHER = "other", _("Other")
