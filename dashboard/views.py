from django.utils import timezone
from django.views.generic import TemplateView

from events.models import Event
from partnership.access import ReadAccessMixin, role_of
from projects.models import Milestone, Project


class HomeView(ReadAccessMixin, TemplateView):
    """The signed-in user's start page: their organization's work and what needs attention."""

    template_name = "dashboard/home.html"
    upcoming_events = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = role_of(self.request.user).organization
        projects = Project.objects.select_related("lead_organization")
        if organization is not None:
            projects = projects.for_organization(organization)
        today = timezone.localdate()
        context.update(
            organization=organization,
            active_projects=projects.active().order_by("code"),
            overdue_milestones=Milestone.objects.overdue(today)
            .filter(project__in=projects.open())
            .select_related("project")
            .order_by("due_on"),
            update_due=projects.update_due(today).order_by("last_update_on", "code"),
            events=Event.objects.upcoming()[: self.upcoming_events],
        )
        return context
