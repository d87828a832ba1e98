"""Choices for the transfers app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferKind(models.TextChoices):
    TRAINING = "training", _("Training")
    DOCUMENTATION = "documentation", _("Documentation")
    SECONDMENT = "secondment", _("Expert secondment")
    STUDY_VISIT = "study_visit", _("Study visit")
    PRODUCT_SHARING = "product_sharing", _("Product or software sharing")
    CONSULTANCY = "consultancy", _("Consultancy")
    JOINT_RND = "joint_rnd", _("Joint R&D")


class AdoptionStatus(models.TextChoices):
    EVALUATING = "evaluating", _("Evaluating")
    PILOT = "pilot", _("Pilot")
    IN_USE = "in_use", _("In use")
    DISCONTINUED = "discontinued", _("Discontinued")
