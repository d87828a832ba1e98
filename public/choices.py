"""Choices for the public app."""

from django.utils.translation import gettext_lazy as _

from core.choices import BadgeChoices


class PublicationStatus(BadgeChoices):
    PROPOSED = "proposed", _("Awaiting consent")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Unpublished")

    @classmethod
    def badges(cls):
        return {
            cls.PROPOSED: "text-bg-warning",
            cls.PUBLISHED: "text-bg-success",
            cls.WITHDRAWN: "text-bg-secondary",
        }
