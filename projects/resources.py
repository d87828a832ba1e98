"""The spreadsheet columns of projects and milestones: their lists' export, their import and the admin's."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.resources import (
    ChoiceWidget,
    Column,
    DateWidget,
    IdWidget,
    IntegerWidget,
    KopruResource,
    Lookup,
    LookupListWidget,
    LookupWidget,
    PlannedRow,
)
from core.text import turkish_fold
from partnership.models import Organization, ProtocolArticle
from partnership.resources import ArticleLookup, OrganizationLookup
from projects.choices import Health, ProjectStatus
from projects.forms import LEAD_OR_PARTNER
from projects.models import Milestone, Project, ProjectPartner
from projects.notify import milestone_confirmation_notify


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


def example_organization(resource: KopruResource):
    return resource.role.organization or Organization.objects.parties().first() or Organization.objects.first()


def example_articles(limit: int = 2) -> str:
    return "; ".join(str(article) for article in ProtocolArticle.objects.order_by("protocol", "number")[:limit])


class ProjectResource(KopruResource):
    """Projects, keyed by their code; percent complete and health come from progress updates, not from files."""

    code = Column("code", "code", _("Code"), required=True)
    title = Column("title", "title", _("Title"), required=True)
    lead_organization = Column(
        "lead_organization",
        "lead_organization.short_name",
        _("Lead organization"),
        LookupWidget(OrganizationLookup, "short_name"),
        required=True,
    )
    status = Column("status", "status", _("Status"), ChoiceWidget(ProjectStatus))
    health = Column("health", "health", _("Health"), ChoiceWidget(Health), readonly=True)
    percent_complete = Column(
        "percent_complete", "percent_complete", _("Percent complete"), IntegerWidget(), readonly=True
    )
    planned_start = Column("planned_start", "planned_start", _("Planned start"), DateWidget())
    planned_end = Column("planned_end", "planned_end", _("Planned end"), DateWidget())
    actual_start = Column("actual_start", "actual_start", _("Actual start"), DateWidget())
    actual_end = Column("actual_end", "actual_end", _("Actual end"), DateWidget())
    last_update_on = Column("last_update_on", "last_update_on", _("Last progress update"), DateWidget(), readonly=True)
    articles = Column("articles", "articles", _("Protocol articles"), LookupListWidget(ArticleLookup))
    description = Column("description", "description", _("Description"))

    export_prefetch = ("articles",)

    class Meta(KopruResource.Meta):
        model = Project
        fields = (
            "code",
            "title",
            "lead_organization",
            "status",
            "health",
            "percent_complete",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "last_update_on",
            "articles",
            "description",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return Project.objects.select_related("lead_organization").prefetch_related("articles")

    def key_of(self, value):
        return turkish_fold(value)

    def existing_records(self, keys):
        """Projects by code, compared like the codes people type: case and Turkish letters aside."""
        pks = [pk for pk, code in Project.objects.values_list("pk", "code") if turkish_fold(code) in keys]
        return {turkish_fold(project.code): project for project in self.get_queryset().filter(pk__in=pks)}

    def prepare_new(self, instance):
        instance.owner = self.user

    def prepare(self, existing):
        """The partners of the projects being updated: staff of a partner may update a project too."""
        self.partners = {}
        if not self.role.is_manager:
            rows = ProjectPartner.objects.filter(project__in=[p.pk for p in existing.values()])
            for project_id, organization_id in rows.values_list("project_id", "organization_id"):
                self.partners.setdefault(project_id, set()).add(organization_id)

    def participation_errors(self, row: PlannedRow):
        organization = self.role.organization
        if row.instance.lead_organization_id == organization.pk or organization.pk in self.partners.get(
            row.instance.pk, ()
        ):
            return []
        return [("lead_organization.short_name", LEAD_OR_PARTNER % {"organization": organization})]

    def example_row(self):
        today = timezone.localdate()
        return {
            "code": "KPR-2026-01",
            "title": _("Example project: smart intersection pilot"),
            "lead_organization.short_name": str(example_organization(self) or ""),
            "status": ProjectStatus.PLANNED.label,
            "planned_start": today,
            "planned_end": today + timedelta(days=365),
            "articles": example_articles(),
            "description": _("What the project does and why."),
        }


class MilestoneResource(KopruResource):
    """Milestones, keyed by their ID; a row names its project by code."""

    id = Column("id", "pk", _("ID"), IdWidget(), readonly=True)
    project = Column("project", "project.code", _("Project code"), LookupWidget(ProjectLookup, "code"), required=True)
    project_title = Column(
        "project", "project.title", _("Project"), LookupWidget(ProjectLookup, "title"), readonly=True
    )
    title = Column("title", "title", _("Milestone"), required=True)
    due_on = Column("due_on", "due_on", _("Due date"), DateWidget(), required=True)
    completed_on = Column("completed_on", "completed_on", _("Completed on"), DateWidget())
    deliverable = Column("deliverable", "deliverable", _("Deliverable"))

    class Meta(KopruResource.Meta):
        model = Milestone
        fields = ("id", "project", "project_title", "title", "due_on", "completed_on", "deliverable")
        import_id_fields = ("id",)

    def get_queryset(self):
        return Milestone.objects.select_related("project")

    def prepare(self, existing):
        """The projects the user may change: a milestone is part of its project."""
        if not self.role.is_manager:
            self.editable_projects = set(Project.objects.editable_by(self.user).values_list("pk", flat=True))

    def participation_errors(self, row):
        if row.instance.project_id is None or row.instance.project_id in self.editable_projects:
            return []
        return [("project.code", LEAD_OR_PARTNER % {"organization": self.role.organization})]

    def save_instance(self, instance, is_create, row, **kwargs):
        """A completion imported asks the other side to confirm it, as one made on the project's page."""
        planned = self.planned[-1]
        completed = not self._is_dry_run(kwargs) and (
            bool(is_create and instance.completed_on)
            or any(change.accessor == "completed_on" for change in planned.changes)
        )
        if completed:
            instance.record_completion(self.role.organization if self.role else None)
        super().save_instance(instance, is_create, row, **kwargs)
        if completed:
            milestone_confirmation_notify(milestone=instance)

    def example_row(self):
        project = Project.objects.editable_by(self.user).order_by("code").first()
        return {
            "project.code": project.code if project else "KPR-2026-01",
            "title": _("Example milestone: pilot site chosen"),
            "due_on": timezone.localdate() + timedelta(days=60),
            "deliverable": _("Site selection report"),
        }
