import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.filters import SearchFilterSet, YearFilter
from partnership.models import Organization, ProtocolArticle
from projects.choices import Health, ProjectStatus
from projects.models import Project


class ProjectFilterSet(SearchFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    health = django_filters.MultipleChoiceFilter(
        label=_("Health"), choices=Health.choices, widget=forms.CheckboxSelectMultiple
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.all(), method="filter_organization"
    )
    article = django_filters.ModelChoiceFilter(
        label=_("Protocol article"), queryset=ProtocolArticle.objects.all(), field_name="articles"
    )
    year = YearFilter(date_field="planned_start", label=_("Start year"))
    overdue = django_filters.BooleanFilter(
        label=_("Has overdue milestones"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Project
        fields = ["q", "status", "health", "organization", "article", "year", "overdue"]

    def filter_organization(self, queryset, name, value):
        return queryset.for_organization(value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue_milestones() if value else queryset
