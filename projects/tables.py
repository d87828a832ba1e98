import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class ProjectTable(tables.Table):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    lead_organization = tables.Column(verbose_name=_("Lead"))
    status = tables.TemplateColumn(
        template_name="projects/columns/status.html", order_by=("status",), verbose_name=_("Status")
    )
    health = tables.TemplateColumn(
        template_name="projects/columns/health.html", order_by=("health",), verbose_name=_("Health")
    )
    percent_complete = tables.TemplateColumn(template_name="projects/columns/percent.html", verbose_name=_("Progress"))
    planned_end = tables.DateColumn(short=True)
    last_update_on = tables.DateColumn(short=True)

    class Meta:
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
        attrs = {"class": "table table-hover table-sm align-middle"}
        empty_text = _("No projects match these filters.")
