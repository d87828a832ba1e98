"""The lists' own FilterSets (django-filter) and a sort that always ends on a unique key.

Each viewset names the FilterSet its page uses (`projects.filters.ProjectFilterSet` …), so
`?q=`, `?status=` and the rest mean in the API what they mean on the page, Turkish search
included. An invalid filter value is a 400 that names it.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter


class FilterSetBackend(DjangoFilterBackend):
    """DRF's django-filter backend, plus the defaults a view gives where its page differs.

    The events page opens on the upcoming tab; an API client asks for everything unless it
    says `when=upcoming` (the view's `filter_defaults`).
    """

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        defaults = getattr(view, "filter_defaults", {})
        if defaults:
            data = kwargs["data"].copy()
            for name, value in defaults.items():
                data.setdefault(name, value)
            kwargs["data"] = data
        return kwargs


class TieBreakingOrderingFilter(OrderingFilter):
    """`?ordering=` over the view's `ordering_fields`, always ending on the primary key.

    Cursor pages need a total order: without the tie-breaker, rows with equal sort values
    could be skipped or repeated between pages.
    """

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            descending = bool(ordering) and ordering[0].startswith("-")
            ordering.append("-pk" if descending else "pk")
        return ordering
