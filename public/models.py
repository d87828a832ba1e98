"""What the partnership has chosen to publish, and each party's consent to it.

Nothing is public by default. A Publication names one record (a project, an event or a
product adoption) through three nullable one-to-one links, exactly one of them set, so the
records' own models (lower layers) gain no field. It goes out when a manager of every
party of the protocol has agreed (one PublicationConsent per party), and a manager can take
it back. The history of both models keeps who did what, and when.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.models import Event
from partnership.models import Organization
from projects.models import Project
from public.choices import PublicationStatus
from transfers.models import ProductAdoption

# The fields that may name the published record; exactly one is set.
RECORD_FIELDS = ("project", "event", "adoption")


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def proposed(self):
        return self.filter(status=PublicationStatus.PROPOSED)


class Publication(models.Model):
    """A record the partnership publishes on the public page once every party has agreed."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, null=True, blank=True, related_name="publication"
    )
    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, null=True, blank=True, related_name="publication"
    )
    adoption = models.OneToOneField(
        ProductAdoption,
        verbose_name=_("product adoption"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    status = models.CharField(_("status"), max_length=20, choices=PublicationStatus, default=PublicationStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("unpublished at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"], name="publication_status_idx")]
        constraints = [
            models.CheckConstraint(
                # Exactly one of the three is set: one and only one of these is true.
                condition=(
                    Q(project__isnull=False, event__isnull=True, adoption__isnull=True)
                    | Q(project__isnull=True, event__isnull=False, adoption__isnull=True)
                    | Q(project__isnull=True, event__isnull=True, adoption__isnull=False)
                ),
                name="publication_names_one_record",
                violation_error_message=_("A publication names exactly one project, event or product adoption."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="publication_status_valid",
                violation_error_message=_("The status must be one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="publication_published_has_date",
                violation_error_message=_("A published record says when it was published."),
            ),
        ]

    def __str__(self):
        return str(self.record)

    def get_absolute_url(self):
        return reverse("public:publication_manage") + f"#publication-{self.pk}"

    @property
    def record(self):
        return self.project or self.event or self.adoption

    @property
    def record_kind(self) -> str:
        return next(name for name in RECORD_FIELDS if getattr(self, f"{name}_id") is not None)

    def public_url(self) -> str:
        """Where the published record is shown to everyone."""
        if self.project_id:
            return reverse("public:project_detail", args=[self.project_id])
        if self.event_id:
            return reverse("public:event_detail", args=[self.event_id])
        return reverse("public:index") + f"#adoption-{self.adoption_id}"


class PublicationConsent(models.Model):
    """One party's agreement to a publication: which organization, which of its managers, when."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="consents"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publication consent")
        verbose_name_plural = _("publication consents")
        ordering = ["publication", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "organization"],
                name="publication_consent_unique",
                violation_error_message=_("This organization has already agreed to the publication."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.publication}"
