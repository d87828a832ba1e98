"""Choices for the projects app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import BadgeChoices


class ProjectStatus(BadgeChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def badges(cls):
        return {
            cls.PROPOSED: "text-bg-light border",
            cls.PLANNED: "text-bg-info",
            cls.ACTIVE: "text-bg-primary",
            cls.ON_HOLD: "text-bg-warning",
            cls.COMPLETED: "text-bg-success",
            cls.CANCELLED: "text-bg-secondary",
        }


class Health(BadgeChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")

    @classmethod
    def badges(cls):
        return {cls.ON_TRACK: "text-bg-success", cls.AT_RISK: "text-bg-warning", cls.OFF_TRACK: "text-bg-danger"}


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    ADVISOR = "advisor", _("Advisor")


class ConfirmationState(BadgeChoices):
    """Where the other side's confirmation of a joint record stands (milestones; transfers reuse it).

    Blank (not one of these) means nobody is asked: the record is not completed, or its project has
    one organization only.
    """

    AWAITING = "awaiting", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")

    @classmethod
    def badges(cls):
        return {cls.AWAITING: "text-bg-warning", cls.CONFIRMED: "text-bg-success", cls.DISPUTED: "text-bg-danger"}
