"""The spreadsheet columns of know-how transfers: the transfer list's export, its import and the admin's."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.resources import (
    ChoiceWidget,
    Column,
    DateWidget,
    DecimalWidget,
    IdWidget,
    IntegerWidget,
    KopruResource,
    LookupListWidget,
    LookupWidget,
)
from partnership.models import Organization
from partnership.resources import ArticleLookup, OrganizationLookup, ProductLookup
from projects.resources import ProjectLookup, example_articles, example_organization
from transfers.choices import TransferKind
from transfers.forms import MUST_TAKE_PART
from transfers.models import KnowHowTransfer


class KnowHowTransferResource(KopruResource):
    """Know-how transfers, keyed by their ID; provider and recipient by organization name or short name."""

    id = Column("id", "pk", _("ID"), IdWidget(), readonly=True)
    title = Column("title", "title", _("Title"), required=True)
    provider = Column(
        "provider", "provider.short_name", _("Provider"), LookupWidget(OrganizationLookup, "short_name"), required=True
    )
    recipient = Column(
        "recipient",
        "recipient.short_name",
        _("Recipient"),
        LookupWidget(OrganizationLookup, "short_name"),
        required=True,
    )
    kind = Column("kind", "kind", _("Kind"), ChoiceWidget(TransferKind))
    started_on = Column("started_on", "started_on", _("Start date"), DateWidget(), required=True)
    ended_on = Column("ended_on", "ended_on", _("End date"), DateWidget())
    hours = Column("hours", "hours", _("Hours"), DecimalWidget())
    participants = Column("participants", "participants", _("Participants"), IntegerWidget())
    product = Column("product", "product.name", _("Technology product"), LookupWidget(ProductLookup, "name"))
    project = Column("project", "project.code", _("Project code"), LookupWidget(ProjectLookup, "code"))
    articles = Column("articles", "articles", _("Protocol articles"), LookupListWidget(ArticleLookup))
    recipient_rating = Column("recipient_rating", "recipient_rating", _("Recipient's rating"), IntegerWidget())
    outcome = Column("outcome", "outcome", _("Outcome"))
    description = Column("description", "description", _("Description"))

    export_prefetch = ("articles", "project")

    class Meta(KopruResource.Meta):
        model = KnowHowTransfer
        fields = (
            "id",
            "title",
            "provider",
            "recipient",
            "kind",
            "started_on",
            "ended_on",
            "hours",
            "participants",
            "product",
            "project",
            "articles",
            "recipient_rating",
            "outcome",
            "description",
        )
        import_id_fields = ("id",)

    def get_queryset(self):
        return KnowHowTransfer.objects.select_related("provider", "recipient", "product", "project").prefetch_related(
            "articles"
        )

    def participation_errors(self, row):
        organization = self.role.organization
        if organization.pk in (row.instance.provider_id, row.instance.recipient_id):
            return []
        return [("provider.short_name", MUST_TAKE_PART % {"organization": organization})]

    def example_row(self):
        provider = example_organization(self)
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
