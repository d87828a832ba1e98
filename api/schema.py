"""What drf-spectacular cannot guess about Köprü's API: the bearer token and the lists' filters."""

import django_filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from core.filters import YearFilter


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (user menu → API tokens): `Authorization: Bearer kopru_…`.",
        }


def _an_id(queryset, name, value: int): ...


def _a_word(queryset, name, value: str): ...


class FilterSetSchema(DjangoFilterExtension):
    """The pages' FilterSets filter by a method for organizations, years and directions; say what
    those take (an id, a year, a "provider-recipient" pair) instead of letting the schema guess."""

    target_class = "api.filters.FilterSetBackend"
    priority = 1

    def _get_filter_method(self, filterset_class, filter_field):
        method = super()._get_filter_method(filterset_class, filter_field)
        if isinstance(filter_field, YearFilter | django_filters.ModelChoiceFilter):
            return _an_id  # an organization's id, or a year: an integer either way
        if method is not None and isinstance(filter_field, django_filters.ChoiceFilter):
            return _a_word
        return method
