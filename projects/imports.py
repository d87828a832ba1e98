"""Importing projects and milestones from the spreadsheets their lists export (see `core.imports`)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.imports import (
    ArticleLookup,
    ChoiceCell,
    DateCell,
    IdCell,
    ImportContext,
    Importer,
    Lookup,
    OrganizationLookup,
    PlannedRow,
    RefCell,
    RefListCell,
    TextCell,
)
from core.text import turkish_fold
from partnership.models import Organization, ProtocolArticle
from projects.choices import ProjectStatus
from projects.forms import LEAD_OR_PARTNER
from projects.models import Milestone, Project, ProjectPartner
from projects.tables import MilestoneTable, ProjectTable


class ProjectLookup(Lookup):
    """A project by its code, or as lists write it: "KPR-01 — Title"."""

    model = Project
    hint = _("project code")

    def queryset(self):
        return Project.objects.only("pk", "code", "title")  # every project is read: no descriptions

    def keys(self, obj):
        return [obj.code, str(obj)]

    def candidates(self, text):
        return [text, text.split(" — ")[0]]


def example_organization(context: ImportContext):
    return context.role.organization or Organization.objects.parties().first() or Organization.objects.first()


def example_articles(limit: int = 2) -> str:
    return "; ".join(str(article) for article in ProtocolArticle.objects.order_by("protocol", "number")[:limit])


class ProjectImporter(Importer):
    """Projects, keyed by their code; percent complete and health come from progress updates, not from files."""

    model = Project
    table_class = ProjectTable
    key = "code"
    cells = {
        "code": TextCell("code"),
        "title": TextCell("title"),
        "lead_organization.short_name": RefCell("lead_organization", OrganizationLookup),
        "status": ChoiceCell("status"),
        "planned_start": DateCell("planned_start"),
        "planned_end": DateCell("planned_end"),
        "actual_start": DateCell("actual_start"),
        "actual_end": DateCell("actual_end"),
        "articles": RefListCell("articles", ArticleLookup),
        "description": TextCell("description"),
    }
    required = ("code", "title", "lead_organization.short_name")

    def queryset(self):
        return Project.objects.select_related("lead_organization").prefetch_related("articles")

    def key_of(self, value):
        return turkish_fold(value)

    def existing_records(self, keys):
        """Projects by code, compared like the codes people type: case and Turkish letters aside."""
        pks = [pk for pk, code in Project.objects.values_list("pk", "code") if turkish_fold(code) in keys]
        return {turkish_fold(project.code): project for project in self.queryset().filter(pk__in=pks)}

    def prepare_new(self, instance, context):
        instance.owner = context.user

    def prepare_context(self, context, rows):
        """The partners of the projects being updated: staff of a partner may update a project too."""
        context.partners = {}
        existing = [row.instance.pk for row in rows if not row.is_new]
        partners = ProjectPartner.objects.filter(project__in=existing).values_list("project_id", "organization_id")
        for project_id, organization_id in partners:
            context.partners.setdefault(project_id, set()).add(organization_id)

    def participation_errors(self, row: PlannedRow, context):
        organization = context.role.organization
        partners = context.partners.get(row.instance.pk, set())
        if row.instance.lead_organization_id == organization.pk or organization.pk in partners:
            return []
        return [("lead_organization.short_name", LEAD_OR_PARTNER % {"organization": organization})]

    def example_row(self, context):
        today = timezone.localdate()
        organization = example_organization(context)
        return {
            "code": "KPR-2026-01",
            "title": _("Example project: smart intersection pilot"),
            "lead_organization.short_name": str(organization or ""),
            "status": ProjectStatus.PLANNED.label,
            "planned_start": today,
            "planned_end": today + timedelta(days=365),
            "articles": example_articles(),
            "description": _("What the project does and why."),
        }


class MilestoneImporter(Importer):
    """Milestones, keyed by their ID; a row names its project by code."""

    model = Milestone
    table_class = MilestoneTable
    cells = {
        "pk": IdCell("id"),
        "project.code": RefCell("project", ProjectLookup),
        "title": TextCell("title"),
        "due_on": DateCell("due_on"),
        "completed_on": DateCell("completed_on"),
        "deliverable": TextCell("deliverable"),
    }
    required = ("project.code", "title", "due_on")

    def queryset(self):
        return Milestone.objects.select_related("project")

    def prepare_context(self, context, rows):
        """Which of the named projects the user may change: a milestone is part of its project."""
        project_ids = {row.instance.project_id for row in rows if row.instance.project_id}
        editable = Project.objects.editable_by(context.user).filter(pk__in=project_ids)
        context.editable_projects = set(editable.values_list("pk", flat=True))

    def participation_errors(self, row, context):
        if row.instance.project_id is None or row.instance.project_id in context.editable_projects:
            return []
        return [("project.code", LEAD_OR_PARTNER % {"organization": context.role.organization})]

    def example_row(self, context):
        project = Project.objects.editable_by(context.user).order_by("code").first()
        return {
            "project.code": project.code if project else "KPR-2026-01",
            "title": _("Example milestone: pilot site chosen"),
            "due_on": timezone.localdate() + timedelta(days=60),
            "deliverable": _("Site selection report"),
        }
