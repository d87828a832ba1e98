"""Importing know-how transfers from the spreadsheet the transfer list exports (see `core.imports`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.imports import (
    ArticleLookup,
    ChoiceCell,
    DateCell,
    DecimalCell,
    IdCell,
    Importer,
    IntegerCell,
    OrganizationLookup,
    ProductLookup,
    RefCell,
    RefListCell,
    TextCell,
)
from partnership.models import Organization
from projects.imports import ProjectLookup, example_articles, example_organization
from transfers.choices import TransferKind
from transfers.forms import MUST_TAKE_PART
from transfers.models import KnowHowTransfer
from transfers.tables import KnowHowTransferTable


class KnowHowTransferImporter(Importer):
    """Know-how transfers, keyed by their ID; provider and recipient by organization name or short name."""

    model = KnowHowTransfer
    table_class = KnowHowTransferTable
    cells = {
        "pk": IdCell("id"),
        "title": TextCell("title"),
        "provider.short_name": RefCell("provider", OrganizationLookup),
        "recipient.short_name": RefCell("recipient", OrganizationLookup),
        "kind": ChoiceCell("kind"),
        "started_on": DateCell("started_on"),
        "ended_on": DateCell("ended_on"),
        "hours": DecimalCell("hours"),
        "participants": IntegerCell("participants"),
        "product.name": RefCell("product", ProductLookup),
        "project.code": RefCell("project", ProjectLookup),
        "articles": RefListCell("articles", ArticleLookup),
        "recipient_rating": IntegerCell("recipient_rating"),
        "outcome": TextCell("outcome"),
        "description": TextCell("description"),
    }
    required = ("title", "provider.short_name", "recipient.short_name", "started_on")

    def queryset(self):
        return KnowHowTransfer.objects.select_related("provider", "recipient", "product", "project").prefetch_related(
            "articles"
        )

    def participation_errors(self, row, context):
        organization = context.role.organization
        if organization.pk in (row.instance.provider_id, row.instance.recipient_id):
            return []
        return [("provider.short_name", MUST_TAKE_PART % {"organization": organization})]

    def example_row(self, context):
        provider = example_organization(context)
        recipient = Organization.objects.parties().exclude(pk=getattr(provider, "pk", None)).first()
        product = provider.products.order_by("name").first() if provider else None
        return {
            "title": _("Example transfer: traffic data training"),
            "provider.short_name": str(provider or ""),
            "recipient.short_name": str(recipient or ""),
            "kind": TransferKind.TRAINING.label,
            "started_on": timezone.localdate(),
            "hours": 12.5,
            "participants": 10,
            "product.name": product.name if product else "",
            "articles": example_articles(1),
            "recipient_rating": 4,
        }
