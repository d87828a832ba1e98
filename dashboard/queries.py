"""The figures of the managers' dashboard and of the periodic report, computed in the database.

Every function here costs a fixed number of queries (nearly all exactly one) whatever
the amount of data: figures are aggregates — Count and Sum, GROUP BY, correlated count
subqueries — never Python loops over rows. Python only reshapes the few rows an aggregate
returns (at most a row per day of the monthly trend) and the first rows of each list.

Aggregates over different tables are read together (`read_aggregates`): each is a
scalar subquery returning JSON (one object for `Aggregates`, an array of rows for
`Grouped` and for the first rows of a list, `Rows`), and one statement selects all those
of a call. The dashboard compiles each of its statements once per filter and day in a
process (`read_statement`) and runs it afresh on every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from itertools import permutations

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import (
    DEFERRED,
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject, RowNumber, TruncMonth
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import data_version
from core.models import DataVersion
from events.models import Event
from partnership.models import Organization, ProtocolArticle, ProtocolParty
from projects.choices import Health, ProjectStatus
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


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated subquery counting `queryset`'s rows, for use in annotate()."""
    counted = queryset.order_by().annotate(rows=Func(F("pk"), function="COUNT")).values("rows")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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


# --- the dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the dashboard's filters select: a period, and optionally one organization and one article."""

    period: Period
    organization: Organization | None = None
    article: ProtocolArticle | None = None

    def projects(self) -> QuerySet:
        projects = Project.objects.all()
        if self.organization is not None:
            projects = projects.for_organization(self.organization)
        if self.article is not None:
            projects = projects.filter(articles=self.article)
        return projects

    def events(self) -> QuerySet:
        events = Event.objects.all()
        if self.organization is not None:
            events = events.for_organization(self.organization)
        if self.article is not None:
            events = events.filter(articles=self.article)
        return events

    def transfers(self) -> QuerySet:
        transfers = KnowHowTransfer.objects.all()
        if self.organization is not None:
            transfers = transfers.for_organization(self.organization)
        if self.article is not None:
            transfers = transfers.filter(articles=self.article)
        return transfers

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


def dashboard_articles() -> list[ProtocolArticle]:
    """Every protocol article, in the order the filter and the coverage chart show them (one query)."""
    return list(ProtocolArticle.objects.order_by("protocol__signed_on", "protocol_id", "number"))


# --- several aggregates in one statement ------------------------------------------------------------


def rows(expression=None, **filters) -> Count:
    """COUNT(1), optionally FILTER (WHERE …): unlike COUNT(id) it reads no column, so an
    index-only scan can serve it (Django refuses Count("*") with a filter)."""
    return Count(Value(1), filter=expression if expression is not None else (Q(**filters) if filters else None))


@dataclass
class Aggregates:
    """Named aggregates over one queryset, read as one JSON object: alone, or next to others.

    No GROUP BY: the whole queryset is one group, so the object always exists, with
    zero counts and default sums when the queryset is empty. PostgreSQL's
    jsonb_build_object() takes at most 100 arguments: 50 figures per `Aggregates`. Figures
    per status, article or month belong in `Grouped`, which has no such limit.
    """

    queryset: QuerySet
    expressions: dict

    def subquery(self):
        one_group = self.queryset.order_by().values(group=Value(1)).annotate(figures=JSONObject(**self.expressions))
        return Subquery(one_group.values("figures"), output_field=JSONField())

    def read(self, value) -> dict:
        return value or {}


class JSONRows(Subquery):
    """The rows of a grouped `values()` queryset as one JSON array of arrays: a scalar subquery.

    `columns` are the inner query's own column aliases, in order: keys first, then figures.
    An empty queryset gives an empty array.
    """

    template = "(SELECT JSON_GROUP_ARRAY(JSON_ARRAY(%(cells)s)) FROM (%(subquery)s) AS grouped)"

    def __init__(self, queryset: QuerySet, columns: list[str]):
        super().__init__(queryset, output_field=JSONField())
        self.columns = columns

    def as_sql(self, compiler, connection, template=None, **extra_context):
        cells = ", ".join(f"grouped.{connection.ops.quote_name(column)}" for column in self.columns)
        return super().as_sql(compiler, connection, template=template, cells=cells, **extra_context)

    def as_postgresql(self, compiler, connection):
        template = "(SELECT COALESCE(JSONB_AGG(JSONB_BUILD_ARRAY(%(cells)s)), '[]') FROM (%(subquery)s) AS grouped)"
        return self.as_sql(compiler, connection, template=template)


@dataclass
class Grouped:
    """Named aggregates per group of a queryset, read as JSON rows: alone, or next to other aggregates.

    One GROUP BY pass counts every status, article or month at once. The alternative, one
    FILTER per value, has the database test each row once per value, and has the ORM build
    and compile one expression per value: on ten years of data that cost more than the scans.
    `keys` name the group's expressions (names that no model field has); a group without rows
    is missing from the result.
    """

    queryset: QuerySet
    keys: dict
    expressions: dict

    def subquery(self):
        grouped = self.queryset.order_by().values(**self.keys).annotate(**self.expressions)
        return JSONRows(grouped, columns=[*self.keys, *self.expressions])

    def read(self, value) -> dict:
        """{key: {name: figure}}, the key a tuple when there are several."""
        width = len(self.keys)
        groups = {}
        for cells in value or []:
            key = cells[0] if width == 1 else tuple(cells[:width])
            groups[key] = dict(zip(self.expressions, cells[width:], strict=True))
        return groups


@dataclass
class Rows:
    """The first rows of an ordered queryset as model instances, read as JSON next to aggregates.

    `fields` are what a page shows of each row: the model's fields, and through a foreign key
    those of the related model ("lead_organization__short_name"). The instances hold only
    those fields (the others are deferred); they are for showing, never for saving. Each
    row carries its rank in the queryset's order (ROW_NUMBER over the few rows the LIMIT
    lets through), and the rows are put back in that order whatever order the database
    aggregates them in.
    """

    queryset: QuerySet | None
    fields: list[str]
    limit: int
    model: type | None = None

    def __post_init__(self):
        self.model = self.model or self.queryset.model
        for name in self.fields:
            if isinstance(field_of(self.model, name), (DateTimeField, DecimalField)):
                raise TypeError(f"{name}: JSON does not carry this field's type faithfully.")

    def subquery(self):
        cells = {f"cell_{index}": F(name) for index, name in enumerate(self.fields)}
        rank = Window(RowNumber(), order_by=list(self.queryset.query.order_by))
        return JSONRows(self.queryset.values(**cells, rank=rank)[: self.limit], columns=[*cells, "rank"])

    def read(self, value) -> list:
        ranked = sorted(value or [], key=lambda cells: cells[-1])
        return [instance_of(self.model, dict(zip(self.fields, cells[:-1], strict=True))) for cells in ranked]


def field_of(model, name: str):
    """The field a Rows name stands for: "pk", a field, or "relation__field"."""
    head, _, rest = name.partition("__")
    if rest:
        return field_of(model._meta.get_field(head).related_model, rest)
    return model._meta.pk if head == "pk" else model._meta.get_field(head)


def instance_of(model, values: dict):
    """A `model` instance from {field, or "relation__field": its value as JSON gives it}.

    As from the database (`Model.from_db`): every other field is deferred, so reading one
    costs a query, which the pinned query counts would show, instead of a silent default.
    A related record whose primary key is null is None, as an empty foreign key reads.
    """
    own, related = {}, {}
    for name, value in values.items():
        head, _, rest = name.partition("__")
        if rest:
            related.setdefault(head, {})[rest] = value
        else:
            field = field_of(model, head)
            own[field.attname] = None if value is None else field.to_python(value)
    fields = model._meta.concrete_fields
    instance = model.from_db(
        connection.alias, [field.attname for field in fields], [own.get(field.attname, DEFERRED) for field in fields]
    )
    for name, fields_of_related in related.items():
        related_model = model._meta.get_field(name).related_model
        pk = fields_of_related.get("pk", fields_of_related.get(related_model._meta.pk.name))
        setattr(instance, name, None if pk is None else instance_of(related_model, fields_of_related))
    return instance


# What `read_aggregates` reads: one JSON value each.
Reader = Aggregates | Grouped | Rows


def aggregates_query(named: dict[str, Reader]) -> QuerySet:
    """The one-row SELECT of scalar subqueries, each one aggregate over its own table. Its
    row comes from the data version's table, which always holds one row."""
    return DataVersion.objects.order_by("pk").values(**{name: each.subquery() for name, each in named.items()})[:1]


def read_aggregates(**named: Reader) -> dict[str, dict]:
    """Each `Aggregates`' values as a flat dict, each `Grouped`'s as a dict per group, each
    `Rows`' as a list of instances: all of them in one statement (compiled, then read as a
    kept statement is, so both ways read alike)."""
    return Statement.compile(named).read()


@dataclass(frozen=True)
class Statement:
    """A compiled `aggregates_query`: its SQL, its parameters and how to read its columns."""

    sql: str
    params: tuple
    readers: dict[str, Reader]

    @classmethod
    def compile(cls, named: dict[str, Reader]) -> Statement:
        sql, params = aggregates_query(named).query.sql_with_params()
        # Reading needs only the names and the model, not the querysets and their trees.
        readers = {name: replace(each, queryset=None) for name, each in named.items()}
        return cls(sql=sql, params=tuple(params), readers=readers)

    def read(self) -> dict[str, dict]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            row = cursor.fetchone()
        if row is None:  # a database flushed since it was migrated
            data_version()
            return self.read()
        # JSON arrives as text (SQLite, and psycopg as Django sets it up), or already parsed.
        values = (json.loads(value) if isinstance(value, str) else value for value in row)
        return {name: reader.read(value) for (name, reader), value in zip(self.readers.items(), values, strict=True)}


# Statements compiled in this process, by what their SQL depends on (see `read_statement`).
_statements: dict[tuple, Statement] = {}
STATEMENTS_KEPT = 512


def read_statement(key: tuple, build: Callable[[], dict[str, Reader]]) -> dict[str, dict]:
    """`read_aggregates(**build())`, with the statement compiled once per `key` in this process.

    Building and compiling the dashboard's aggregate expressions cost the ORM about half as
    much CPU as the database spends running them (~7 ms of ~16 per uncached dashboard on
    ten years of data). Their SQL depends only on what the caller puts in `key` (the filters
    and the day) and on the process's code and settings, so it is kept here and run again
    as it is: the figures themselves are read afresh on every call, never kept.

    `key` must hold every input of `build` that reaches the SQL, settings included. The
    database and the current time zone are added here; a changed setting (in tests) forgets
    every statement too. At most STATEMENTS_KEPT are kept, the least recently used going first.
    """
    key = (connection.alias, connection.vendor, timezone.get_current_timezone_name(), *key)
    statement = _statements.pop(key, None)
    if statement is None:
        statement = Statement.compile(build())
        while len(_statements) >= STATEMENTS_KEPT:
            del _statements[next(iter(_statements))]  # the least recently used
    _statements[key] = statement  # last: the most recently used
    return statement.read()


@receiver(setting_changed)
def forget_statements(**kwargs):
    _statements.clear()


def date_of(value) -> date:
    """A date read back from JSON: "2026-05-01", with a time of day after it on some databases."""
    return date.fromisoformat(str(value)[:10])


def _decimal(value) -> Decimal:
    """A sum read back from JSON (a float, or an int) as the Decimal the field holds."""
    return Decimal(str(value)).quantize(Decimal("0.1"))


# --- the dashboard's figures -------------------------------------------------------------------------

RISKY = [Health.AT_RISK, Health.OFF_TRACK]


@dataclass(frozen=True)
class ProjectFigures:
    total: int
    by_status: dict[str, int]
    active_by_health: dict[str, int]
    update_due: int = 0

    @property
    def active(self) -> int:
        return self.by_status[ProjectStatus.ACTIVE]

    @property
    def active_on_track(self) -> int:
        return self.active_by_health[Health.ON_TRACK]

    @property
    def at_risk(self) -> int:
        """Active projects at risk or off track."""
        return sum(self.active_by_health[health] for health in RISKY)

    @property
    def on_track_share(self) -> int | None:
        """Percentage of active projects on track, rounded; None when nothing is active."""
        return round(100 * self.active_on_track / self.active) if self.active else None

    @classmethod
    def grouped(cls, projects: QuerySet) -> Grouped:
        """Projects per status and health: status and health alone, so that an index-only scan
        of (status, health) serves the count, in index order."""
        return Grouped(projects, {"in_status": F("status"), "in_health": F("health")}, {"count": rows()})

    @classmethod
    def from_groups(cls, groups: dict, update_due: dict | None = None) -> ProjectFigures:
        by_status = dict.fromkeys(ProjectStatus.values, 0)
        active_by_health = dict.fromkeys(Health.values, 0)
        for (status, health), figures in groups.items():
            by_status[status] += figures["count"]
            if status == ProjectStatus.ACTIVE:
                active_by_health[health] += figures["count"]
        return cls(
            total=sum(by_status.values()),
            by_status=by_status,
            active_by_health=active_by_health,
            update_due=update_due["count"] if update_due else 0,
        )


def project_figures(projects: QuerySet) -> ProjectFigures:
    """Projects by status, and active projects by health (one query)."""
    return ProjectFigures.from_groups(read_aggregates(projects=ProjectFigures.grouped(projects))["projects"])


def progress_per_month(projects: QuerySet, months: list[date]) -> Grouped:
    """The sums that make the average percent complete of the projects that reported in each month.

    Each project counts once a month, with its latest update of that month, so a project
    that reports weekly weighs no more than one that reports monthly. Those updates carry
    `latest_in_month`, and a partial index on it serves the months' range
    (projects/migrations/0008).

    The rows are grouped by day, and `progress_from_groups` adds the days of each month up.
    Grouping by month made PostgreSQL cast every date to a timestamp with time zone before
    truncating it: 4.4 ms for the 14,600 updates of a year of the scale data, against 1.8 ms
    by day (EXPLAIN ANALYZE, TIMING OFF), for at most 366 rows more to read.
    """
    updates = ProgressUpdate.objects.filter(
        latest_in_month=True, reported_on__gte=months[0], reported_on__lt=add_months(months[-1], 1)
    )
    if projects.query.has_filters():  # every update belongs to a project: no filter, no join
        updates = updates.filter(project__in=projects)
    return Grouped(updates, {"day": F("reported_on")}, {"total": Sum("percent_complete"), "count": rows()})


def progress_from_groups(groups: dict, months: list[date]) -> list[float | None]:
    """The monthly averages in the order of `months`; None for a month without updates (a gap in the line)."""
    totals = dict.fromkeys(months, 0)
    counts = dict.fromkeys(months, 0)
    for day, figures in groups.items():
        month = month_start(date_of(day))
        if month in totals:
            totals[month] += figures["total"]
            counts[month] += figures["count"]
    return [totals[month] / counts[month] if counts[month] else None for month in months]


def monthly_progress(projects: QuerySet, months: list[date]) -> list[float | None]:
    """progress_per_month() read alone (one query)."""
    return progress_from_groups(read_aggregates(progress=progress_per_month(projects, months))["progress"], months)


@dataclass(frozen=True)
class EventFigures:
    count: int
    participants: int
    per_month: list[int]

    @classmethod
    def aggregates(cls, events: QuerySet, period: Period, months: list[date]) -> dict[str, Reader]:
        """Events starting in the period with their participants; events per month of the trend."""
        in_trend = Q(starts_at__gte=local_midnight(months[0]), starts_at__lt=local_midnight(add_months(months[-1], 1)))
        return {
            "events": Aggregates(
                events.filter(period.moments("starts_at")),
                {"count": rows(), "participants": Sum(participants_of_event(), default=0)},
            ),
            # The month in İstanbul time, the current time zone.
            "events_per_month": Grouped(
                events.filter(in_trend), {"month": TruncMonth("starts_at", output_field=DateField())}, {"count": rows()}
            ),
        }

    @classmethod
    def from_values(cls, values: dict, months: list[date]) -> EventFigures:
        per_month = {date_of(month): figures["count"] for month, figures in values["events_per_month"].items()}
        return cls(
            count=values["events"]["count"],
            participants=values["events"]["participants"],
            per_month=[per_month.get(month, 0) for month in months],
        )


def participants_of_event() -> Coalesce:
    """Actual participants, or the planned number when the actual one is not known yet."""
    return Coalesce("actual_participants", "planned_participants")


def event_figures(events: QuerySet, period: Period, months: list[date]) -> EventFigures:
    """Events starting in the period with their participants, and events per month (one query)."""
    return EventFigures.from_values(read_aggregates(**EventFigures.aggregates(events, period, months)), months)


@dataclass(frozen=True)
class Flow:
    """Know-how transfers from one party to another."""

    provider: Organization
    recipient: Organization
    count: int
    hours: Decimal
    participants: int

    @property
    def label(self) -> str:
        return f"{self.provider} → {self.recipient}"


@dataclass(frozen=True)
class TransferFigures:
    count: int
    hours: Decimal
    participants: int
    flows: list[Flow] = field(default_factory=list)

    @classmethod
    def aggregates(cls, transfers: QuerySet, period: Period) -> dict[str, Reader]:
        """Transfers started in the period: in total, and per direction (provider and recipient)."""
        in_period = transfers.filter(period.dates("started_on"))
        # Names must not shadow field names: a later Sum("hours") would then mean the name.
        figures = {
            "count": rows(),
            "all_hours": Sum("hours", default=0),
            "all_participants": Sum("participants", default=0),
        }
        return {
            "transfers": Aggregates(in_period, figures),
            "transfers_per_direction": Grouped(in_period, {"from_id": F("provider"), "to_id": F("recipient")}, figures),
        }

    @classmethod
    def from_values(cls, values: dict, parties: list[Organization]) -> TransferFigures:
        """The totals, and a flow between every two parties (in both directions, empty ones too)."""
        directions = values["transfers_per_direction"]
        none = {"count": 0, "all_hours": 0, "all_participants": 0}
        flows = []
        for provider, recipient in permutations(parties, 2):
            direction = directions.get((provider.pk, recipient.pk), none)
            flows.append(
                Flow(
                    provider=provider,
                    recipient=recipient,
                    count=direction["count"],
                    hours=_decimal(direction["all_hours"]),
                    participants=direction["all_participants"],
                )
            )
        total = values["transfers"]
        return cls(
            count=total["count"],
            hours=_decimal(total["all_hours"]),
            participants=total["all_participants"],
            flows=flows,
        )


def transfer_figures(transfers: QuerySet, period: Period, parties: list[Organization]) -> TransferFigures:
    """Transfers started in the period: in total, and per direction between every two parties (one query)."""
    return TransferFigures.from_values(read_aggregates(**TransferFigures.aggregates(transfers, period)), parties)


@dataclass(frozen=True)
class AdoptionFigures:
    count: int
    in_use: int

    @classmethod
    def aggregates(cls, adoptions: QuerySet, period: Period) -> Aggregates:
        """Product adoptions dated in the period, and how many of them are in use."""
        return Aggregates(
            adoptions.filter(period.dates("adopted_on")),
            {"count": rows(), "in_use": rows(status=AdoptionStatus.IN_USE)},
        )

    @classmethod
    def from_values(cls, values: dict) -> AdoptionFigures:
        return cls(count=values["count"], in_use=values["in_use"])


class AmongIds(Func):
    """`field IN (ids)`, asked of PostgreSQL as `field = ANY(ARRAY(ids))`.

    For IN, the planner hashes the ids and scans the whole other table; given an array, it
    probes an index once per id instead. For the 1,900 transfers of a year among 30,000
    article links: 3.2 ms instead of 6.2 (a nested loop of index-only scans).
    """

    output_field = BooleanField()

    def __init__(self, field: str, ids: QuerySet):
        super().__init__(F(field), Subquery(ids))

    def as_sql(self, compiler, connection, template="%(field)s IN %(ids)s", **extra_context):
        field, ids = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        ids_sql, ids_params = compiler.compile(ids)  # "(SELECT …)"
        return template % {"field": field_sql, "ids": ids_sql}, (*field_params, *ids_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(field)s = ANY(ARRAY%(ids)s)", **extra_context)


def _links_per_article(records: QuerySet, leaving_out: QuerySet | None = None) -> Grouped:
    """How many of `records` serve each article: one pass over the records' article links.

    `leaving_out` names records not to count. Unfiltered records need no join at all, and
    leaving a few records out (an anti-join on a small hashed list) is cheaper than joining
    the many that stay in: 4.4 ms instead of 7.2 for the projects of the scale data.
    """
    model = records.model
    links = model._meta.get_field("articles").remote_field.through.objects.all()
    record = model._meta.model_name
    if records.query.has_filters():
        links = links.filter(AmongIds(record, records.order_by().values("pk")))
    if leaving_out is not None:
        links = links.exclude(**{f"{record}__in": leaving_out.order_by().values("pk")})
    return Grouped(links, {"article": F("protocolarticle")}, {"count": rows()})


def coverage_aggregates(scope: Scope) -> dict[str, Grouped]:
    """Per article: projects serving it (cancelled ones left out), and events and transfers of the period.

    Under the scope's organization; the scope's article filter does not apply, since coverage
    compares the articles.
    """
    everywhere = Scope(period=scope.period, organization=scope.organization)
    return {
        "projects_per_article": _links_per_article(
            everywhere.projects(), leaving_out=Project.objects.filter(status=ProjectStatus.CANCELLED)
        ),
        "events_per_article": _links_per_article(everywhere.events().filter(scope.period.moments("starts_at"))),
        "transfers_per_article": _links_per_article(everywhere.transfers().filter(scope.period.dates("started_on"))),
    }


def coverage_from_values(values: dict[str, dict], articles: list[ProtocolArticle]) -> list[ProtocolArticle]:
    """Copies of `articles` with `project_count`, `event_count` and `transfer_count`."""
    none = {"count": 0}
    covered = []
    for article in articles:
        article = copy(article)
        article.project_count = values["projects_per_article"].get(article.pk, none)["count"]
        article.event_count = values["events_per_article"].get(article.pk, none)["count"]
        article.transfer_count = values["transfers_per_article"].get(article.pk, none)["count"]
        covered.append(article)
    return covered


def article_coverage(scope: Scope, articles: list[ProtocolArticle] | None = None) -> list[ProtocolArticle]:
    """Every article with `project_count`, `event_count` and `transfer_count` (see coverage_aggregates).

    One query, and one more to load the articles unless they are given.
    """
    articles = dashboard_articles() if articles is None else articles
    return coverage_from_values(read_aggregates(**coverage_aggregates(scope)), articles)


def overdue_in_scope(projects: QuerySet, today: date) -> QuerySet:
    """Overdue milestones of projects still open, the longest overdue first."""
    return Milestone.objects.overdue(today).filter(project__in=projects.open()).order_by("due_on", "pk")


# The orders of the dashboard's two lists of projects.
WORST_FIRST = [Case(When(health=Health.OFF_TRACK, then=Value(0)), default=Value(1)), F("code").asc()]
LONGEST_SILENT_FIRST = [F("last_update_on").asc(nulls_first=True), F("code").asc()]


# What the dashboard's lists show of each row (Rows).
LISTED_PROJECT = [
    "pk",
    "code",
    "title",
    "health",
    "percent_complete",
    "last_update_on",
    "lead_organization__pk",
    "lead_organization__short_name",
    "lead_organization__name",
]
LISTED_MILESTONE = ["pk", "title", "due_on", "project__pk", "project__code"]


def attention_rows(projects: QuerySet, today: date, limit: int) -> dict[str, Rows]:
    """The first `limit` active projects at risk or off track (off track first), the first
    `limit` due an update (never-updated first), and the first `limit` overdue milestones of
    open projects (the longest overdue first), to read next to other aggregates.

    Each list of projects picks its ids in an index (a LIMITed subquery, AmongIds), then
    reads those few rows with their lead organization.
    """
    at_risk = projects.active().filter(health__in=RISKY).order_by(*WORST_FIRST).values("pk")[:limit]
    update_due = projects.update_due(today).order_by(*LONGEST_SILENT_FIRST).values("pk")[:limit]
    return {
        "at_risk_list": Rows(
            Project.objects.filter(AmongIds("id", at_risk)).order_by(*WORST_FIRST), LISTED_PROJECT, limit
        ),
        "update_due_list": Rows(
            Project.objects.filter(AmongIds("id", update_due)).order_by(*LONGEST_SILENT_FIRST), LISTED_PROJECT, limit
        ),
        "overdue_list": Rows(overdue_in_scope(projects, today), LISTED_MILESTONE, limit),
    }


def overdue_milestones(projects: QuerySet, today: date, limit: int) -> Listing:
    """Overdue milestones of projects still open, the longest overdue first."""
    return listing(overdue_in_scope(projects, today).select_related("project"), limit)


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

    def valid_until(self) -> datetime:
        """When these figures go stale by the clock alone, with no write: at the next local
        midnight (overdue, update due, the months), or when the first of the next events ends."""
        moments = [local_midnight(date.fromordinal(self.today.toordinal() + 1))]
        moments += [event.ends_at for event in self.next_events if event.ends_at is not None]
        return min(moments)


def _pk(instance):
    return None if instance is None else instance.pk


def dashboard_figures(
    scope: Scope,
    *,
    parties: list[Organization],
    today: date,
    now: datetime,
    list_length: int = 8,
    articles: list[ProtocolArticle] | None = None,
) -> DashboardFigures:
    """Everything the dashboard shows, in four queries whatever the amount of data.

    1–3. the aggregates and the lists, as scalar subqueries of three statements: the
       projects' counts with the period's events, transfers and adoptions; the coverage
       (projects, events and transfers per article); the monthly progress with the lists of
       projects at risk, projects due an update and overdue milestones. 4. the next events.
       Five with `articles` not given. On ten years of data each statement takes 2–7 ms
       (EXPLAIN ANALYZE, TIMING OFF); one statement with a FILTER per value took 16–24 ms.

    The statements' SQL is compiled once per filter and day in each process (read_statement);
    the figures are read afresh on every call. The trend charts cover the 12 months that end
    with the period (or with this month, when the period has not ended yet).
    """
    articles = dashboard_articles() if articles is None else articles
    months = months_ending(min(scope.period.end, today))

    def counts():
        projects = scope.projects()
        return {
            "projects": ProjectFigures.grouped(projects),
            "update_due": Aggregates(projects.update_due(today), {"count": rows()}),
            "overdue": Aggregates(overdue_in_scope(projects, today), {"count": rows()}),
            "adoptions": AdoptionFigures.aggregates(scope.adoptions(), scope.period),
            **EventFigures.aggregates(scope.events(), scope.period, months),
            **TransferFigures.aggregates(scope.transfers(), scope.period),
        }

    def progress_and_lists():
        projects = scope.projects()
        return {"progress": progress_per_month(projects, months), **attention_rows(projects, today, list_length)}

    # Everything the statements' SQL depends on (the months follow from the period and today).
    key = (
        "dashboard",
        scope.period,
        _pk(scope.organization),
        _pk(scope.article),
        today,
        list_length,
        settings.KOPRU_UPDATE_DUE_DAYS,
    )
    values = (
        read_statement((*key, "counts"), counts)
        | read_statement((*key, "coverage"), lambda: coverage_aggregates(scope))
        | read_statement((*key, "progress and lists"), progress_and_lists)
    )
    project_counts = ProjectFigures.from_groups(values["projects"], values["update_due"])
    return DashboardFigures(
        months=months,
        projects=project_counts,
        progress=progress_from_groups(values["progress"], months),
        events=EventFigures.from_values(values, months),
        transfers=TransferFigures.from_values(values, parties),
        adoptions=AdoptionFigures.from_values(values["adoptions"]),
        coverage=coverage_from_values(values, articles),
        at_risk=Listing(items=values["at_risk_list"], total=project_counts.at_risk),
        overdue=Listing(items=values["overdue_list"], total=values["overdue"]["count"]),
        update_due=Listing(items=values["update_due_list"], total=project_counts.update_due),
        next_events=next_events(scope.events(), now, list_length),
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


def _both(current: Period, previous: Period, name: str, build) -> dict:
    """The same aggregate for the period and for the previous one, as `<name>_now` / `<name>_before`."""
    return {f"{name}_now": build(current), f"{name}_before": build(previous)}


def key_figures(period: Period) -> list[KeyFigure]:
    """The report's key figures for the period and the previous one (one query: an aggregate
    per model, each a scalar subquery of the same statement)."""
    previous = period.previous()
    completed = Q(status=ProjectStatus.COMPLETED)
    values = read_aggregates(
        projects=Aggregates(
            Project.objects.all(),
            {
                **_both(period, previous, "started", lambda p: rows(p.dates("actual_start"))),
                **_both(period, previous, "completed", lambda p: rows(completed & p.dates("actual_end"))),
            },
        ),
        updates=Aggregates(
            ProgressUpdate.objects.filter(previous.dates("reported_on") | period.dates("reported_on")),
            _both(
                period,
                previous,
                "progressed",
                lambda p: Count("project", distinct=True, filter=p.dates("reported_on")),
            ),
        ),
        milestones=Aggregates(
            Milestone.objects.filter(previous.dates("completed_on") | period.dates("completed_on")),
            _both(period, previous, "milestones", lambda p: rows(p.dates("completed_on"))),
        ),
        events=Aggregates(
            Event.objects.filter(previous.moments("starts_at") | period.moments("starts_at")),
            {
                **_both(period, previous, "events", lambda p: rows(p.moments("starts_at"))),
                **_both(
                    period,
                    previous,
                    "participants",
                    lambda p: Sum(participants_of_event(), filter=p.moments("starts_at"), default=0),
                ),
            },
        ),
        transfers=Aggregates(
            KnowHowTransfer.objects.filter(previous.dates("started_on") | period.dates("started_on")),
            {
                **_both(period, previous, "transfers", lambda p: rows(p.dates("started_on"))),
                **_both(period, previous, "hours", lambda p: Sum("hours", filter=p.dates("started_on"), default=0)),
                **_both(
                    period, previous, "trainees", lambda p: Sum("participants", filter=p.dates("started_on"), default=0)
                ),
            },
        ),
        adoptions=Aggregates(
            ProductAdoption.objects.filter(previous.dates("adopted_on") | period.dates("adopted_on")),
            _both(period, previous, "adoptions", lambda p: rows(p.dates("adopted_on"))),
        ),
    )
    row = {key: value for figures in values.values() for key, value in figures.items()}
    row |= {key: _decimal(row[key]) for key in ("hours_now", "hours_before")}
    labels = {
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
    return [
        KeyFigure(key=key, label=label, current=row[f"{key}_now"], previous=row[f"{key}_before"])
        for key, label in labels.items()
    ]


def _progressed_in(period: Period) -> Exists:
    return Exists(ProgressUpdate.objects.filter(period.dates("reported_on"), project=OuterRef("pk")))


def delivered_by_article(period: Period) -> list[ProtocolArticle]:
    """Every article with what was delivered for it in the period (one query).

    Annotated: `started`, `progressed`, `completed` (projects), `milestones_reached`,
    `events_held`, `transfers_made`.
    """
    serving = Project.objects.filter(articles=OuterRef("pk"))
    return list(
        ProtocolArticle.objects.select_related("protocol")
        .annotate(
            started=count_of(serving.filter(period.dates("actual_start"))),
            progressed=count_of(serving.filter(_progressed_in(period))),
            completed=count_of(serving.filter(period.dates("actual_end"), status=ProjectStatus.COMPLETED)),
            milestones_reached=count_of(
                Milestone.objects.filter(period.dates("completed_on"), project__articles=OuterRef("pk"))
            ),
            events_held=count_of(Event.objects.filter(period.moments("starts_at"), articles=OuterRef("pk"))),
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
    """Milestones completed in the period (two queries)."""
    return (
        Milestone.objects.filter(period.dates("completed_on"))
        .select_related("project")
        .prefetch_related("project__articles")
        .order_by("completed_on", "pk")
    )


def events_held(period: Period) -> QuerySet:
    """Events that started in the period, and have started by now, with `participants` (actual, else planned).

    Three queries. A period that reaches into the future holds events yet to come: those are not "held".
    """
    return (
        Event.objects.filter(period.moments("starts_at"), starts_at__lte=timezone.now())
        .annotate(participants=participants_of_event())
        .prefetch_related("organizers", "articles")
        .order_by("starts_at", "pk")
    )


def transfers_made(period: Period) -> QuerySet:
    """Know-how transfers that started in the period (two queries)."""
    return (
        KnowHowTransfer.objects.filter(period.dates("started_on"))
        .select_related("provider", "recipient")
        .prefetch_related("articles")
        .order_by("started_on", "pk")
    )
