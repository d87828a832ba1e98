"""Know-how transfers between the parties, and products taken up by the other side."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import Attachment, SearchableModel, SearchableQuerySet, TakesPartQuerySet, VersionedModel
from core.roles import role_of
from partnership.models import Organization, ProtocolArticle, TechnologyProduct
from projects.models import Project
from transfers.choices import AdoptionStatus, TransferKind

RATING_MESSAGE = _("The rating must be between 1 and 5.")


class KnowHowTransferQuerySet(SearchableQuerySet, TakesPartQuerySet):
    def for_organization(self, organization):
        return self.filter(Q(provider=organization) | Q(recipient=organization))

    def confirmed(self):
        """Transfers the recipient confirmed took place."""
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)

    def confirmable_by(self, user):
        """Transfers awaiting the confirmation of the user's organization: those it received
        (core.access.can_confirm). The provider never confirms its own transfer."""
        organization = role_of(user).organization
        if organization is None:
            return self.none()
        return self.unconfirmed().filter(recipient=organization)


class KnowHowTransfer(VersionedModel, SearchableModel):
    """Knowledge passed from one party to the other: a training, a secondment, shared software…"""

    search_fields = ("title", "description", "outcome")

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="transfers_provided"
    )
    recipient = models.ForeignKey(
        Organization, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="transfers_received"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TransferKind, default=TransferKind.TRAINING)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    product = models.ForeignKey(
        TechnologyProduct,
        verbose_name=_("technology product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers"
    )
    articles = models.ManyToManyField(
        ProtocolArticle, verbose_name=_("protocol articles"), related_name="transfers", blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    recipient_rating = models.PositiveSmallIntegerField(
        _("recipient's rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=RATING_MESSAGE), MaxValueValidator(5, message=RATING_MESSAGE)],
        help_text=_("1 (poor) to 5 (excellent)"),
    )
    # The second key (transfers.services.knowhowtransfer_confirm): the recipient confirms that the
    # transfer took place, with the hours and participants it saw (kept beside the provider's).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_by_organization = models.ForeignKey(
        Organization,
        verbose_name=_("confirming organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_hours = models.DecimalField(
        _("hours seen by the recipient"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    confirmed_participants = models.PositiveIntegerField(_("participants seen by the recipient"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    attachments = GenericRelation(Attachment)
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=["articles"])

    objects = KnowHowTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("know-how transfer")
        verbose_name_plural = _("know-how transfers")
        ordering = ["-started_on", "-pk"]
        # The default sort (-started_on, -pk), and a deep page's index-only subquery; what it
        # includes lets the dashboard sum a period's transfers per direction, and count those not
        # confirmed, from the index alone. Plans and times: migrations/0003_list_indexes.py,
        # 0005_dashboard_covering_index.py and 0008_covering_index_with_confirmation.py.
        indexes = [
            models.Index(
                fields=["started_on", "id"],
                include=["provider", "recipient", "hours", "participants", "confirmed_at"],
                name="transfer_started_on_cover_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider=F("recipient")),
                name="transfer_provider_not_recipient",
                violation_error_message=_("The provider and the recipient must be different organizations."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="transfer_ends_after_start",
                violation_error_message=_("A transfer cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="transfer_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(recipient_rating__isnull=True) | Q(recipient_rating__gte=1, recipient_rating__lte=5),
                name="transfer_rating_range",
                violation_error_message=RATING_MESSAGE,
            ),
            # The recipient confirms, and so never the provider (transfer_provider_not_recipient).
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by_organization__isnull=True)
                | Q(
                    confirmed_at__isnull=False,
                    confirmed_by_organization__isnull=False,  # a NULL comparison would pass the check
                    confirmed_by_organization=F("recipient"),
                ),
                name="transfer_confirmed_by_recipient",
                violation_error_message=_("Only the recipient confirms a transfer, and the confirmation names it."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True)
                | Q(confirmed_hours__isnull=False, confirmed_hours__gte=0, confirmed_participants__isnull=False),
                name="transfer_confirmation_figures",
                violation_error_message=_("A confirmation gives the hours and participants the recipient saw."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transfers:knowhowtransfer_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ProductAdoptionQuerySet(TakesPartQuerySet):
    def for_organization(self, organization):
        """Adoptions by the organization, or of one of its products."""
        return self.filter(Q(adopter=organization) | Q(product__organization=organization))


class ProductAdoption(models.Model):
    """A technology product taken up by the other party or by a city."""

    product = models.ForeignKey(
        TechnologyProduct, verbose_name=_("technology product"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopter = models.ForeignKey(
        Organization,
        verbose_name=_("adopting organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    adopter_city = models.CharField(_("adopting city"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AdoptionStatus, default=AdoptionStatus.EVALUATING)
    adopted_on = models.DateField(_("date"))
    transfer = models.ForeignKey(
        KnowHowTransfer,
        verbose_name=_("know-how transfer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="adoptions"
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = ProductAdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("product adoption")
        verbose_name_plural = _("product adoptions")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adopter__isnull=False) | ~Q(adopter_city=""),
                name="product_adoption_has_adopter",
                violation_error_message=_("Name the adopting organization or city."),
            ),
        ]

    def __str__(self):
        return f"{self.product} → {self.adopter or self.adopter_city}"
