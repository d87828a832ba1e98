import django_filters
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilterSet, YearFilter
from partnership.models import Organization, ProtocolParty, TechnologyProduct
from transfers.choices import TransferKind
from transfers.forms import ProductChoiceField
from transfers.models import KnowHowTransfer


def organizations_for_menus() -> list[Organization]:
    """Every organization, each flagged `in_directions` if it gives, receives or signed; one query.

    The provider and recipient menus list them all; the direction menu pairs the flagged ones.
    """
    # `pk IN (SELECT provider_id …)` is a hashed subplan over the FK index, read once. The
    # EXISTS form was a seq scan of every transfer for each organization that never gave or
    # received: 25 ms against 5 ms on the scale data (bench/README.md, finding 8).
    in_directions = (
        Q(pk__in=KnowHowTransfer.objects.values("provider_id"))
        | Q(pk__in=KnowHowTransfer.objects.values("recipient_id"))
        | Exists(ProtocolParty.objects.filter(organization=OuterRef("pk")))
    )
    return list(
        Organization.objects.annotate(in_directions=ExpressionWrapper(in_directions, output_field=BooleanField()))
    )


def direction_choices(organizations: list[Organization] | None = None) -> list[tuple[str, str]]:
    """Every "provider → recipient" pair between organizations that give, receive or signed.

    The value is "<provider id>-<recipient id>".
    """
    organizations = [org for org in organizations or organizations_for_menus() if org.in_directions]
    return [
        (f"{provider.pk}-{recipient.pk}", f"{provider} → {recipient}")
        for provider in organizations
        for recipient in organizations
        if provider != recipient
    ]


class ProductFilter(django_filters.ModelChoiceFilter):
    field_class = ProductChoiceField


class KnowHowTransferFilterSet(SearchFilterSet):
    direction = django_filters.ChoiceFilter(label=_("Direction"), method="filter_direction")
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=Organization.objects.all())
    recipient = django_filters.ModelChoiceFilter(label=_("Recipient"), queryset=Organization.objects.all())
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TransferKind.choices)
    product = ProductFilter(
        label=_("Technology product"), queryset=TechnologyProduct.objects.select_related("organization")
    )
    year = YearFilter(date_field="started_on", label=_("Start year"))
    organization_menus = ("provider", "recipient")

    class Meta:
        model = KnowHowTransfer
        fields = ["q", "direction", "provider", "recipient", "kind", "product", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the three organization menus, read here once rather than on each
        # validation and render.
        self.organizations = organizations_for_menus()
        # On this filter set's own field, not `extra` (see events.filters.EventFilterSet).
        self.filters["direction"].field.choices = direction_choices(self.organizations)

    def filter_direction(self, queryset, name, value):
        try:
            provider_id, recipient_id = (int(part) for part in value.split("-"))
        except ValueError:
            return queryset.none()
        return queryset.filter(provider_id=provider_id, recipient_id=recipient_id)
