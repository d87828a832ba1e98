from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView

from partnership.access import ReadAccessMixin, can_edit, role_of
from partnership.models import StaleEditError
from partnership.pagination import DeferredJoinMixin
from partnership.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectFormMixin,
    ObjectListView,
    ObjectUpdateView,
)
from projects.filters import MilestoneFilterSet, ProjectFilterSet
from projects.forms import (
    MilestoneFormSet,
    PartnerFormSet,
    ProgressUpdateForm,
    ProjectForm,
    check_staff_takes_part,
)
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from projects.panels import panels_for
from projects.services import progress_update_record, project_save
from projects.tables import MilestoneTable, ProjectTable


class ProjectListView(DeferredJoinMixin, ObjectListView):
    model = Project
    queryset = Project.objects.select_related("lead_organization")
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    create_url_name = "projects:project_create"
    import_url_name = "projects:project_import"


class MilestoneListView(DeferredJoinMixin, ObjectListView):
    model = Milestone
    queryset = Milestone.objects.select_related("project")
    filterset_class = MilestoneFilterSet
    table_class = MilestoneTable
    import_url_name = "projects:milestone_import"


class ProjectDetailView(ObjectDetailView):
    model = Project
    queryset = Project.objects.select_related("lead_organization", "owner").prefetch_related(
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
        "milestones",
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
        "articles",
        "products",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.object)
        return context


class ProjectFormsetsMixin(ObjectFormMixin):
    """Create and edit a project with its partners and milestones on one page, saved all or nothing."""

    model = Project
    form_class = ProjectForm
    list_url_name = "projects:project_list"

    def get_formsets(self, instance):
        data = self.request.POST if self.request.method == "POST" else None
        return [
            PartnerFormSet(data, instance=instance, prefix="partners"),
            MilestoneFormSet(data, instance=instance, prefix="milestones"),
        ]

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        kwargs.setdefault("formsets", self.get_formsets(kwargs["form"].instance))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if "pk" in self.kwargs else None
        form = self.get_form()
        formsets = self.get_formsets(form.instance)
        # Validate the project first: the milestone rows read its start date.
        form_valid = form.is_valid()
        # Validate every formset (no short-circuit), so all their errors show at once.
        results = [formset.is_valid() for formset in formsets]
        formsets_valid = all(results)
        if form_valid and formsets_valid:
            check_staff_takes_part(request.user, form, formsets[0])
        if form.is_valid() and formsets_valid:
            try:
                self.object = project_save(form=form, formsets=formsets, user=request.user)
            except StaleEditError as error:
                return self.stale_edit(form, error, formsets=formsets)
            messages.success(request, self.success_message % {"object": self.object})
            return redirect(self.object)
        return self.form_invalid(form, formsets=formsets)


class ProjectCreateView(ProjectFormsetsMixin, ObjectCreateView):
    def get_initial(self):
        initial = super().get_initial()
        organization = role_of(self.request.user).organization
        if organization is not None:
            initial["lead_organization"] = organization
        return initial


class ProjectUpdateView(ProjectFormsetsMixin, ObjectUpdateView):
    pass


class ProgressUpdateCreateView(ReadAccessMixin, ObjectFormMixin, CreateView):
    """Log a progress update; the project takes its percent and health from it."""

    model = ProgressUpdate
    form_class = ProgressUpdateForm
    template_name = "projects/progressupdate_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(Project, pk=kwargs["pk"])
        if request.user.is_authenticated and not can_edit(request.user, self.project):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {"percent_complete": self.project.percent_complete, "health": self.project.health}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)

    def form_valid(self, form):
        progress_update_record(project=self.project, author=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Progress update logged."))
        return redirect(reverse("projects:project_detail", args=[self.project.pk]) + "#timeline")
