"""The states of a webhook delivery."""

from django.utils.translation import gettext_lazy as _

from core.choices import BadgeChoices


class DeliveryStatus(BadgeChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")

    @classmethod
    def badges(cls):
        return {
            cls.PENDING: "text-bg-light border",
            cls.RETRYING: "text-bg-warning",
            cls.DELIVERED: "text-bg-success",
            cls.FAILED: "text-bg-danger",
        }

    @classmethod
    def open(cls) -> list[str]:
        """Deliveries still to be sent."""
        return [cls.PENDING, cls.RETRYING]
