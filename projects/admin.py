"""The admin of projects, partners, milestones and progress updates."""

from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin, VersionedFormAdminMixin
from core.roles import role_of
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from projects.notify import milestone_confirmation_notify
from projects.resources import MilestoneResource, ProjectResource
from projects.services import milestones_record_completion, project_refresh_progress


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["organization"]


class MilestoneInline(VersionedFormAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Project)
class ProjectAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [ProjectResource]  # the same columns as the project list's export and import
    list_display = ["code", "title", "lead_organization", "status", "health", "percent_complete", "last_update_on"]
    list_filter = ["status", "health", "lead_organization", "articles"]
    search_fields = ["code", "title", "description"]
    date_hierarchy = "planned_start"
    autocomplete_fields = ["lead_organization", "owner", "articles", "products"]
    list_select_related = ["lead_organization"]
    readonly_fields = ["percent_complete", "health", "last_update_on"]
    inlines = [ProjectPartnerInline, MilestoneInline, ProgressUpdateInline]

    def save_formset(self, request, form, formset, change):
        # A milestone completed here asks the other side to confirm it, as on the project's page.
        awaiting = []
        if formset.model is Milestone:
            awaiting = milestones_record_completion(formset=formset, project=form.instance, user=request.user)
        super().save_formset(request, form, formset, change)
        for milestone in awaiting:
            milestone_confirmation_notify(milestone=milestone)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # When the inline added, changed or deleted progress updates, the project follows them.
        if any(formset.model is ProgressUpdate and formset.has_changed() for formset in formsets):
            project_refresh_progress(project=form.instance)


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(SimpleHistoryAdmin):
    list_display = ["project", "organization", "role", "effort_person_months"]
    list_filter = ["role", "organization"]
    search_fields = ["project__code", "project__title", "organization__name"]
    autocomplete_fields = ["project", "organization"]
    list_select_related = ["project", "organization"]


@admin.register(Milestone)
class MilestoneAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["title", "project", "due_on", "completed_on", "deliverable"]
    list_filter = ["completed_on", "project__lead_organization"]
    search_fields = ["title", "deliverable", "project__code", "project__title"]
    date_hierarchy = "due_on"
    autocomplete_fields = ["project"]
    list_select_related = ["project"]

    def save_model(self, request, obj, form, change):
        # A completion made here asks the other side to confirm it, as on the project's page.
        completed = "completed_on" in form.changed_data
        if completed:
            obj.record_completion(role_of(request.user).organization)
        super().save_model(request, obj, form, change)
        if completed:
            milestone_confirmation_notify(milestone=obj)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["project", "reported_on", "percent_complete", "health", "author"]
    list_filter = ["health", "project__lead_organization"]
    search_fields = ["project__code", "project__title", "done", "blockers"]
    date_hierarchy = "reported_on"
    autocomplete_fields = ["project", "author"]
    list_select_related = ["project", "author"]

    # The project's percent, health and last update date, and the monthly flags, follow its
    # updates: every admin write refreshes the projects it touched (the old one too, on a move).
    def save_model(self, request, obj, form, change):
        # The stored project, not the form's initial one: reverting from history builds the form
        # on an old version, which may name a project the update has since left.
        stored = (
            ProgressUpdate.objects.filter(pk=obj.pk).values_list("project_id", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        for project in Project.objects.filter(pk__in=[obj.project_id, stored]):
            project_refresh_progress(project=project)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        project_refresh_progress(project=obj.project)

    def delete_queryset(self, request, queryset):
        projects = list(Project.objects.filter(pk__in=queryset.values("project_id")))
        super().delete_queryset(request, queryset)
        for project in projects:
            project_refresh_progress(project=project)
