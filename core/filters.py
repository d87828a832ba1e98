"""Filter pieces every list shares: the `q` search box and the year filter."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def year_choices(first_year: int = 2024):
    """Years from the protocol's signing to next year, newest first."""
    return [(year, str(year)) for year in range(timezone.localdate().year + 1, first_year - 1, -1)]


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a Turkish-aware `q` search over the model's searchable text.

    A subclass that reads `self.organizations` once may name in `organization_menus` the
    organization filters whose menus list them: those menus then run no query of their own.
    """

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search…")}),
    )
    organization_menus: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in self.organization_menus:
                set_menu(form.fields[name], self.organizations)
        return self._form


class YearFilter(django_filters.ChoiceFilter):
    """Records whose date field falls in the chosen year."""

    def __init__(self, *args, date_field: str, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs["choices"] = year_choices
        kwargs["method"] = self.filter_year
        self.date_field = date_field
        super().__init__(*args, **kwargs)

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__year": int(value)}) if value else queryset


def set_menu(field, objects) -> None:
    """Fill a model choice field's menu from records already read, so rendering it runs no query.

    Only the widget's options change (django-filter's field wraps whatever `choices` it is
    given in a query); validation still looks the chosen record up, as Django's field does.
    """
    field.widget.choices = [("", field.empty_label), *((obj.pk, str(obj)) for obj in objects)]
