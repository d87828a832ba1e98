"""The periodic protocol report: what each article delivered in a quarter or a year, and its XLSX file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.exports import spreadsheet_row
from dashboard.queries import (
    KeyFigure,
    Period,
    delivered_by_article,
    events_of,
    milestones_reached,
    projects_delivered,
    report_figures,
    transfers_made,
)
from events.models import Event
from partnership.models import Protocol, ProtocolArticle
from projects.choices import ConfirmationState
from projects.models import Milestone, Project
from transfers.models import KnowHowTransfer

AWAITING = ConfirmationState.AWAITING
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Report:
    """Everything the report page and its XLSX show for one period (a fixed number of queries)."""

    period: Period
    key_figures: list[KeyFigure]
    articles: list[ProtocolArticle]
    projects: list[Project]
    milestones: list[Milestone]  # delivered: confirmed by the other side, or needing no second key
    awaiting_milestones: list[Milestone]  # completed in the period, the other side's confirmation awaited
    events: list[Event]  # held: ended by the time the report was made
    planned_events: list[Event]  # the period's other events, not ended yet
    transfers: list[KnowHowTransfer]
    # The standing baselines of the periods `build_report` was asked about (dashboard/baselines.py).
    baseline_ids: dict[str, int | None] = field(default_factory=dict)

    @property
    def previous(self) -> Period:
        return self.period.previous()

    @property
    def protocol(self) -> Protocol | None:
        return self.articles[0].protocol if self.articles else None


def build_report(period: Period, baselines: dict[str, Period] | None = None) -> Report:
    """The report of `period`; with `baselines` ({name: period}), also whether those were closed
    (read in the key figures' query)."""
    now = timezone.now()
    figures, baseline_ids = report_figures(period, now, baselines)
    events = list(events_of(period, now))
    milestones = list(milestones_reached(period))  # by completion date: the longest waiting first
    return Report(
        period=period,
        key_figures=figures,
        articles=delivered_by_article(period, now),
        projects=list(projects_delivered(period)),
        milestones=[milestone for milestone in milestones if milestone.confirmation_state != AWAITING],
        awaiting_milestones=[milestone for milestone in milestones if milestone.confirmation_state == AWAITING],
        events=[event for event in events if event.held],
        planned_events=[event for event in events if not event.held],
        transfers=list(transfers_made(period)),
        baseline_ids=baseline_ids,
    )


def report_filename(period: Period) -> str:
    return f"kopru-report-{period.slug}.xlsx"


# --- XLSX -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation, rendered in the language active when the file is built
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: int = 14


def article_numbers(articles: Iterable[ProtocolArticle]) -> str:
    return ", ".join(str(article.number) for article in articles)


def local(moment: datetime | None) -> datetime | None:
    """Excel knows no time zones: write Istanbul wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


SUMMARY_COLUMNS = [
    # The period columns' headers are the periods themselves; see `summary_columns`.
    Column(_("Figure"), lambda figure: str(figure.label), width=34),
]

ARTICLE_COLUMNS = [
    Column(_("Article"), lambda article: article.number, "0", 9),
    Column(_("Title"), lambda article: article.title, width=40),
    Column(_("Projects started"), lambda article: article.started, "0"),
    Column(_("Projects progressed"), lambda article: article.progressed, "0"),
    Column(_("Projects completed"), lambda article: article.completed, "0"),
    Column(_("Milestones reached"), lambda article: article.milestones_reached, "0"),
    Column(_("Events held"), lambda article: article.events_held, "0"),
    Column(_("Transfers made"), lambda article: article.transfers_made, "0"),
]

PROJECT_COLUMNS = [
    Column(_("Code"), lambda project: project.code, width=12),
    Column(_("Title"), lambda project: project.title, width=40),
    Column(_("Lead organization"), lambda project: str(project.lead_organization), width=20),
    Column(_("Status"), lambda project: str(project.get_status_display())),
    Column(_("Actual start"), lambda project: project.actual_start, DATE_FORMAT, 12),
    Column(_("Actual end"), lambda project: project.actual_end, DATE_FORMAT, 12),
    Column(_("Started in period"), lambda project: project.started_in_period),
    Column(_("Progressed in period"), lambda project: project.progressed_in_period),
    Column(_("Completed in period"), lambda project: project.completed_in_period),
    Column(_("Progress updates in period"), lambda project: project.updates_in_period, "0"),
    Column(_("Latest percent complete"), lambda project: project.percent_in_period, "0"),
    Column(_("Protocol articles"), lambda project: article_numbers(project.articles.all())),
]

MILESTONE_COLUMNS = [
    Column(_("Project code"), lambda milestone: milestone.project.code, width=12),
    Column(_("Project"), lambda milestone: milestone.project.title, width=36),
    Column(_("Milestone"), lambda milestone: milestone.title, width=36),
    Column(_("Due date"), lambda milestone: milestone.due_on, DATE_FORMAT, 12),
    Column(_("Completed on"), lambda milestone: milestone.completed_on, DATE_FORMAT, 12),
    Column(_("Deliverable"), lambda milestone: milestone.deliverable, width=30),
    Column(_("Protocol articles"), lambda milestone: article_numbers(milestone.project.articles.all())),
    Column(_("Completed by"), lambda milestone: str(milestone.completed_by_organization or ""), width=18),
    Column(_("Confirmation"), lambda milestone: str(milestone.get_confirmation_state_display()), width=20),
]

EVENT_COLUMNS = [
    Column(_("Starts at"), lambda event: local(event.starts_at), DATETIME_FORMAT, 17),
    Column(_("Ends at"), lambda event: local(event.ends_at), DATETIME_FORMAT, 17),
    Column(_("Title"), lambda event: event.title, width=40),
    Column(_("Kind"), lambda event: str(event.get_kind_display())),
    Column(_("City"), lambda event: event.city),
    Column(_("Venue"), lambda event: event.venue, width=24),
    Column(_("Online"), lambda event: event.is_online),
    Column(_("Organizers"), lambda event: ", ".join(str(org) for org in event.organizers.all()), width=28),
    Column(_("Planned participants"), lambda event: event.planned_participants, "0"),
    Column(_("Actual participants"), lambda event: event.actual_participants, "0"),
    Column(_("Protocol articles"), lambda event: article_numbers(event.articles.all())),
    Column(_("Held"), lambda event: event.held),
]

TRANSFER_COLUMNS = [
    Column(_("Start date"), lambda transfer: transfer.started_on, DATE_FORMAT, 12),
    Column(_("End date"), lambda transfer: transfer.ended_on, DATE_FORMAT, 12),
    Column(_("Title"), lambda transfer: transfer.title, width=40),
    Column(_("Provider"), lambda transfer: str(transfer.provider), width=18),
    Column(_("Recipient"), lambda transfer: str(transfer.recipient), width=18),
    Column(_("Kind"), lambda transfer: str(transfer.get_kind_display()), width=18),
    Column(_("Hours"), lambda transfer: transfer.hours, "0.0", 10),
    Column(_("Participants"), lambda transfer: transfer.participants, "0"),
    Column(_("Recipient's rating"), lambda transfer: transfer.recipient_rating, "0"),
    Column(_("Protocol articles"), lambda transfer: article_numbers(transfer.articles.all())),
    Column(_("Confirmed by the recipient"), lambda transfer: transfer.is_confirmed),
    Column(_("Hours seen by the recipient"), lambda transfer: transfer.confirmed_hours, "0.0", 10),
    Column(_("Participants seen by the recipient"), lambda transfer: transfer.confirmed_participants, "0"),
]


def summary_columns(report: Report) -> list[Column]:
    return [
        *SUMMARY_COLUMNS,
        Column(report.period.label, lambda figure: figure.current, width=16),
        Column(report.previous.label, lambda figure: figure.previous, width=16),
        Column(_("Difference"), lambda figure: figure.difference, width=14),
    ]


def write_sheet(workbook: Workbook, title, columns: list[Column], rows: Iterable) -> None:
    """One header row in the reader's language, then one row per record with typed cells."""
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([str(column.header) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(spreadsheet_row(sheet, [column.value(row) for column in columns]))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def report_workbook(report: Report) -> bytes:
    """The report as an XLSX file: one sheet per section."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(workbook, _("Summary"), summary_columns(report), report.key_figures)
    write_sheet(workbook, _("Articles"), ARTICLE_COLUMNS, report.articles)
    write_sheet(workbook, _("Projects"), PROJECT_COLUMNS, report.projects)
    # Delivered milestones first, as the summary counts them; those awaiting confirmation after, marked.
    write_sheet(workbook, _("Milestones"), MILESTONE_COLUMNS, [*report.milestones, *report.awaiting_milestones])
    # Held events first, as the summary counts them; the planned ones after, marked as not held.
    write_sheet(workbook, _("Events"), EVENT_COLUMNS, [*report.events, *report.planned_events])
    write_sheet(workbook, _("Transfers"), TRANSFER_COLUMNS, report.transfers)
    workbook.properties.title = _gettext("Köprü protocol report, %(period)s") % {"period": report.period.label}
    workbook.properties.creator = "Köprü"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
