"""The dashboard and the report count a joint milestone as delivered only once the other side confirmed it."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from projects.services import milestone_complete, milestone_confirm
from tests.dashboard.test_dashboard import DASHBOARD_QUERIES
from tests.dashboard.test_report import REPORT_QUERIES
from tests.factories import MilestoneFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


@pytest.fixture
def second_quarter(izmir_teknoloji, isbak, izmir_staff, isbak_staff):
    """A joint project with three milestones completed by İzmir Teknoloji in last year's second quarter:
    one confirmed by İSBAK, two still waiting (the older first); and one of a project of İzmir alone."""
    joint = ProjectFactory(code="J1", lead_organization=izmir_teknoloji, actual_start=date(YEAR, 1, 1))
    ProjectPartnerFactory(project=joint, organization=isbak)
    alone = ProjectFactory(code="A1", lead_organization=izmir_teknoloji, actual_start=date(YEAR, 1, 1))

    def completed(project, title, day):
        milestone = MilestoneFactory(project=project, title=title, due_on=date(YEAR, 6, 30))
        return milestone_complete(milestone=milestone, completed_on=date(YEAR, 4, day), by=izmir_staff)

    confirmed = completed(joint, "Onaylı", 2)
    milestone_confirm(milestone=confirmed, user=isbak_staff)
    later = completed(joint, "Bekleyen yeni", 20)
    older = completed(joint, "Bekleyen eski", 10)
    completed(alone, "Tek taraflı", 5)
    return {"older": older, "later": later}


def test_the_report_counts_only_confirmed_joint_milestones_and_lists_the_waiting_oldest_first(
    client_for, manager, second_quarter, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(REPORT_QUERIES):
        report = client.get("/reports/", {"year": YEAR, "quarter": 2}).context["report"]
    assert [milestone.title for milestone in report.milestones] == ["Onaylı", "Tek taraflı"]
    assert [milestone.title for milestone in report.awaiting_milestones] == ["Bekleyen eski", "Bekleyen yeni"]
    figures = {figure.key: figure.current for figure in report.key_figures}
    assert figures["milestones"] == 2
    waited = (timezone.localdate() - date(YEAR, 4, 10)).days
    assert report.awaiting_milestones[0].days_awaiting == waited


def test_the_report_page_and_its_xlsx_mark_the_waiting_milestones(client_for, manager, second_quarter):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    page = client.get("/reports/", {"year": YEAR, "quarter": 2}).text
    assert 'id="report-awaiting"' in page
    response = client.get("/reports/report.xlsx", {"year": YEAR, "quarter": 2})
    sheet = load_workbook(BytesIO(response.content))["Milestones"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [(row["Milestone"], row["Confirmation"]) for row in rows] == [
        ("Onaylı", "Confirmed"),
        ("Tek taraflı", None),
        ("Bekleyen eski", "Awaiting confirmation"),
        ("Bekleyen yeni", "Awaiting confirmation"),
    ]


def test_the_dashboard_shows_how_many_wait_and_the_longest_waiting_first(
    client_for, manager, second_quarter, django_assert_max_num_queries
):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/dashboard/", {"year": YEAR})
    awaiting = response.context["figures"].awaiting
    assert awaiting.total == 2
    assert [milestone.title for milestone in awaiting] == ["Bekleyen eski", "Bekleyen yeni"]
    waited = (timezone.localdate() - date(YEAR, 4, 10)).days
    assert f"completed by İzmir Teknoloji, waiting {waited} days" in response.text


def test_overdue_and_waiting_milestones_are_listed_and_counted_apart(client_for, manager, second_quarter, izmir_staff):
    today = timezone.localdate()
    project = second_quarter["older"].project
    for day in range(3):
        MilestoneFactory(project=project, due_on=today - timedelta(days=day + 1))
    response = client_for(manager).get("/dashboard/", {"year": YEAR})
    figures = response.context["figures"]
    assert (figures.overdue.total, figures.awaiting.total) == (3, 2)
    assert [milestone.due_on for milestone in figures.overdue][0] == today - timedelta(days=3)
