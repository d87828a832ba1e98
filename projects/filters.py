import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilterSet, YearFilter
from partnership.models import Organization, ProtocolArticle
from projects.choices import Health, ProjectStatus
from projects.models import Milestone, Project


class ProjectFilterSet(SearchFilterSet):
    # distinct=False: a plain IN on the project's own column cannot duplicate rows, and DISTINCT
    # over every column made the count scan the whole table (bench/README.md).
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    health = django_filters.MultipleChoiceFilter(
        label=_("Health"), choices=Health.choices, widget=forms.CheckboxSelectMultiple, distinct=False
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


class MilestoneFilterSet(SearchFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("completed", _("Completed"))],
        method="filter_state",
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.all(), method="filter_organization"
    )
    year = YearFilter(date_field="due_on", label=_("Due year"))

    class Meta:
        model = Milestone
        fields = ["q", "state", "organization", "year"]

    def filter_search(self, queryset, name, value):
        """Milestones of the projects a search finds, or whose title contains the words."""
        return queryset.filter(
            Q(project__in=Project.objects.search(value)) | Q(title__icontains=value) | Q(deliverable__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue()
        if value == "completed":
            return queryset.completed()
        if value == "open":
            return queryset.filter(completed_on__isnull=True)
        return queryset

    def filter_organization(self, queryset, name, value):
        return queryset.filter(project__in=Project.objects.for_organization(value)) if value else queryset
