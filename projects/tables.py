import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import BadgeColumn, PercentColumn, ShortDateColumn, Table, short_date
from projects.models import Milestone, Project


class HealthColumn(BadgeColumn):
    """Health comes from progress reports: before a project's first, the stored default says nothing."""

    def render(self, value, record, bound_column):
        if record.last_update_on is None:
            return format_html('<span class="badge text-bg-light border">{}</span>', _("no report yet"))
        return super().render(value, record, bound_column)


# Columns a phone leaves out, so the project, its status, health and progress fit without scrolling.
FROM_MD = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class ProjectTable(Table):
    # Every sort ends on the unique code, so rows with equal values keep one order across pages.
    code = tables.Column(
        linkify=True, attrs={"th": FROM_MD["th"], "td": {"class": "d-none d-md-table-cell text-nowrap"}}
    )
    title = tables.Column(linkify=True, order_by=("title", "code"))
    lead_organization = tables.Column(
        verbose_name=_("Lead"), order_by=("lead_organization__name", "code"), attrs=FROM_MD
    )
    status = BadgeColumn(order_by=("status", "code"))
    health = HealthColumn(order_by=("health", "code"))
    percent_complete = PercentColumn(order_by=("percent_complete", "code"), verbose_name=_("Progress"))
    planned_end = ShortDateColumn(order_by=("planned_end", "code"), attrs=FROM_MD)
    last_update_on = ShortDateColumn(order_by=("last_update_on", "code"), attrs=FROM_MD)

    class Meta(Table.Meta):
        model = Project
        fields = (
            "code",
            "title",
            "lead_organization",
            "status",
            "health",
            "percent_complete",
            "planned_end",
            "last_update_on",
        )
        order_by = ("code",)
        empty_text = _("No projects match these filters.")


class MilestoneTable(Table):
    # Every sort ends on the primary key, so rows with equal values keep one order across pages.
    project = tables.Column(
        accessor="project__code",
        verbose_name=_("Project"),
        linkify=lambda record: record.project.get_absolute_url(),
        order_by=("project__code", "due_on", "pk"),
    )
    title = tables.Column(linkify=True, order_by=("title", "pk"))
    due_on = ShortDateColumn(order_by=("due_on", "pk"), verbose_name=_("Due date"))
    completed_on = ShortDateColumn(order_by=("completed_on", "pk"))
    deliverable = tables.Column(order_by=("deliverable", "pk"))

    def render_due_on(self, value, record):
        if not record.is_overdue:
            return short_date(value)
        return format_html('{} <span class="badge text-bg-danger">{}</span>', short_date(value), _("Overdue"))

    class Meta(Table.Meta):
        model = Milestone
        fields = ("project", "title", "due_on", "completed_on", "deliverable")
        # No default sort here: the list's queryset puts open milestones first (MilestoneListView).
        empty_text = _("No milestones match these filters.")
