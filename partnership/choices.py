"""Choices for the partnership app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import BadgeChoices


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Municipal company")
    MUNICIPALITY = "municipality", _("Municipality")
    OTHER = "other", _("Other")


class ProtocolStatus(BadgeChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")

    @classmethod
    def badges(cls):
        return {
            cls.DRAFT: "text-bg-light border",
            cls.IN_FORCE: "text-bg-success",
            cls.EXPIRED: "text-bg-secondary",
            cls.TERMINATED: "text-bg-dark",
        }


class ProductCategory(models.TextChoices):
    SMART_TRANSPORTATION = "smart_transportation", _("Smart transportation")
    PUBLIC_TRANSPORT = "public_transport", _("Public-transport vehicle technology")
    SMART_CITY_PLATFORM = "smart_city_platform", _("Smart-city platform")
    ARTIFICIAL_INTELLIGENCE = "artificial_intelligence", _("Artificial intelligence")
    DATA_ENGINEERING = "data_engineering", _("Data engineering")
    DIGITAL_INFRASTRUCTURE = "digital_infrastructure", _("Digital infrastructure")
    OTHER = "other", _("Other")
