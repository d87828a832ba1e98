"""The agreement itself: the parties, the protocol, its articles and the parties' products."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import HttpsURLField
from core.models import Attachment, VersionedModel
from core.roles import role_of
from partnership.choices import OrganizationKind, ProductCategory, ProtocolStatus


class OrganizationQuerySet(models.QuerySet):
    def parties(self):
        """Organizations that signed a protocol."""
        return self.filter(protocol_parties__isnull=False).distinct()


class Organization(models.Model):
    """A company or municipality taking part in, or standing behind, the partnership."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind, default=OrganizationKind.COMPANY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliates",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = HttpsURLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="organization_name_unique",
                violation_error_code="unique",
                violation_error_message=_("An organization with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["short_name"],
                name="organization_short_name_unique",
                violation_error_code="unique",
                violation_error_message=_("An organization with this short name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organization_not_own_parent",
                violation_error_message=_("An organization cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.written(self.short_name, self.name)

    @staticmethod
    def written(short_name: str, name: str) -> str:
        """How an organization is written: its short name, else its name (also for two names read in a join)."""
        return short_name or name


class Membership(models.Model):
    """Ties a user to the one organization they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__username"]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class ProtocolQuerySet(models.QuerySet):
    def editable_by(self, user):
        """The agreement itself is managers' and administrators' business."""
        return self.all() if role_of(user).is_manager else self.none()

    def in_force_first(self):
        """The protocol the pages show comes first: the one in force signed last, else the one signed last."""
        in_force = Case(When(status=ProtocolStatus.IN_FORCE, then=0), default=1)
        return self.order_by(in_force, "-signed_on", "-pk")


class Protocol(VersionedModel):
    """A signed cooperation protocol between organizations."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    signed_place = models.CharField(_("place of signing"), max_length=300)
    effective_on = models.DateField(_("effective from"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProtocolStatus, default=ProtocolStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    # The signed document and any annexes are attachments, checked and served like every other file.
    attachments = GenericRelation(Attachment)
    history = HistoricalRecords()

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="protocol_number_unique",
                violation_error_code="unique",
                violation_error_message=_("A protocol with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("signed_on")),
                name="protocol_effective_after_signing",
                violation_error_message=_("A protocol cannot take effect before it is signed."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("effective_on")),
                name="protocol_expires_after_effective",
                violation_error_message=_("A protocol cannot expire before it takes effect."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnership:protocol_detail")


class ProtocolParty(models.Model):
    """An organization that signed a protocol, and who signed for it."""

    protocol = models.ForeignKey(Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="protocol_parties"
    )
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protocol party")
        verbose_name_plural = _("protocol parties")
        ordering = ["protocol", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "organization"],
                name="protocol_party_unique",
                violation_error_message=_("This organization is already a party to the protocol."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.signatory_name})"


class ProtocolArticle(models.Model):
    """A clause of a protocol: one area of cooperation that work can serve."""

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protocol article")
        verbose_name_plural = _("protocol articles")
        ordering = ["protocol", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "number"],
                name="protocol_article_number_unique",
                violation_error_message=_("The protocol already has an article with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="protocol_article_number_positive",
                violation_error_message=_("Article numbers start at 1."),
            ),
        ]

    def __str__(self):
        return _("Art. %(number)s — %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self):
        return reverse("partnership:protocol_detail") + f"#article-{self.number}"


class TechnologyProduct(models.Model):
    """An existing technology product of one party, which the other side may adopt."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=ProductCategory, default=ProductCategory.OTHER)
    description = models.TextField(_("description"), blank=True)
    website = HttpsURLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("technology product")
        verbose_name_plural = _("technology products")
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="technology_product_name_unique",
                violation_error_message=_("This organization already has a product with this name."),
            ),
        ]

    def __str__(self):
        return self.name
