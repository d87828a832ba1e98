"""The project pages: list, detail, the form with partners and milestones, progress updates, milestones."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView

from core.access import ReadAccessMixin, can_confirm, can_edit, role_of, with_confirm_flag, with_edit_flag
from core.cache import fragment_key
from core.models import StaleEditError
from core.pagination import DeferredJoinMixin
from core.views import (
    LoadedPartMixin,
    ObjectCreateView,
    ObjectDetailView,
    ObjectFormMixin,
    ObjectListView,
    ObjectUpdateView,
)
from projects.filters import MilestoneFilterSet, ProjectFilterSet
from projects.forms import (
    MilestoneCompleteForm,
    MilestoneConfirmForm,
    MilestoneDisputeForm,
    MilestoneFormSet,
    PartnerFormSet,
    ProgressUpdateForm,
    ProjectForm,
    check_staff_takes_part,
)
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from projects.panels import panels_for
from projects.services import (
    milestone_complete,
    milestone_confirm,
    milestone_dispute,
    progress_update_record,
    project_save,
)
from projects.tables import MilestoneTable, ProjectTable


class ProjectListView(DeferredJoinMixin, ObjectListView):
    model = Project
    queryset = Project.objects.select_related("lead_organization")
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    create_url_name = "projects:project_create"
    import_url_name = "projects:project_import"


class MilestoneListView(DeferredJoinMixin, ObjectListView):
    """Milestones across projects: by default the open ones first, by due date (overdue, then
    upcoming), and the completed ones last, the latest completed first. A column sort replaces it."""

    model = Milestone
    queryset = Milestone.objects.select_related("project").order_by(
        F("completed_on").desc(nulls_first=True), "due_on", "pk"
    )
    filterset_class = MilestoneFilterSet
    table_class = MilestoneTable
    import_url_name = "projects:milestone_import"


class ProjectDetailView(ReadAccessMixin, DetailView):
    """A project's page: its figures, partners, milestones and timeline.

    That part is kept as HTML under the data version (core/cache.py), so a page seen
    again before anyone writes costs the session, user and project queries only. The related
    events and transfers, the documents and the change history come from ProjectRelatedView,
    which the page loads once it is shown (static/js/lazy.js): the first view stays within
    8 queries however much the project holds.
    """

    model = Project
    template_name = "projects/project_detail.html"

    def get_queryset(self):
        return with_edit_flag(Project.objects.select_related("lead_organization", "owner"), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user, self.object)
        context["fragment_key"] = fragment_key(self.request, "project", self.object.pk, context["can_edit"])
        context["fragment_html"] = cache.get(context["fragment_key"])
        if context["fragment_html"] is None:
            prefetch_related_objects(
                [self.object],
                Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
                # Whether the reader may confirm each one: the kept part is the reader's organization's.
                Prefetch(
                    "milestones",
                    queryset=with_confirm_flag(
                        Milestone.objects.select_related("completed_by_organization", "confirmed_by_organization"),
                        self.request.user,
                    ),
                ),
                Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
                "articles",
                "products",
            )
        return context


class ProjectRelatedView(LoadedPartMixin, ObjectDetailView):
    """What the project's page loads after it is shown: related records of the other apps,
    documents and change history. Without JavaScript the page links here instead."""

    model = Project
    template_name = "projects/project_related.html"

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
        if "formsets" not in kwargs:
            kwargs["formsets"] = self.get_formsets(kwargs["form"].instance)
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


class MilestoneCompleteView(ReadAccessMixin, View):
    """Mark a milestone completed from the project's page, without opening the project's form.

    Who may edit the project may complete its milestones. The answer is always the project's
    page, with a message: bad input (no date, a date before the project started) saves nothing.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
        if not can_edit(request.user, milestone.project):
            raise PermissionDenied
        form = MilestoneCompleteForm(request.POST, instance=milestone, prefix=f"milestone-{milestone.pk}")
        if form.is_valid():
            milestone_complete(milestone=milestone, completed_on=form.cleaned_data["completed_on"], by=request.user)
            messages.success(request, _("“%(milestone)s” is marked completed.") % {"milestone": milestone})
        else:
            errors = "; ".join(message for field_errors in form.errors.values() for message in field_errors)
            messages.error(
                request,
                _("“%(milestone)s” was not marked completed: %(errors)s") % {"milestone": milestone, "errors": errors},
            )
        return redirect(milestone.get_absolute_url())


class MilestoneAnswerView(ReadAccessMixin, View):
    """The other side's answer to a joint milestone's completion, from the project's page.

    Who may answer is `core.access.can_confirm` (403 otherwise); like the completion, the
    answer is always the project's page with a message, and bad input saves nothing.
    """

    http_method_names = ["post"]
    form_class = MilestoneConfirmForm
    success_message = ""
    failure_message = ""

    def answer(self, *, milestone, user, comment):
        raise NotImplementedError

    def post(self, request, pk):
        milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
        if not can_confirm(request.user, milestone):
            raise PermissionDenied
        form = self.form_class(request.POST, prefix=f"milestone-{milestone.pk}")
        errors = ""
        if form.is_valid():
            try:
                self.answer(milestone=milestone, user=request.user, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                errors = "; ".join(error.messages)
        else:
            errors = "; ".join(message for field_errors in form.errors.values() for message in field_errors)
        if errors:
            messages.error(request, self.failure_message % {"milestone": milestone, "errors": errors})
        else:
            messages.success(request, self.success_message % {"milestone": milestone})
        return redirect(milestone.get_absolute_url())


class MilestoneConfirmView(MilestoneAnswerView):
    success_message = _("“%(milestone)s” is confirmed.")
    failure_message = _("“%(milestone)s” was not confirmed: %(errors)s")

    def answer(self, *, milestone, user, comment):
        milestone_confirm(milestone=milestone, user=user, comment=comment)


class MilestoneDisputeView(MilestoneAnswerView):
    form_class = MilestoneDisputeForm
    success_message = _("“%(milestone)s” is disputed and open again.")
    failure_message = _("“%(milestone)s” was not disputed: %(errors)s")

    def answer(self, *, milestone, user, comment):
        milestone_dispute(milestone=milestone, user=user, comment=comment)
