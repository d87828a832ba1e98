"""The figures of the managers' dashboard and of the periodic report, computed in the database.

Every figure is a QuerySet (the models' own methods: `active()`, `at_risk()`, `update_due()`,
`overdue()`, `upcoming()`, `past()`) or a set of aggregates over one of them, written as the
keyword arguments of `aggregate()`: a `Count`, `Sum`… with `filter=Q(...)` per status, month or
direction. The lists are plain querysets with `select_related`. Python only turns the few
numbers an aggregate returns into the figures' dataclasses.

The dashboard has a budget of ten queries (tests/dashboard/test_dashboard.py): five lists,
four for the session, the user and the filter's choices, so its aggregates over six tables,
and the lists' full counts, are read together by `aggregate_tables`, which is `aggregate()` on
each table in one statement. A list's first rows are then a plain slice, which PostgreSQL reads
from an index in order and stops at the limit: a window count over the list (`listing`) would
join every row of it first, which at ten times the data took a second for the overdue milestones.
Every figure is read afresh; what is cached, under the data version, is the dashboard's result
(dashboard/views.py).

Events are *held* once they have ended (`EventQuerySet.past`); those of a period that have
not ended yet are *planned*, and are counted apart: in the report, its XLSX and the dashboard.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import permutations

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.cache import data_version
from core.models import DataVersion
from dashboard.models import SCOPE_PROTOCOL, PeriodBaseline
from events.models import Event
from partnership.models import Organization, ProtocolArticle, ProtocolParty
from projects.choices import ConfirmationState, Health, ProjectStatus
from projects.models import Milestone, ProgressUpdate, Project
from transfers.choices import AdoptionStatus
from transfers.models import KnowHowTransfer, ProductAdoption

MONTHS_IN_TREND = 12

# --- periods --------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` months after (or before) `day`'s month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month_index + 1, 1)


def months_ending(day: date, count: int = MONTHS_IN_TREND) -> list[date]:
    """The first days of the `count` months that end with `day`'s month, oldest first."""
    last = month_start(day)
    return [add_months(last, offset) for offset in range(1 - count, 1)]


def local_midnight(day: date) -> datetime:
    """The start of `day` in the current time zone (Europe/Istanbul), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """A calendar year, or one quarter of it."""

    year: int
    quarter: int | None = None

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def after(self) -> date:
        """The first day after the period (the exclusive upper bound)."""
        return add_months(self.start, 12 if self.quarter is None else 3)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return date.fromordinal(self.after.toordinal() - 1)

    def previous(self) -> Period:
        """The quarter before a quarter, the year before a year."""
        if self.quarter is None:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def slug(self) -> str:
        """For file names: 2026-Q3, or 2026 for a whole year."""
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    def dates(self, name: str) -> Q:
        """Rows whose date field `name` falls within the period."""
        return Q(**{f"{name}__gte": self.start, f"{name}__lt": self.after})

    def moments(self, name: str) -> Q:
        """Rows whose datetime field `name` falls within the period, Istanbul time."""
        return Q(**{f"{name}__gte": local_midnight(self.start), f"{name}__lt": local_midnight(self.after)})


def month_moments(month: date, name: str = "starts_at") -> Q:
    """Rows whose datetime field `name` falls within the month, Istanbul time."""
    return Q(**{f"{name}__gte": local_midnight(month), f"{name}__lt": local_midnight(add_months(month, 1))})


# --- reading aggregates -----------------------------------------------------------------------------


def aggregate_tables(**tables: tuple[QuerySet, dict]) -> dict[str, dict]:
    """`{name: queryset.aggregate(**expressions)}` for each name, in one statement.

    Each table's aggregates come back as one JSON object (a scalar subquery of the
    statement), so a sum over a decimal field reads as a float (see `_decimal`), and an
    empty queryset gives an empty dict. The statement's one row comes from the data
    version's table, which always holds one row.
    """

    def one_object(queryset, expressions):
        figures = queryset.order_by().values(whole=Value(1)).annotate(figures=JSONObject(**expressions))
        return Subquery(figures.values("figures"), output_field=JSONField())

    columns = {name: one_object(*table) for name, table in tables.items()}
    row = DataVersion.objects.order_by().values(**columns).first()
    if row is None:  # a database flushed since it was migrated
        data_version()
        return aggregate_tables(**tables)
    return {name: figures or {} for name, figures in row.items()}


def _decimal(value) -> Decimal:
    """A sum of hours read back from JSON (a float, an int, or nothing) as the Decimal the field holds."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def _moment(value) -> datetime | None:
    """A datetime read back from JSON: ISO text, naive when the database keeps UTC without a zone."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated subquery counting `queryset`'s rows, for use in annotate()."""
    counted = queryset.order_by().annotate(rows=Func(F("pk"), function="COUNT")).values("rows")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def participants_of_event() -> Coalesce:
    """Actual participants, or the planned number when the actual one is not known yet."""
    return Coalesce("actual_participants", "planned_participants")


@dataclass
class Listing:
    """The first rows of a list, and how many rows the whole list has."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def listing(queryset: QuerySet, limit: int) -> Listing:
    """The first `limit` rows with the full count in the same query (a window count over the result)."""
    items = list(queryset.annotate(rows_in_list=Window(Count("pk")))[:limit])
    return Listing(items=items, total=items[0].rows_in_list if items else 0)


# --- the dashboard's scope --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the dashboard's filters select: a period, and optionally one organization and one article."""

    period: Period
    organization: Organization | None = None
    article: ProtocolArticle | None = None

    def _filtered(self, records: QuerySet) -> QuerySet:
        if self.organization is not None:
            records = records.for_organization(self.organization)
        if self.article is not None:
            records = records.filter(articles=self.article)
        return records

    def projects(self) -> QuerySet:
        return self._filtered(Project.objects.all())

    def events(self) -> QuerySet:
        return self._filtered(Event.objects.all())

    def transfers(self) -> QuerySet:
        return self._filtered(KnowHowTransfer.objects.all())

    def adoptions(self) -> QuerySet:
        """Adoptions of or by the organization; for an article, those whose transfer or project serves it."""
        adoptions = ProductAdoption.objects.all()
        if self.organization is not None:
            adoptions = adoptions.filter(Q(adopter=self.organization) | Q(product__organization=self.organization))
        if self.article is not None:
            adoptions = adoptions.filter(
                Q(transfer__in=KnowHowTransfer.objects.filter(articles=self.article))
                | Q(project__in=Project.objects.filter(articles=self.article))
            )
        return adoptions


def organizations_with_party_flag() -> list[Organization]:
    """Every organization, each with `is_party`: whether it signed a protocol (one query)."""
    signed = ProtocolParty.objects.filter(organization=OuterRef("pk"))
    return list(Organization.objects.annotate(is_party=Exists(signed)).order_by("short_name"))


def dashboard_articles() -> QuerySet:
    """Every protocol article, in the order the filter and the coverage chart show them."""
    return ProtocolArticle.objects.order_by("protocol__signed_on", "protocol_id", "number")


# --- the dashboard's figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFigures:
    total: int
    by_status: dict[str, int]
    active_by_health: dict[str, int]

    @property
    def active(self) -> int:
        return self.by_status[ProjectStatus.ACTIVE]

    @property
    def active_on_track(self) -> int:
        return self.active_by_health[Health.ON_TRACK]

    @property
    def at_risk(self) -> int:
        """Active projects at risk or off track."""
        return self.active_by_health[Health.AT_RISK] + self.active_by_health[Health.OFF_TRACK]

    @property
    def on_track_share(self) -> int | None:
        """Percentage of active projects on track, rounded; None when nothing is active."""
        return round(100 * self.active_on_track / self.active) if self.active else None

    @staticmethod
    def aggregates() -> dict:
        """Projects per status, and active projects per health."""
        return {
            **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in ProjectStatus.values},
            **{
                f"health_{health}": Count("pk", filter=Q(status=ProjectStatus.ACTIVE, health=health))
                for health in Health.values
            },
        }

    @classmethod
    def from_values(cls, values: dict) -> ProjectFigures:
        by_status = {status: values.get(f"status_{status}", 0) for status in ProjectStatus.values}
        return cls(
            total=sum(by_status.values()),
            by_status=by_status,
            active_by_health={health: values.get(f"health_{health}", 0) for health in Health.values},
        )


def project_figures(projects: QuerySet) -> ProjectFigures:
    """Projects by status, and active projects by health (one query)."""
    return ProjectFigures.from_values(projects.aggregate(**ProjectFigures.aggregates()))


def progress_updates(projects: QuerySet, months: list[date]) -> QuerySet:
    """Each project's latest progress update of each month of `months` (projects/migrations/0008)."""
    updates = ProgressUpdate.objects.filter(
        latest_in_month=True, reported_on__gte=months[0], reported_on__lt=add_months(months[-1], 1)
    )
    if projects.query.has_filters():  # every update belongs to a project: no filter, no join
        updates = updates.filter(project__in=projects)
    return updates


def progress_aggregates(months: list[date]) -> dict:
    """The average percent complete of each month's updates (of `progress_updates`)."""
    return {
        f"month_{index}": Avg(
            "percent_complete", filter=Q(reported_on__gte=month, reported_on__lt=add_months(month, 1))
        )
        for index, month in enumerate(months)
    }


def progress_from_values(values: dict, months: list[date]) -> list[float | None]:
    return [values.get(f"month_{index}") for index in range(len(months))]


def monthly_progress(projects: QuerySet, months: list[date]) -> list[float | None]:
    """The average percent complete of the projects that reported in each month, in the order
    of `months`; None for a month without updates, a gap in the line (one query).

    Each project counts once a month, with its latest update of that month, so a project
    that reports weekly weighs no more than one that reports monthly.
    """
    return progress_from_values(progress_updates(projects, months).aggregate(**progress_aggregates(months)), months)


@dataclass(frozen=True)
class EventFigures:
    """Events of the period held by now (`count`, with their participants) and still `planned`;
    `next_end`: when the first planned one ends (and becomes held)."""

    count: int
    participants: int
    planned: int
    per_month: list[int]
    next_end: datetime | None = None

    @staticmethod
    def in_window(events: QuerySet, period: Period, months: list[date]) -> QuerySet:
        """The events the figures read: those of the period and those of the trend's months."""
        trend = Q(starts_at__gte=local_midnight(months[0]), starts_at__lt=local_midnight(add_months(months[-1], 1)))
        return events.filter(period.moments("starts_at") | trend)

    @staticmethod
    def aggregates(period: Period, months: list[date], now: datetime) -> dict:
        """Held and planned events of the period, participants of those held; events starting per month."""
        in_period = period.moments("starts_at")
        held = in_period & Q(ends_at__lt=now)
        return {
            "held": Count("pk", filter=held),
            "participants": Sum(participants_of_event(), filter=held),
            "planned": Count("pk", filter=in_period & Q(ends_at__gte=now)),
            "next_end": Min("ends_at", filter=in_period & Q(ends_at__gte=now)),
            **{f"month_{index}": Count("pk", filter=month_moments(month)) for index, month in enumerate(months)},
        }

    @classmethod
    def from_values(cls, values: dict, months: list[date]) -> EventFigures:
        return cls(
            count=values.get("held", 0),
            participants=values.get("participants") or 0,
            planned=values.get("planned", 0),
            per_month=[values.get(f"month_{index}", 0) for index in range(len(months))],
            next_end=_moment(values.get("next_end")),
        )


def event_figures(events: QuerySet, period: Period, months: list[date], now: datetime | None = None) -> EventFigures:
    """Events held and planned in the period, and events per month (one query)."""
    now = now or timezone.now()
    values = EventFigures.in_window(events, period, months).aggregate(**EventFigures.aggregates(period, months, now))
    return EventFigures.from_values(values, months)


@dataclass(frozen=True)
class Flow:
    """Know-how transfers from one party to another."""

    provider: Organization
    recipient: Organization
    count: int
    hours: Decimal
    participants: int
    unconfirmed: int = 0  # of `count`, those the recipient has not confirmed took place

    @property
    def label(self) -> str:
        return f"{self.provider} → {self.recipient}"


@dataclass(frozen=True)
class TransferFigures:
    count: int
    hours: Decimal
    participants: int
    flows: list[Flow] = field(default_factory=list)
    unconfirmed: int = 0  # of `count`, those the recipient has not confirmed took place

    @staticmethod
    def aggregates(parties: list[Organization]) -> dict:
        """All transfers, and those between every two parties in each direction; of each, the unconfirmed."""
        unconfirmed = Q(confirmed_at__isnull=True)
        figures = {
            "count": Count("pk"),
            "all_hours": Sum("hours"),
            "all_participants": Sum("participants"),
            "unconfirmed": Count("pk", filter=unconfirmed),
        }
        for provider, recipient in permutations(parties, 2):
            direction = Q(provider=provider, recipient=recipient)
            figures[f"count_{provider.pk}_{recipient.pk}"] = Count("pk", filter=direction)
            figures[f"unconfirmed_{provider.pk}_{recipient.pk}"] = Count("pk", filter=direction & unconfirmed)
            figures[f"hours_{provider.pk}_{recipient.pk}"] = Sum("hours", filter=direction)
            figures[f"participants_{provider.pk}_{recipient.pk}"] = Sum("participants", filter=direction)
        return figures

    @classmethod
    def from_values(cls, values: dict, parties: list[Organization]) -> TransferFigures:
        flows = [
            Flow(
                provider=provider,
                recipient=recipient,
                count=values.get(f"count_{provider.pk}_{recipient.pk}", 0),
                hours=_decimal(values.get(f"hours_{provider.pk}_{recipient.pk}")),
                participants=values.get(f"participants_{provider.pk}_{recipient.pk}") or 0,
                unconfirmed=values.get(f"unconfirmed_{provider.pk}_{recipient.pk}", 0),
            )
            for provider, recipient in permutations(parties, 2)
        ]
        return cls(
            count=values.get("count", 0),
            hours=_decimal(values.get("all_hours")),
            participants=values.get("all_participants") or 0,
            flows=flows,
            unconfirmed=values.get("unconfirmed", 0),
        )


def transfer_figures(transfers: QuerySet, period: Period, parties: list[Organization]) -> TransferFigures:
    """Transfers started in the period: in total, and per direction between every two parties (one query)."""
    values = transfers.filter(period.dates("started_on")).aggregate(**TransferFigures.aggregates(parties))
    return TransferFigures.from_values(values, parties)


@dataclass(frozen=True)
class AdoptionFigures:
    count: int
    in_use: int

    AGGREGATES = {"count": Count("pk"), "in_use": Count("pk", filter=Q(status=AdoptionStatus.IN_USE))}

    @classmethod
    def from_values(cls, values: dict) -> AdoptionFigures:
        return cls(count=values.get("count", 0), in_use=values.get("in_use", 0))


def coverage_aggregates(scope: Scope, articles: list[ProtocolArticle]) -> dict[str, tuple[QuerySet, dict]]:
    """For `aggregate_tables`: per article, the links of the projects serving it (cancelled
    ones left out), and those of the period's events and transfers.

    Under the scope's organization; the scope's article filter does not apply, since
    coverage compares the articles. A record links an article at most once, so its links
    count the records.
    """
    everywhere = Scope(period=scope.period, organization=scope.organization)
    records = {
        "project": everywhere.projects().exclude(status=ProjectStatus.CANCELLED),
        "event": everywhere.events().filter(scope.period.moments("starts_at")),
        "knowhowtransfer": everywhere.transfers().filter(scope.period.dates("started_on")),
    }
    per_article = {f"article_{article.pk}": Count("pk", filter=Q(protocolarticle=article)) for article in articles}
    return {
        f"{name}_links": (
            queryset.model.articles.through.objects.filter(**{f"{name}__in": queryset.values("pk")}),
            per_article,
        )
        for name, queryset in records.items()
    }


def coverage_from_values(values: dict[str, dict], articles: list[ProtocolArticle]) -> list[ProtocolArticle]:
    """Copies of `articles` with `project_count`, `event_count` and `transfer_count`."""
    covered = []
    for article in articles:
        article = copy(article)
        key = f"article_{article.pk}"
        article.project_count = values["project_links"].get(key, 0)
        article.event_count = values["event_links"].get(key, 0)
        article.transfer_count = values["knowhowtransfer_links"].get(key, 0)
        covered.append(article)
    return covered


def article_coverage(scope: Scope) -> list[ProtocolArticle]:
    """Every article with what serves it under the scope (see `coverage_aggregates`; two queries)."""
    articles = list(dashboard_articles())
    return coverage_from_values(aggregate_tables(**coverage_aggregates(scope, articles)), articles)


# The orders of the dashboard's lists of projects: off track first; never updated first.
WORST_FIRST = [F("health").desc(), "code"]  # "off_track" sorts after "at_risk"
LONGEST_SILENT_FIRST = [F("last_update_on").asc(nulls_first=True), "code"]


def overdue_in_scope(projects: QuerySet, today: date) -> QuerySet:
    """Overdue milestones of projects still open, the longest overdue first."""
    return Milestone.objects.overdue(today).filter(project__in=projects.open()).order_by("due_on", "pk")


def overdue_milestones(projects: QuerySet, today: date, limit: int) -> Listing:
    """The first overdue milestones of projects still open, and how many there are (one query)."""
    return listing(overdue_in_scope(projects, today).select_related("project"), limit)


def awaiting_in_scope(projects: QuerySet) -> QuerySet:
    """Joint milestones of `projects` completed by one side and not yet confirmed by the other, the
    longest waiting first: they do not count as delivered until confirmed."""
    return Milestone.objects.awaiting_confirmation().filter(project__in=projects)


def milestones_to_act_on(projects: QuerySet, user, today: date, limit: int) -> tuple[Listing, Listing]:
    """The home page's two lists of milestones: the overdue ones of `projects` still open (longest
    overdue first), and those awaiting the confirmation of the user's organization (longest waiting
    first), one query each."""
    awaiting = Milestone.objects.confirmable_by(user).awaiting_confirmation()
    return (
        overdue_milestones(projects, today, limit),
        listing(awaiting.select_related("project", "completed_by_organization"), limit),
    )


def first_rows(queryset: QuerySet, limit: int, total: int) -> Listing:
    """A list's first `limit` rows, its full count read elsewhere (with the dashboard's aggregates):
    the rows come from an index in order and stop at the limit, which a window count cannot."""
    return Listing(items=list(queryset[:limit]), total=total)


def projects_at_risk(projects: QuerySet, limit: int) -> list[Project]:
    """The first active projects at risk or off track, off track first (one query)."""
    return list(projects.at_risk().select_related("lead_organization").order_by(*WORST_FIRST)[:limit])


def projects_update_due(projects: QuerySet, today: date, limit: int) -> Listing:
    """Active projects without a progress update for the configured number of days, never-updated first."""
    return listing(
        projects.update_due(today).select_related("lead_organization").order_by(*LONGEST_SILENT_FIRST), limit
    )


def next_events(events: QuerySet, now: datetime, limit: int) -> list[Event]:
    """The first `limit` events that have not ended yet, soonest first (events/migrations/0007)."""
    return list(events.upcoming(now)[:limit])


@dataclass
class DashboardFigures:
    months: list[date]
    projects: ProjectFigures
    progress: list[float | None]
    events: EventFigures
    transfers: TransferFigures
    adoptions: AdoptionFigures
    coverage: list[ProtocolArticle]
    at_risk: Listing
    overdue: Listing
    update_due: Listing
    next_events: list[Event]
    today: date | None = None
    # Joint milestones completed but not confirmed by the other side yet, the longest waiting first.
    awaiting: Listing = field(default_factory=lambda: Listing(items=[], total=0))

    def valid_until(self) -> datetime:
        """When these figures go stale by the clock alone, with no write: at the next local
        midnight (overdue, update due, the months), or when the first listed event, or the
        first planned one of the period, ends."""
        moments = [local_midnight(date.fromordinal(self.today.toordinal() + 1))]
        moments += [event.ends_at for event in self.next_events]
        if self.events.next_end is not None:
            moments.append(self.events.next_end)
        return min(moments)


def dashboard_figures(
    scope: Scope,
    *,
    parties: list[Organization],
    today: date,
    now: datetime,
    list_length: int = 8,
    articles: list[ProtocolArticle] | None = None,
) -> DashboardFigures:
    """Everything the dashboard shows, in six queries whatever the amount of data.

    1. the aggregates of the projects, the monthly progress, the events, the transfers, the
    adoptions, the coverage per article and the lists' counts (aggregate_tables); 2–6. the
    lists' first rows. Seven without `articles`, the articles the coverage chart shows. The trend
    charts cover the 12 months that end with the period (or with this month, when the period has
    not ended yet).
    """
    articles = list(dashboard_articles()) if articles is None else articles
    months = months_ending(min(scope.period.end, today))
    projects, events = scope.projects(), scope.events()
    overdue, awaiting = overdue_in_scope(projects, today), awaiting_in_scope(projects)
    values = aggregate_tables(
        projects=(projects, ProjectFigures.aggregates()),
        progress=(progress_updates(projects, months), progress_aggregates(months)),
        overdue=(overdue, {"count": Count("pk")}),
        awaiting=(awaiting, {"count": Count("pk")}),
        events=(
            EventFigures.in_window(events, scope.period, months),
            EventFigures.aggregates(scope.period, months, now),
        ),
        transfers=(scope.transfers().filter(scope.period.dates("started_on")), TransferFigures.aggregates(parties)),
        adoptions=(scope.adoptions().filter(scope.period.dates("adopted_on")), AdoptionFigures.AGGREGATES),
        **coverage_aggregates(scope, articles),
    )
    project_counts = ProjectFigures.from_values(values["projects"])
    return DashboardFigures(
        months=months,
        projects=project_counts,
        progress=progress_from_values(values["progress"], months),
        events=EventFigures.from_values(values["events"], months),
        transfers=TransferFigures.from_values(values["transfers"], parties),
        adoptions=AdoptionFigures.from_values(values["adoptions"]),
        coverage=coverage_from_values(values, articles),
        at_risk=Listing(items=projects_at_risk(projects, list_length), total=project_counts.at_risk),
        overdue=first_rows(overdue.select_related("project"), list_length, values["overdue"].get("count", 0)),
        awaiting=first_rows(
            awaiting.select_related("project", "completed_by_organization"),
            list_length,
            values["awaiting"].get("count", 0),
        ),
        update_due=projects_update_due(projects, today, list_length),
        next_events=next_events(events, now, list_length),
        today=today,
    )


# --- the periodic report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the report, in the period and in the period before."""

    key: str
    label: str
    current: int | Decimal
    previous: int | Decimal

    @property
    def difference(self) -> int | Decimal:
        return self.current - self.previous


KEY_FIGURE_LABELS = {
    "started": _("Projects started"),
    "progressed": _("Projects with progress reported"),
    "completed": _("Projects completed"),
    "milestones": _("Milestones reached"),
    "events": _("Events held"),
    "participants": _("Event participants"),
    "transfers": _("Know-how transfers made"),
    "hours": _("Know-how transfer hours"),
    "trainees": _("Know-how transfer participants"),
    "adoptions": _("Product adoptions"),
}


def key_figures(period: Period, now: datetime | None = None) -> list[KeyFigure]:
    """The report's key figures for the period and the previous one (one query); see `report_figures`."""
    return report_figures(period, now)[0]


def report_figures(
    period: Period, now: datetime | None = None, baselines: dict[str, Period] | None = None
) -> tuple[list[KeyFigure], dict[str, int | None]]:
    """The report's key figures for the period and the previous one, and the ids of the standing
    baselines of the periods named in `baselines` (None: not closed), all in one query.

    Each counts what the report's lists show: `projects_delivered`, `milestones_reached`,
    `events_held` (ended by `now`), `transfers_made`; and the adoptions of the period.
    """
    now = now or timezone.now()
    periods = {"now": period, "before": period.previous()}
    completed = Q(status=ProjectStatus.COMPLETED)
    delivered = ~Q(confirmation_state=ConfirmationState.AWAITING)
    project_figures, update_figures, milestone_figures = {}, {}, {}
    event_figures, transfer_figures, adoption_figures = {}, {}, {}
    for when, each in periods.items():
        project_figures[f"started_{when}"] = Count("pk", filter=each.dates("actual_start"))
        project_figures[f"completed_{when}"] = Count("pk", filter=completed & each.dates("actual_end"))
        update_figures[f"progressed_{when}"] = Count("project", distinct=True, filter=each.dates("reported_on"))
        # Delivered: a joint milestone once the other side confirmed it (Milestone.objects.delivered).
        milestone_figures[f"milestones_{when}"] = Count("pk", filter=each.dates("completed_on") & delivered)
        held = each.moments("starts_at") & Q(ends_at__lt=now)
        event_figures[f"events_{when}"] = Count("pk", filter=held)
        event_figures[f"participants_{when}"] = Sum(participants_of_event(), filter=held)
        transfer_figures[f"transfers_{when}"] = Count("pk", filter=each.dates("started_on"))
        transfer_figures[f"hours_{when}"] = Sum("hours", filter=each.dates("started_on"))
        transfer_figures[f"trainees_{when}"] = Sum("participants", filter=each.dates("started_on"))
        adoption_figures[f"adoptions_{when}"] = Count("pk", filter=each.dates("adopted_on"))

    def within(name, moments=False):
        """Rows of either period, so that an index on the date reads only those."""
        dates = Period.moments if moments else Period.dates
        return dates(periods["now"], name) | dates(periods["before"], name)

    # Whether those periods were closed, read in the same statement: a report of a period nobody
    # closed pays no query for it.
    baseline_ids = {
        name: Max("pk", filter=Q(year=each.year, quarter=each.quarter or 0)) for name, each in (baselines or {}).items()
    }
    tables = aggregate_tables(
        **(
            {"baselines": (PeriodBaseline.objects.standing().filter(scope=SCOPE_PROTOCOL), baseline_ids)}
            if baseline_ids
            else {}
        ),
        projects=(Project.objects.filter(within("actual_start") | within("actual_end")), project_figures),
        updates=(ProgressUpdate.objects.filter(within("reported_on")), update_figures),
        milestones=(Milestone.objects.filter(within("completed_on")), milestone_figures),
        events=(Event.objects.filter(within("starts_at", moments=True)), event_figures),
        transfers=(KnowHowTransfer.objects.filter(within("started_on")), transfer_figures),
        adoptions=(ProductAdoption.objects.filter(within("adopted_on")), adoption_figures),
    )
    found = tables.pop("baselines", {})
    row = {key: value or 0 for figures in tables.values() for key, value in figures.items()}
    row |= {key: _decimal(row.get(key)) for key in ("hours_now", "hours_before")}
    figures = [
        KeyFigure(key=key, label=label, current=row.get(f"{key}_now", 0), previous=row.get(f"{key}_before", 0))
        for key, label in KEY_FIGURE_LABELS.items()
    ]
    return figures, {name: found.get(name) for name in baseline_ids}


def _progressed_in(period: Period) -> Exists:
    return Exists(ProgressUpdate.objects.filter(period.dates("reported_on"), project=OuterRef("pk")))


def delivered_by_article(period: Period, now: datetime | None = None) -> list[ProtocolArticle]:
    """Every article with what was delivered for it in the period (one query).

    Annotated: `started`, `progressed`, `completed` (projects), `milestones_reached`,
    `events_held` (ended by `now`), `transfers_made`.
    """
    now = now or timezone.now()
    serving = Project.objects.filter(articles=OuterRef("pk"))
    return list(
        ProtocolArticle.objects.select_related("protocol")
        .annotate(
            started=count_of(serving.filter(period.dates("actual_start"))),
            progressed=count_of(serving.filter(_progressed_in(period))),
            completed=count_of(serving.filter(period.dates("actual_end"), status=ProjectStatus.COMPLETED)),
            milestones_reached=count_of(
                Milestone.objects.delivered().filter(period.dates("completed_on"), project__articles=OuterRef("pk"))
            ),
            events_held=count_of(Event.objects.past(now).filter(period.moments("starts_at"), articles=OuterRef("pk"))),
            transfers_made=count_of(
                KnowHowTransfer.objects.filter(period.dates("started_on"), articles=OuterRef("pk"))
            ),
        )
        .order_by("protocol__signed_on", "protocol_id", "number")
    )


def projects_delivered(period: Period) -> QuerySet:
    """Projects started, progressed or completed in the period, each flagged with which of those (two queries).

    Also annotated: `updates_in_period` and `percent_in_period` (the latest percent complete
    reported in the period, None without an update).
    """
    started = period.dates("actual_start")
    completed = period.dates("actual_end") & Q(status=ProjectStatus.COMPLETED)
    updates = ProgressUpdate.objects.filter(period.dates("reported_on"), project=OuterRef("pk"))
    return (
        Project.objects.annotate(
            started_in_period=ExpressionWrapper(started, output_field=BooleanField()),
            completed_in_period=ExpressionWrapper(completed, output_field=BooleanField()),
            progressed_in_period=_progressed_in(period),
            updates_in_period=count_of(updates),
            percent_in_period=Subquery(updates.order_by("-reported_on", "-pk").values("percent_complete")[:1]),
        )
        .filter(started | completed | Q(progressed_in_period=True))
        .select_related("lead_organization")
        .prefetch_related("articles")
        .order_by("code")
    )


def milestones_reached(period: Period) -> QuerySet:
    """Milestones completed in the period (two queries), joint ones awaiting the other side's
    confirmation among them: the report counts those apart, as not delivered yet."""
    return (
        Milestone.objects.filter(period.dates("completed_on"))
        .select_related("project", "completed_by_organization")
        .prefetch_related("project__articles")
        .order_by("completed_on", "pk")
    )


def events_of(period: Period, now: datetime | None = None) -> QuerySet:
    """Events that start in the period, with `participants` (actual, else planned) and
    `held` (ended by `now`), in the order they start (three queries)."""
    now = now or timezone.now()
    return (
        Event.objects.filter(period.moments("starts_at"))
        .annotate(
            participants=participants_of_event(),
            held=ExpressionWrapper(Q(ends_at__lt=now), output_field=BooleanField()),
        )
        .prefetch_related("organizers", "articles")
        .order_by("starts_at", "pk")
    )


def events_held(period: Period, now: datetime | None = None) -> QuerySet:
    """Events of the period that have ended by `now` (three queries); the others are planned."""
    return events_of(period, now).filter(held=True)


def transfers_made(period: Period) -> QuerySet:
    """Know-how transfers that started in the period (two queries)."""
    return (
        KnowHowTransfer.objects.filter(period.dates("started_on"))
        .select_related("provider", "recipient")
        .prefetch_related("articles")
        .order_by("started_on", "pk")
    )
