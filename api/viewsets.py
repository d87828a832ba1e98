"""The REST API's endpoints: one viewset per record type, each with its page's FilterSet.

Access is `api.permissions.KopruAccess` (the pages' rule) on every endpoint. Nothing is
deleted through the API, as nothing is deleted from the pages. Each list reads a fixed
number of queries whatever the page size: related rows come in one prefetch each.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as api_serializers
from api.throttles import PerIPThrottle
from dashboard.forms import DashboardFilterForm
from dashboard.queries import dashboard_articles, dashboard_figures, organizations_with_party_flag
from events.filters import EventFilterSet
from events.models import Event
from partnership.models import Organization, Protocol, ProtocolArticle, ProtocolParty, TechnologyProduct
from projects.filters import MilestoneFilterSet, ProjectFilterSet
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from transfers.filters import KnowHowTransferFilterSet
from transfers.models import KnowHowTransfer, ProductAdoption


class ApiViewMixin:
    """What every API view shares: it answers requests that signed in with a token, not a session,
    so the site's LoginRequiredMiddleware must leave it to DRF's authentication."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def initial(self, request, *args, **kwargs):
        # The address's budget comes before authentication, so that guessing tokens is throttled
        # too; DRF's own throttles (the token's budget) run after it, once the token is known.
        throttle = PerIPThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)


class ReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class WriteViewSet(ApiViewMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, read, create and change; never delete."""


class OrganizationViewSet(ReadViewSet):
    queryset = Organization.objects.all()
    serializer_class = api_serializers.OrganizationSerializer
    ordering_fields = ["name", "short_name"]
    ordering = ["name"]
    filterset_fields = ["kind"]


class ProtocolViewSet(ReadViewSet):
    queryset = Protocol.objects.prefetch_related(
        Prefetch("parties", queryset=ProtocolParty.objects.order_by("pk")),
        Prefetch("articles", queryset=ProtocolArticle.objects.order_by("number", "pk")),
    )
    serializer_class = api_serializers.ProtocolSerializer
    ordering_fields = ["signed_on"]
    ordering = ["-signed_on"]
    filterset_fields = ["status"]


class ProtocolArticleViewSet(ReadViewSet):
    queryset = ProtocolArticle.objects.all()
    serializer_class = api_serializers.ProtocolArticleSerializer
    ordering_fields = ["number"]
    ordering = ["number"]
    filterset_fields = ["protocol"]


class TechnologyProductViewSet(ReadViewSet):
    queryset = TechnologyProduct.objects.all()
    serializer_class = api_serializers.TechnologyProductSerializer
    ordering_fields = ["name"]
    ordering = ["name"]
    filterset_fields = ["organization", "category"]


class ProjectViewSet(WriteViewSet):
    queryset = Project.objects.prefetch_related(
        Prefetch("partners", queryset=ProjectPartner.objects.order_by("pk")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
        "articles",
        "products",
    )
    serializer_class = api_serializers.ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["code", "title", "created_at", "updated_at", "status"]
    ordering = ["-created_at"]


class MilestoneViewSet(ReadViewSet):
    """Milestones across projects (changed through their project)."""

    queryset = Milestone.objects.all()
    serializer_class = api_serializers.MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering_fields = ["due_on", "title"]
    ordering = ["due_on"]


class ProgressUpdateViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Progress updates are logged and read; like the page, the API does not edit them."""

    queryset = ProgressUpdate.objects.all()
    serializer_class = api_serializers.ProgressUpdateSerializer
    filterset_fields = ["project", "health"]
    ordering_fields = ["reported_on", "created_at"]
    ordering = ["-reported_on"]


class EventViewSet(WriteViewSet):
    queryset = Event.objects.prefetch_related("organizers", "projects", "articles")
    serializer_class = api_serializers.EventSerializer
    filterset_class = EventFilterSet
    filter_defaults = {"when": "all"}  # the page opens on upcoming events; the API lists them all
    ordering_fields = ["starts_at", "title", "created_at"]
    ordering = ["-starts_at"]


class KnowHowTransferViewSet(WriteViewSet):
    queryset = KnowHowTransfer.objects.prefetch_related("articles")
    serializer_class = api_serializers.KnowHowTransferSerializer
    filterset_class = KnowHowTransferFilterSet
    ordering_fields = ["started_on", "title", "created_at"]
    ordering = ["-started_on"]


class ProductAdoptionViewSet(WriteViewSet):
    queryset = ProductAdoption.objects.all()
    serializer_class = api_serializers.ProductAdoptionSerializer
    filterset_fields = ["product", "adopter", "status"]
    ordering_fields = ["adopted_on"]
    ordering = ["-adopted_on"]


# --- the dashboard's figures ----------------------------------------------------------------------


def flow_json(flow) -> dict:
    return {
        "provider": flow.provider.pk,
        "recipient": flow.recipient.pk,
        "count": flow.count,
        "hours": str(flow.hours),
        "participants": flow.participants,
    }


def figures_json(figures) -> dict:
    """The dashboard's figures as plain JSON: counts, the monthly trends, coverage and list totals."""
    projects = figures.projects
    return {
        "months": [month.isoformat() for month in figures.months],
        "projects": {
            "total": projects.total,
            "by_status": projects.by_status,
            "active_by_health": projects.active_by_health,
            "update_due": figures.update_due.total,
            "at_risk": figures.at_risk.total,
            "with_overdue_milestones": figures.overdue.total,
            "average_percent_per_month": [
                None if value is None else round(float(value), 1) for value in figures.progress
            ],
        },
        "events": {
            "count": figures.events.count,
            "participants": figures.events.participants,
            "per_month": figures.events.per_month,
        },
        "transfers": {
            "count": figures.transfers.count,
            "hours": str(figures.transfers.hours),
            "participants": figures.transfers.participants,
            "flows": [flow_json(flow) for flow in figures.transfers.flows],
        },
        "adoptions": {"count": figures.adoptions.count, "in_use": figures.adoptions.in_use},
        "coverage": [
            {
                "article": article.pk,
                "number": article.number,
                "projects": article.project_count,
                "events": article.event_count,
                "transfers": article.transfer_count,
            }
            for article in figures.coverage
        ],
    }


class DashboardView(ApiViewMixin, APIView):
    """The managers' dashboard figures for a period (a year, or a quarter of it), as on /dashboard/."""

    managers_only = True

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description=_("The year; this year when left out.")),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description=_("A quarter of the year.")),
            OpenApiParameter("organization", int, description=_("Only what this organization takes part in.")),
            OpenApiParameter("article", int, description=_("Only what serves this protocol article.")),
        ],
        responses=inline_serializer(
            "DashboardFigures",
            {
                "period": serializers.CharField(),
                "months": serializers.ListField(child=serializers.DateField()),
                "projects": serializers.DictField(),
                "events": serializers.DictField(),
                "transfers": serializers.DictField(),
                "adoptions": serializers.DictField(),
                "coverage": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        today = timezone.localdate()
        organizations, articles = organizations_with_party_flag(), dashboard_articles()
        form = DashboardFilterForm(request.query_params, organizations=organizations, articles=articles, today=today)
        if not form.is_valid():
            raise ValidationError(form.errors)  # the page falls back to this year; a program should know
        scope = form.scope()
        figures = dashboard_figures(
            scope,
            parties=[organization for organization in organizations if organization.is_party],
            today=today,
            now=timezone.now(),
        )
        return Response({"period": scope.period.slug, **figures_json(figures)}, status=status.HTTP_200_OK)
