"""How spreadsheets name the agreement's records: organizations, articles and products, by name.

The apps' Resources (projects/resources.py …) use these in their LookupWidget columns; the
lookup machinery itself is in core/resources.py, which may not import the domain.
"""

from django.utils.translation import gettext_lazy as _

from core.resources import Lookup, in_each_language
from partnership.models import Organization, ProtocolArticle, TechnologyProduct


class OrganizationLookup(Lookup):
    """An organization by its name or short name."""

    model = Organization
    hint = _("organization name or short name")

    def keys(self, obj):
        return [obj.name, obj.short_name]


class ArticleLookup(Lookup):
    """A protocol article as the export writes it ("Md. 5 — …" / "Art. 5 — …"), by its title or by its number."""

    model = ProtocolArticle
    hint = _("article number or title")

    def keys(self, obj):
        keys = [obj.title, str(obj.number)]
        keys += in_each_language(lambda: str(obj))
        keys += in_each_language(lambda: _("Art. %(number)s") % {"number": obj.number})
        return keys


class ProductLookup(Lookup):
    """A technology product by its name, or "name (organization)" when two organizations use one name."""

    model = TechnologyProduct
    hint = _("product name")

    def queryset(self):
        return super().queryset().select_related("organization")

    def keys(self, obj):
        return [obj.name, f"{obj.name} ({obj.organization})"]
