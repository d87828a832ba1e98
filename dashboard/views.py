from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from core.access import ManagerRequiredMixin, ReadAccessMixin, role_of
from core.cache import cached, page_fragment_key, request_data_version
from core.views import LoadedPartMixin
from dashboard.baselines import (
    CHANGES_SHOWN,
    baseline_changes,
    compare,
    frozen_sections,
    frozen_workbook,
    snapshot_figures,
    year_before,
)
from dashboard.forms import BaselineReopenForm, DashboardFilterForm, ReportPeriodForm
from dashboard.models import PeriodBaseline
from dashboard.queries import (
    DashboardFigures,
    Scope,
    dashboard_articles,
    dashboard_figures,
    listing,
    milestones_to_act_on,
    next_events,
    organizations_with_party_flag,
    projects_update_due,
)
from dashboard.reports import XLSX_CONTENT_TYPE, build_report, report_filename, report_workbook
from dashboard.services import baseline_close, baseline_reopen
from events.models import Event
from projects.choices import Health, ProjectStatus
from projects.models import Project


class HomeView(ReadAccessMixin, TemplateView):
    """The signed-in user's start page: their organization's work and what needs attention."""

    template_name = "dashboard/home.html"
    upcoming_events = 5
    # Each box shows its first rows and the full count (one query each); the lists hold the rest.
    list_limit = 12

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = role_of(self.request.user).organization
        projects = Project.objects.select_related("lead_organization")
        if organization is not None:
            projects = projects.for_organization(organization)
        today = timezone.localdate()
        overdue, awaiting = milestones_to_act_on(projects, self.request.user, today, self.list_limit)
        context.update(
            organization=organization,
            active_projects=listing(projects.active().order_by("code"), self.list_limit),
            overdue_milestones=overdue,
            awaiting_confirmation=awaiting,
            update_due=projects_update_due(projects, today, self.list_limit),
            events=next_events(Event.objects.all(), timezone.now(), self.upcoming_events),
        )
        return context


# --- the managers' dashboard and the periodic report ----------------------------------------------


@dataclass
class Series:
    label: str
    values: list
    axis: str = "y"  # "y1": the chart's second value axis


@dataclass
class Chart:
    """One dashboard chart: what Chart.js draws (through json_script) and the table that says the same."""

    key: str
    title: str
    kind: str  # a Chart.js type
    category: str  # the heading of the table's first column
    labels: list[str]
    series: list[Series]
    table_labels: list[str] | None = None  # longer labels for the table, when the chart's are abbreviated
    colors: list[str] = field(default_factory=list)  # colour names per label, for single-series charts
    horizontal: bool = False
    percent: bool = False

    @property
    def aria_label(self) -> str:
        return _("%(title)s: chart; the same figures follow in a table.") % {"title": self.title}

    def rows(self) -> list[tuple[str, list]]:
        labels = self.table_labels or self.labels
        return [(label, [series.values[index] for series in self.series]) for index, label in enumerate(labels)]

    def as_json(self) -> dict:
        return {
            "type": self.kind,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {"label": str(series.label), "data": series.values, "axis": series.axis} for series in self.series
            ],
            "colors": self.colors,
            "horizontal": self.horizontal,
            "percent": self.percent,
        }


def _number(value):
    """JSON wants plain numbers: Decimal sums become floats, averages get one decimal."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return round(float(value), 1)


def dashboard_charts(figures: DashboardFigures) -> list[Chart]:
    """The dashboard's charts, labelled on the server in the reader's language."""
    month_labels = [formats.date_format(month, "M Y") for month in figures.months]
    month_names = [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in figures.months]
    flows = figures.transfers.flows
    return [
        Chart(
            key="status",
            title=_("Projects by status"),
            kind="bar",
            category=_("Status"),
            labels=[label for _value, label in ProjectStatus.choices],
            series=[Series(_("Projects"), list(figures.projects.by_status.values()))],
            colors=list(ProjectStatus.values),
        ),
        Chart(
            key="health",
            title=_("Active projects by health"),
            kind="doughnut",
            category=_("Health"),
            labels=[label for _value, label in Health.choices],
            series=[Series(_("Active projects"), list(figures.projects.active_by_health.values()))],
            colors=list(Health.values),
        ),
        Chart(
            key="coverage",
            title=_("Protocol coverage"),
            kind="bar",
            category=_("Protocol article"),
            labels=[_("Art. %(number)s") % {"number": article.number} for article in figures.coverage],
            table_labels=[str(article) for article in figures.coverage],
            series=[
                Series(_("Projects"), [article.project_count for article in figures.coverage]),
                Series(_("Events"), [article.event_count for article in figures.coverage]),
                Series(_("Transfers"), [article.transfer_count for article in figures.coverage]),
            ],
            horizontal=True,
        ),
        Chart(
            key="progress",
            title=_("Average percent complete per month"),
            kind="line",
            category=_("Month"),
            labels=month_labels,
            table_labels=month_names,
            series=[Series(_("Average percent complete"), [_number(value) for value in figures.progress])],
            percent=True,
        ),
        Chart(
            key="balance",
            title=_("Know-how transfer balance"),
            kind="bar",
            category=_("Direction"),
            labels=[flow.label for flow in flows],
            series=[
                Series(_("Transfers"), [flow.count for flow in flows]),
                Series(_("Hours"), [_number(flow.hours) for flow in flows], axis="y1"),
            ],
        ),
        Chart(
            key="events",
            title=_("Events per month"),
            kind="bar",
            category=_("Month"),
            labels=month_labels,
            table_labels=month_names,
            series=[Series(_("Events"), figures.events.per_month)],
        ),
    ]


def scope_key(scope: Scope) -> str:
    """What distinguishes one filter combination's figures from another's, for the cache key."""
    organization = scope.organization.pk if scope.organization else ""
    article = scope.article.pk if scope.article else ""
    return f"{scope.period.slug}:{organization}:{article}"


class DashboardView(ManagerRequiredMixin, TemplateView):
    """The managers' overview: figures, charts and what needs attention, under URL-kept filters."""

    template_name = "dashboard/dashboard.html"
    list_length = 8

    def get(self, request, *args, **kwargs):
        # The page's HTML is kept too, in the reader's language, until a write or the figures'
        # own clock (midnight, the end of the first upcoming event listed) makes it stale.
        self.fragment_key = page_fragment_key(request)
        if (html := cache.get(self.fragment_key)) is not None:
            return self.render_to_response({"view": self, "fragment_html": html})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # The figures are cached as data too, so a language or a page not yet kept reuses them.
        # Any write bumps the version, which makes every cached value unreachable.
        version = request_data_version(self.request)
        organizations, articles = cached(
            "dashboard:choices", lambda: (organizations_with_party_flag(), list(dashboard_articles())), version=version
        )
        form = DashboardFilterForm(self.request.GET, organizations=organizations, articles=articles, today=today)
        scope = form.scope()
        figures = cached(
            f"dashboard:figures:{today.isoformat()}:{scope_key(scope)}",
            lambda: dashboard_figures(
                scope,
                parties=[organization for organization in organizations if organization.is_party],
                today=today,
                now=timezone.now(),
                list_length=self.list_length,
                articles=articles,
            ),
            version=version,
            valid_until=DashboardFigures.valid_until,
        )
        charts = dashboard_charts(figures)
        context.update(
            fragment_key=self.fragment_key,
            fragment_timeout=(figures.valid_until() - timezone.now()).total_seconds(),
            form=form,
            scope=scope,
            figures=figures,
            charts={chart.key: chart for chart in charts},
            chart_data={
                "locale": translation.get_language(),
                "charts": {chart.key: chart.as_json() for chart in charts},
            },
            report_query=urlencode({"year": scope.period.year, "quarter": scope.period.quarter or ""}),
            update_due_days=settings.KOPRU_UPDATE_DUE_DAYS,
        )
        return context


def period_query(period, **extra) -> str:
    return urlencode({"year": period.year, "quarter": period.quarter or "", **extra})


class ReportView(ManagerRequiredMixin, TemplateView):
    """The periodic protocol report, laid out for printing to PDF from the browser.

    A closed period shows its baseline (the frozen report) unless `live=1` asks for it as of today.
    Its figures are compared with the baselines of the previous period and of the same period a
    year earlier, when those were closed.
    """

    template_name = "dashboard/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReportPeriodForm(self.request.GET)
        period = form.period()
        report = build_report(
            period, baselines={"this": period, "previous": period.previous(), "year": year_before(period)}
        )
        baselines = {}
        if any(report.baseline_ids.values()):  # one query, only when some of those periods were closed
            found = PeriodBaseline.objects.in_bulk([pk for pk in report.baseline_ids.values() if pk])
            baselines = {name: found.get(pk) for name, pk in report.baseline_ids.items()}
        baseline = baselines.get("this")
        frozen = baseline is not None and self.request.GET.get("live") != "1"
        figures = snapshot_figures(baseline.snapshot) if frozen else report.key_figures

        def snapshot_of(name):
            return baselines[name].snapshot if baselines.get(name) else None

        context.update(
            form=form,
            report=report,
            baseline=baseline,
            frozen=frozen,
            key_figures=figures,
            frozen_sections=frozen_sections(baseline.snapshot) if frozen else [],
            compared=compare(figures, snapshot_of("previous"), snapshot_of("year")),
            previous_period=period.previous(),
            year_before_period=year_before(period),
            period_ended=period.end < timezone.localdate(),
            reopen_form=BaselineReopenForm(self.request.GET),
            xlsx_query=period_query(period, **({} if frozen or baseline is None else {"live": 1})),
            live_query=period_query(period, live=1),
            frozen_query=period_query(period),
            generated_at=baseline.closed_at if frozen else timezone.now(),
        )
        return context


class BaselineChangesView(ManagerRequiredMixin, LoadedPartMixin, TemplateView):
    """What was written, since a closed period's baseline was taken, to the records its report reads:
    the report's page loads it after it is shown (a link without JavaScript)."""

    template_name = "dashboard/baseline_changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReportPeriodForm(self.request.GET)
        if not form.is_valid():
            raise Http404(_("Choose a valid year and quarter."))
        period = form.period()
        baseline = PeriodBaseline.objects.standing().of(period).first()
        if baseline is None:
            raise Http404(_("This period is not closed."))
        context.update(
            period=period,
            baseline=baseline,
            changes=baseline_changes(baseline),
            shown=CHANGES_SHOWN,
            report_query=period_query(period),
        )
        return context


class ReportXlsxView(ManagerRequiredMixin, View):
    """The periodic report as an XLSX workbook, one sheet per section; a closed period's from its baseline."""

    def get(self, request, *args, **kwargs):
        form = ReportPeriodForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Choose a valid year and quarter."))
        period = form.period()
        baseline = PeriodBaseline.objects.standing().of(period).first() if request.GET.get("live") != "1" else None
        content = frozen_workbook(baseline) if baseline else report_workbook(build_report(period))
        return HttpResponse(
            content,
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": content_disposition_header(True, report_filename(period))},
        )


class BaselineActionView(ManagerRequiredMixin, View):
    """Close or reopen a period from the report's page: one service call, a message, back to the report."""

    http_method_names = ["post"]
    form_class = ReportPeriodForm
    success_message = ""

    def act(self, form, period):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        period = form.period()
        try:
            if not form.is_valid():
                raise ValidationError([message for errors in form.errors.values() for message in errors])
            self.act(form, period)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, self.success_message % {"period": period.label})
        return redirect(reverse("dashboard:report") + "?" + period_query(period))


class BaselineCloseView(BaselineActionView):
    success_message = _("%(period)s is closed: its report is kept as presented.")

    def act(self, form, period):
        baseline_close(period=period, user=self.request.user)


class BaselineReopenView(BaselineActionView):
    form_class = BaselineReopenForm
    success_message = _("%(period)s is reopened; its earlier baseline is kept.")

    def act(self, form, period):
        baseline_reopen(period=period, user=self.request.user, reason=form.cleaned_data["reason"])
