"""A closed period's report as JSON, and back: the frozen report page, its XLSX and the comparisons.

The snapshot holds what the report shows, section by section, as the XLSX has it: each row a JSON
object keyed by the column's English header, values as JSON can hold them (dates as ISO text, hours
as decimal text), written in Turkish, the protocol's language. Headers and figure labels are
translated when read, so a frozen report reads in the reader's language with the values it had.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from django.conf import settings
from django.db.models import CharField, F, Q, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from core.history import ACTIONS
from dashboard.queries import KEY_FIGURE_LABELS, KeyFigure, Period
from dashboard.reports import (
    ARTICLE_COLUMNS,
    DATE_FORMAT,
    DATETIME_FORMAT,
    EVENT_COLUMNS,
    MILESTONE_COLUMNS,
    PROJECT_COLUMNS,
    TRANSFER_COLUMNS,
    Column,
    Report,
    summary_columns,
    write_sheet,
)
from events.models import Event
from projects.models import Milestone, ProgressUpdate, Project
from transfers.models import KnowHowTransfer

# 2: each row of the projects, milestones, events and transfers also holds its record's "id"
# (what `changes_since` follows); a format-1 snapshot reads the same without it.
SNAPSHOT_FORMAT = 2
# The report's sections in the order of its page and its XLSX sheets.
SECTIONS = {
    "articles": (_("Articles"), ARTICLE_COLUMNS),
    "projects": (_("Projects"), PROJECT_COLUMNS),
    "milestones": (_("Milestones"), MILESTONE_COLUMNS),
    "events": (_("Events"), EVENT_COLUMNS),
    "transfers": (_("Transfers"), TRANSFER_COLUMNS),
}


def column_key(column: Column) -> str:
    with translation.override("en"):
        return str(column.header)


def encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(value: Any, number_format: str | None) -> Any:
    """A snapshot's value as the cell it was: a date, a moment, a decimal, or as stored."""
    if value is None or not isinstance(value, str):
        return value
    if number_format == DATE_FORMAT:
        return date.fromisoformat(value)
    if number_format == DATETIME_FORMAT:
        return datetime.fromisoformat(value)
    if number_format == "0.0":
        return Decimal(value)
    return value


def section_rows(report: Report) -> dict[str, list]:
    return {
        "articles": report.articles,
        "projects": report.projects,
        "milestones": [*report.milestones, *report.awaiting_milestones],
        "events": [*report.events, *report.planned_events],
        "transfers": report.transfers,
    }


def report_snapshot(report: Report) -> dict:
    """The report as plain JSON: its key figures, and every section's rows as the XLSX has them."""
    with translation.override(settings.LANGUAGE_CODE):
        sections = {
            name: [
                {
                    **({"id": row.pk} if name in CHANGE_SOURCES else {}),
                    **{column_key(column): encode(column.value(row)) for column in SECTIONS[name][1]},
                }
                for row in rows
            ]
            for name, rows in section_rows(report).items()
        }
    return {
        "format": SNAPSHOT_FORMAT,
        "period": {"year": report.period.year, "quarter": report.period.quarter},
        "language": settings.LANGUAGE_CODE,
        "figures": {
            figure.key: {"current": encode(figure.current), "previous": encode(figure.previous)}
            for figure in report.key_figures
        },
        "sections": sections,
    }


def figure_value(value):
    """A figure read back: hours are decimals, the rest counts."""
    return Decimal(value) if isinstance(value, str) else value


def snapshot_figures(snapshot: dict) -> list[KeyFigure]:
    return [
        KeyFigure(
            key=key,
            label=KEY_FIGURE_LABELS.get(key, key),
            current=figure_value(values["current"]),
            previous=figure_value(values["previous"]),
        )
        for key, values in snapshot["figures"].items()
    ]


@dataclass
class FrozenSection:
    name: str
    title: str
    headers: list[str]
    rows: list[list]


def frozen_sections(snapshot: dict) -> list[FrozenSection]:
    """Each section's headers in the reader's language and its stored rows, as the page shows them."""
    sections = []
    for name, (title, columns) in SECTIONS.items():
        keys = [column_key(column) for column in columns]
        rows = [
            [decode(row.get(key), column.number_format) for key, column in zip(keys, columns, strict=True)]
            for row in snapshot["sections"].get(name, [])
        ]
        sections.append(FrozenSection(name, str(title), [str(column.header) for column in columns], rows))
    return sections


def frozen_workbook(baseline) -> bytes:
    """The XLSX of a closed period, from its snapshot alone: the same bytes at every download (in one
    language), since even the workbook's timestamps are the moment the period was closed."""
    snapshot = baseline.snapshot
    period = Period(snapshot["period"]["year"], snapshot["period"]["quarter"])
    workbook = Workbook()
    workbook.remove(workbook.active)
    figures = snapshot_figures(snapshot)
    summary = Report(period, figures, [], [], [], [], [], [], [])
    write_sheet(workbook, _("Summary"), summary_columns(summary), figures)
    for section in frozen_sections(snapshot):
        _title, columns = SECTIONS[section.name]
        by_position = [
            Column(column.header, lambda row, index=index: row[index], column.number_format, column.width)
            for index, column in enumerate(columns)
        ]
        write_sheet(workbook, section.title, by_position, section.rows)
    workbook.properties.title = _gettext("Köprü protocol report, %(period)s") % {"period": period.label}
    workbook.properties.creator = "Köprü"
    closed_at = timezone.localtime(baseline.closed_at).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = closed_at
    workbook.properties.modified = closed_at
    # Workbook.save() would stamp `modified` with the time of the download, and the zip stamps each
    # part with it too: written through openpyxl's ExcelWriter, then each part dated when closed.
    written = BytesIO()
    ExcelWriter(workbook, ZipFile(written, "w", ZIP_DEFLATED, allowZip64=True)).save()
    buffer = BytesIO()
    with ZipFile(written) as parts, ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        for part in parts.infolist():
            archive.writestr(
                ZipInfo(part.filename, date_time=closed_at.timetuple()[:6]), parts.read(part), ZIP_DEFLATED
            )
    return buffer.getvalue()


# --- comparison -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure against a baseline's: the baseline's value, the change and its direction."""

    baseline: Any
    change: Any

    @property
    def direction(self) -> str:
        if self.change > 0:
            return "up"
        return "down" if self.change < 0 else "same"


@dataclass(frozen=True)
class ComparedFigure:
    key: str
    label: Any
    current: Any
    against_previous: Change | None
    against_year_before: Change | None


def compare(figures: list[KeyFigure], previous: dict | None, year_before: dict | None) -> list[ComparedFigure]:
    """Each figure against the previous period's baseline and the same period's a year earlier (None:
    that period was never closed)."""

    def against(snapshot, figure):
        if snapshot is None or figure.key not in snapshot["figures"]:
            return None
        baseline = figure_value(snapshot["figures"][figure.key]["current"])
        return Change(baseline=baseline, change=figure.current - baseline)

    return [
        ComparedFigure(
            key=figure.key,
            label=figure.label,
            current=figure.current,
            against_previous=against(previous, figure),
            against_year_before=against(year_before, figure),
        )
        for figure in figures
    ]


def year_before(period: Period) -> Period:
    return Period(period.year - 1, period.quarter)


# --- what changed since a baseline was taken -----------------------------------------------------------

CHANGES_SHOWN = 50


@dataclass(frozen=True)
class ChangeSource:
    """A record type the report reads: its model, the fields that put a record in a period, the
    field that names it, and the project whose page shows it (its own id for a project)."""

    label: Any
    model: type
    date_fields: tuple[str, ...]
    name_field: str
    project_field: str
    moments: bool = False  # datetime fields: the period is read in Istanbul time

    def in_period(self, period: Period) -> Q:
        within = period.moments if self.moments else period.dates
        return reduce(operator.or_, (within(name) for name in self.date_fields))


SOURCES = {
    "projects": ChangeSource(_("Project"), Project, ("actual_start", "actual_end"), "code", "id"),
    "milestones": ChangeSource(_("Milestone"), Milestone, ("completed_on",), "title", "project_id"),
    "updates": ChangeSource(_("Progress update"), ProgressUpdate, ("reported_on",), "project__code", "project_id"),
    "events": ChangeSource(_("Event"), Event, ("starts_at",), "title", "id", moments=True),
    "transfers": ChangeSource(_("Transfer"), KnowHowTransfer, ("started_on",), "title", "id"),
}
# The snapshot's sections whose rows hold their record's id (report_snapshot): those of a SOURCES kind.
CHANGE_SOURCES = SOURCES.keys() & SECTIONS.keys()


@dataclass(frozen=True)
class RecordChange:
    """One history record written after a baseline was taken, of a record its report reads."""

    record_kind: str
    record_pk: int
    project_pk: int
    record_name: str
    changed_at: datetime
    action: str
    changed_by: str | None  # the username, and the person's names as the pages show them
    changed_by_first_name: str | None
    changed_by_last_name: str | None

    @property
    def changed_by_label(self) -> str | None:
        full = f"{self.changed_by_first_name or ''} {self.changed_by_last_name or ''}".strip()
        return full or self.changed_by

    @property
    def kind_label(self) -> str:
        return str(SOURCES[self.record_kind].label)

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))

    @property
    def url(self) -> str | None:
        """Where the record is shown; none for a deleted one."""
        if self.action == "-":
            return None
        if self.record_kind == "events":
            return reverse("events:event_detail", args=[self.record_pk])
        if self.record_kind == "transfers":
            return reverse("transfers:knowhowtransfer_detail", args=[self.record_pk])
        anchor = f"#milestone-{self.record_pk}" if self.record_kind == "milestones" else ""
        return reverse("projects:project_detail", args=[self.project_pk]) + anchor


def baseline_changes(baseline) -> list[RecordChange]:
    """What was written, after `baseline` was taken, to the records its report reads: the newest
    `CHANGES_SHOWN` history records, in one query (a UNION of the history tables).

    A record counts when the snapshot lists it (so one since moved out of the period shows), or
    when its history record puts it in the period (so one added or moved into it shows). Only what
    the history keeps counts: a write that leaves no history record (a bulk load) does not show.
    """
    snapshot = baseline.snapshot
    period = Period(snapshot["period"]["year"], snapshot["period"]["quarter"] or None)
    parts = []
    for kind, source in SOURCES.items():
        listed = [row["id"] for row in snapshot["sections"].get(kind, []) if "id" in row]
        history = source.model.history.filter(
            Q(id__in=listed) | source.in_period(period), history_date__gt=baseline.closed_at
        )
        parts.append(
            history.order_by().values(
                record_kind=Value(kind, output_field=CharField()),
                record_pk=F("id"),
                project_pk=F(source.project_field),
                record_name=F(source.name_field),
                changed_at=F("history_date"),
                action=F("history_type"),
                changed_by=F("history_user__username"),
                changed_by_first_name=F("history_user__first_name"),
                changed_by_last_name=F("history_user__last_name"),
            )
        )
    first, *rest = parts
    rows = first.union(*rest, all=True).order_by("-changed_at", "-record_pk")[:CHANGES_SHOWN]
    return [RecordChange(**row) for row in rows]
