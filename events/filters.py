import django_filters
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilterSet, YearFilter
from core.text import turkish_fold
from events.choices import EventKind
from events.models import Event
from partnership.models import Organization


class When(models.TextChoices):
    """The list's tabs."""

    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")
    ALL = "all", _("All")


def city_choices() -> list[tuple[str, str]]:
    """The distinct cities events were held in, sorted the Turkish way (one query)."""
    cities = Event.objects.exclude(city="").order_by("city").values_list("city", flat=True).distinct()
    return [(city, city) for city in sorted(cities, key=turkish_fold)]


class EventFilterSet(SearchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.all(), method="filter_organization"
    )
    city = django_filters.ChoiceFilter(label=_("City"), choices=[])
    year = YearFilter(date_field="starts_at")
    organization_menus = ("organization",)
    # The tab travels with the other filters, so submitting the filter form stays on the same tab.
    when = django_filters.ChoiceFilter(choices=When.choices, method="filter_when", widget=forms.HiddenInput)

    class Meta:
        model = Event
        fields = ["q", "kind", "organization", "city", "year", "when"]

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, with a valid tab: a plain /events/ shows the upcoming tab.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if data.get("when") not in When.values:
            data["when"] = When.UPCOMING
        self.when = data["when"]
        super().__init__(data, *args, **kwargs)
        # Evaluated once per list, not on every iteration of the choices. The organizations
        # also name each row's organizers (EventTable), so the list reads them once. The menu
        # is set on this filter set's own field: once anything has built the class's field (the
        # API schema does), a copied filter keeps that field and would ignore `extra`.
        self.filters["city"].field.choices = city_choices()
        self.organizations = list(Organization.objects.all())

    def filter_organization(self, queryset, name, value):
        return queryset.for_organization(value) if value else queryset

    def filter_when(self, queryset, name, value):
        if value == When.UPCOMING:
            return queryset.upcoming()
        if value == When.PAST:
            return queryset.past()
        return queryset.order_by("-starts_at", "-pk")
