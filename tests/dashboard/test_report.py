"""The periodic protocol report: access, what it counts per article, the comparison, print and XLSX."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from dashboard.queries import Period
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
)

pytestmark = pytest.mark.django_db

URL = "/reports/"
XLSX_URL = "/reports/report.xlsx"
ISTANBUL = ZoneInfo("Europe/Istanbul")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The session and the user (2), the key figures (1: an aggregate per model, in one statement), the per-article
# counts (1), and the four lists with their related rows: projects + articles (2),
# milestones + their projects' articles (2), events + organizers + articles (3),
# transfers + articles (2).
REPORT_QUERIES = 13

YEAR = timezone.localdate().year - 1


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ISTANBUL)


@pytest.fixture
def delivered(izmir_teknoloji, isbak):
    """Known work in the second quarter of last year, and some in the first quarter before it."""
    protocol = ProtocolFactory(title="İş birliği Protokolü", number="IZT-ISBAK-1")
    first = ProtocolArticleFactory(protocol=protocol, number=1, title="Ortak etkinlikler")
    second = ProtocolArticleFactory(protocol=protocol, number=2, title="Know-how transferi")

    started = ProjectFactory(code="P1", actual_start=date(YEAR, 4, 10))
    started.articles.set([first])
    finished = ProjectFactory(
        code="P2", status="completed", actual_start=date(YEAR, 1, 5), actual_end=date(YEAR, 6, 20)
    )
    finished.articles.set([first, second])
    ProgressUpdateFactory(project=finished, reported_on=date(YEAR, 5, 3), percent_complete=90)
    ProgressUpdateFactory(project=finished, reported_on=date(YEAR, 6, 20), percent_complete=100)
    earlier = ProjectFactory(code="P3", actual_start=date(YEAR, 2, 1))
    earlier.articles.set([second])
    ProgressUpdateFactory(project=earlier, reported_on=date(YEAR, 3, 1), percent_complete=10)
    ProjectFactory(code="P4", actual_start=date(YEAR, 5, 1))  # serves no article
    halted = ProjectFactory(
        code="P5", status="on_hold", actual_start=date(YEAR - 1, 6, 1), actual_end=date(YEAR, 5, 20)
    )
    halted.articles.set([first])  # ended in the quarter, but not completed

    MilestoneFactory(project=started, title="Kurulum", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 10))
    MilestoneFactory(project=finished, title="Analiz", due_on=date(YEAR, 3, 1), completed_on=date(YEAR, 3, 1))
    MilestoneFactory(project=earlier, title="Açık", due_on=date(YEAR, 5, 1))

    workshop = EventFactory(title="Çalıştay", starts_at=at(date(YEAR, 4, 15)), actual_participants=30)
    workshop.articles.set([first])
    late_night = EventFactory(
        title="Gece oturumu", starts_at=at(date(YEAR, 6, 30), 23), planned_participants=20, actual_participants=None
    )
    late_night.articles.set([first, second])
    EventFactory(title="Kış toplantısı", starts_at=at(date(YEAR, 3, 20)), actual_participants=10).articles.set([second])

    KnowHowTransferFactory(
        title="Sinyal eğitimi",
        provider=izmir_teknoloji,
        recipient=isbak,
        started_on=date(YEAR, 5, 5),
        hours=Decimal("8.5"),
        participants=5,
    ).articles.set([second])
    KnowHowTransferFactory(
        provider=isbak, recipient=izmir_teknoloji, started_on=date(YEAR, 2, 1), hours=4, participants=2
    )

    ProductAdoptionFactory(adopted_on=date(YEAR, 6, 1))
    return {"first": first, "second": second}


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, XLSX_URL])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [URL, XLSX_URL])
@pytest.mark.parametrize("user", ["izmir_staff", "isbak_staff", "outsider"])
def test_staff_and_outsiders_may_not_see_the_report_or_download_it(client_for, request, user, url):
    assert client_for(request.getfixturevalue(user)).get(url).status_code == 403


@pytest.mark.parametrize("url", [URL, XLSX_URL])
@pytest.mark.parametrize("user", ["manager", "administrator"])
def test_managers_and_administrators_see_and_download_the_report(client_for, request, user, url):
    assert client_for(request.getfixturevalue(user)).get(url).status_code == 200


# --- what the report counts -----------------------------------------------------------------------


def test_each_article_shows_what_was_delivered_in_the_quarter(client_for, manager, delivered):
    response = client_for(manager).get(URL, {"year": YEAR, "quarter": 2})

    rows = {
        article.number: (
            article.started,
            article.progressed,
            article.completed,
            article.milestones_reached,
            article.events_held,
            article.transfers_made,
        )
        for article in response.context["report"].articles
    }
    assert rows == {1: (1, 1, 1, 1, 2, 0), 2: (0, 1, 1, 0, 1, 1)}
    html = response.content.decode()
    row = re.search(r'<tr data-article="1">.*?</tr>', html, re.S).group(0)
    assert [int(cell) for cell in re.findall(r'<td class="text-end">(\d+)</td>', row)] == [1, 1, 1, 1, 2, 0]


def test_the_report_lists_the_work_delivered_in_the_quarter(client_for, manager, delivered):
    report = client_for(manager).get(URL, {"year": YEAR, "quarter": 2}).context["report"]

    flags = {
        project.code: (project.started_in_period, project.progressed_in_period, project.completed_in_period)
        for project in report.projects
    }
    assert flags == {"P1": (True, False, False), "P2": (False, True, True), "P4": (True, False, False)}
    assert [project.percent_in_period for project in report.projects] == [None, 100, None]
    assert [milestone.title for milestone in report.milestones] == ["Kurulum"]
    assert [event.title for event in report.events] == ["Çalıştay", "Gece oturumu"]
    assert [event.participants for event in report.events] == [30, 20]
    assert [transfer.title for transfer in report.transfers] == ["Sinyal eğitimi"]


def test_key_figures_compare_the_quarter_with_the_one_before(client_for, manager, delivered):
    report = client_for(manager).get(URL, {"year": YEAR, "quarter": 2}).context["report"]

    assert report.previous == Period(YEAR, 1)
    figures = {figure.key: (figure.current, figure.previous, figure.difference) for figure in report.key_figures}
    assert figures == {
        "started": (2, 2, 0),
        "progressed": (1, 1, 0),
        "completed": (1, 0, 1),
        "milestones": (1, 1, 0),
        "events": (2, 1, 1),
        "participants": (50, 10, 40),
        "transfers": (1, 1, 0),
        "hours": (Decimal("8.5"), Decimal("4"), Decimal("4.5")),
        "trainees": (5, 2, 3),
        "adoptions": (1, 0, 1),
    }


def test_a_year_is_compared_with_the_year_before(client_for, manager, delivered):
    report = client_for(manager).get(URL, {"year": YEAR}).context["report"]

    assert (report.period, report.previous) == (Period(YEAR), Period(YEAR - 1))
    figures = {figure.key: (figure.current, figure.previous) for figure in report.key_figures}
    assert figures["started"] == (4, 1)  # P1–P4 started in the year, P5 the year before
    assert figures["events"] == (3, 0)


def test_the_first_quarter_is_compared_with_the_last_quarter_of_the_year_before(client_for, manager):
    report = client_for(manager).get(URL, {"year": YEAR, "quarter": 1}).context["report"]
    assert report.previous == Period(YEAR - 1, 4)


def test_the_report_shows_the_current_quarter_by_default(client_for, manager):
    response = client_for(manager).get(URL)
    assert response.context["report"].period == Period.quarter_of(timezone.localdate())


def test_a_bad_period_shows_errors_and_the_current_quarter(client_for, manager):
    response = client_for(manager).get(URL, {"year": "abc", "quarter": "9"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "quarter"}
    assert response.context["report"].period == Period.quarter_of(timezone.localdate())


# --- print ----------------------------------------------------------------------------------------


def test_the_report_is_laid_out_for_print_without_inline_code(client_for, manager, delivered):
    html = client_for(manager).get(URL, {"year": YEAR, "quarter": 2}).content.decode()

    assert html.count('class="report-section') == 6
    assert 'id="print-hint"' in html
    assert 'data-action="print"' in html
    assert re.search(r'<script src="/static/js/dashboard\.js">\s*</script>', html)
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes and not body.strip(), f"inline script: {attributes!r}"
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert f'href="{XLSX_URL}?year={YEAR}&amp;quarter=2"' in html


def test_the_print_stylesheet_breaks_pages_between_sections():
    with open(finders.find("css/kopru.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert ".report-section + .report-section { break-before: page; }" in css


# --- XLSX -----------------------------------------------------------------------------------------


def download(client, **query):
    response = client.get(XLSX_URL, query)
    assert response.status_code == 200
    return response, load_workbook(BytesIO(response.content))


def test_the_xlsx_is_named_for_the_period_and_has_a_sheet_per_section(client_for, manager, settings, delivered):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response, workbook = download(client, year=YEAR, quarter=2)

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="kopru-report-{YEAR}-Q2.xlsx"'
    assert workbook.sheetnames == ["Summary", "Articles", "Projects", "Milestones", "Events", "Transfers"]


def test_a_year_xlsx_is_named_for_the_year(client_for, manager):
    response, _workbook = download(client_for(manager), year=YEAR)
    assert response["Content-Disposition"] == f'attachment; filename="kopru-report-{YEAR}.xlsx"'


def test_the_xlsx_has_a_row_per_record_with_real_dates_and_numbers(client_for, manager, settings, delivered):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    _response, workbook = download(client, year=YEAR, quarter=2)

    def rows(title):
        sheet = workbook[title]
        header, *body = sheet.iter_rows(values_only=True)
        return [dict(zip(header, row, strict=True)) for row in body]

    summary = rows("Summary")
    assert len(summary) == 10
    assert summary[0] == {"Figure": "Projects started", f"{YEAR} Q2": 2, f"{YEAR} Q1": 2, "Difference": 0}
    assert [row["Article"] for row in rows("Articles")] == [1, 2]

    projects = rows("Projects")
    assert [row["Code"] for row in projects] == ["P1", "P2", "P4"]
    assert projects[0]["Actual start"] == datetime(YEAR, 4, 10)
    assert projects[1]["Completed in period"] is True
    assert projects[1]["Latest percent complete"] == 100
    assert projects[1]["Protocol articles"] == "1, 2"

    milestones = rows("Milestones")
    assert len(milestones) == 1
    assert milestones[0]["Completed on"] == datetime(YEAR, 5, 10)

    events = rows("Events")
    assert len(events) == 2
    assert events[1]["Starts at"] == datetime(YEAR, 6, 30, 23, 0)  # İstanbul wall-clock time
    assert events[1]["Planned participants"] == 20

    transfers = rows("Transfers")
    assert len(transfers) == 1
    assert transfers[0]["Start date"] == datetime(YEAR, 5, 5)
    assert transfers[0]["Hours"] == 8.5
    assert workbook["Transfers"]["A2"].number_format == "yyyy-mm-dd"


def test_xlsx_headers_are_in_the_readers_language(client_for, manager, delivered):
    _response, workbook = download(client_for(manager), year=YEAR, quarter=2)  # Turkish by default

    with translation.override("tr"):
        expected_sheet, expected_header = gettext("Projects"), gettext("Code")
    assert workbook.sheetnames[2] == expected_sheet
    assert workbook[expected_sheet]["A1"].value == expected_header


def test_a_bad_period_is_refused_for_the_xlsx(client_for, manager):
    response = client_for(manager).get(XLSX_URL, {"year": "1900"})
    assert response.status_code == 400


# --- cost -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 60])
def test_the_report_costs_the_same_queries_whatever_the_data(
    client_for, manager, delivered, extra, django_assert_num_queries
):
    for number in range(extra):
        project = ProjectFactory(actual_start=date(YEAR, 4, 1))
        project.articles.set([delivered["first"], delivered["second"]])
        ProgressUpdateFactory(project=project, reported_on=date(YEAR, 5, 1))
        MilestoneFactory(project=project, due_on=date(YEAR, 6, 1), completed_on=date(YEAR, 6, 1))
        EventFactory(starts_at=at(date(YEAR, 5, 1 + number % 28))).articles.set([delivered["first"]])
    client = client_for(manager)
    client.get(URL)  # the first request records the session's last-seen time; measure a later one
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(URL, {"year": YEAR, "quarter": 2})
    assert len(response.context["report"].projects) == 3 + extra


# --- each headline counts what its list shows (issue 21) --------------------------------------------


def test_each_key_figure_counts_what_the_list_under_it_shows(client_for, manager, delivered):
    now = timezone.now()
    this_quarter = Period.quarter_of(timezone.localdate())
    EventFactory(
        title="Bitti", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1), actual_participants=7
    )
    EventFactory(title="Sürüyor", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    EventFactory(title="Gelecek", starts_at=now + timedelta(minutes=5), planned_participants=40)
    KnowHowTransferFactory(started_on=timezone.localdate(), hours=Decimal("3.5"), participants=2)
    MilestoneFactory(due_on=timezone.localdate(), completed_on=timezone.localdate())
    ProjectFactory(actual_start=timezone.localdate())

    for period in (Period(YEAR, 2), Period(YEAR), this_quarter):
        report = client_for(manager).get(URL, {"year": period.year, "quarter": period.quarter or ""}).context["report"]
        figures = {figure.key: figure.current for figure in report.key_figures}

        assert figures["started"] == sum(project.started_in_period for project in report.projects)
        assert figures["progressed"] == sum(project.progressed_in_period for project in report.projects)
        assert figures["completed"] == sum(project.completed_in_period for project in report.projects)
        assert figures["milestones"] == len(report.milestones)
        assert figures["events"] == len(report.events)
        assert figures["participants"] == sum(event.participants or 0 for event in report.events)
        assert figures["transfers"] == len(report.transfers)
        assert figures["hours"] == sum((transfer.hours for transfer in report.transfers), Decimal(0))
        assert figures["trainees"] == sum(transfer.participants for transfer in report.transfers)
        for article in report.articles:
            serving = [event for event in report.events if article in event.articles.all()]
            assert article.events_held == len(serving)

    # The events of this quarter not ended yet are planned: listed apart, counted nowhere as held.
    assert [event.title for event in report.events if event.title in {"Bitti", "Sürüyor", "Gelecek"}] == ["Bitti"]
    assert [event.title for event in report.planned_events] == ["Sürüyor", "Gelecek"]
    html = client_for(manager).get(URL, {"year": this_quarter.year, "quarter": this_quarter.quarter}).content.decode()
    planned = re.search(r'id="report-planned-events".*?</ul>', html, re.S).group(0)
    assert "Gelecek" in planned and "Bitti" not in planned


def test_the_xlsx_marks_planned_events_and_its_summary_counts_only_those_held(client_for, manager, settings):
    now = timezone.now()
    EventFactory(title="Bitti", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    EventFactory(title="Gelecek", starts_at=now + timedelta(minutes=5))
    this_quarter = Period.quarter_of(timezone.localdate())
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    _response, workbook = download(client, year=this_quarter.year, quarter=this_quarter.quarter)

    header, *rows = workbook["Events"].iter_rows(values_only=True)
    events = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(event["Title"], event["Held"]) for event in events] == [("Bitti", True), ("Gelecek", False)]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Events held"] == sum(event["Held"] for event in events) == 1
