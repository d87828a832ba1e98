"""What changed since a closed period's baseline was taken: the records of its report written afterwards."""

from datetime import date

import pytest
from django.urls import reverse

from dashboard.baselines import baseline_changes
from dashboard.services import baseline_close
from projects.models import Milestone
from tests.dashboard.conftest import Q2, YEAR
from tests.factories import EventFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:baseline_changes")
PERIOD = {"year": YEAR, "quarter": 2}


def test_records_of_the_report_written_after_closing_are_listed_newest_first(quarters, manager):
    baseline = baseline_close(period=Q2, user=manager)
    late = MilestoneFactory(project=quarters, title="Geç", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1))
    moved = Milestone.objects.get(title="Nisan 3")
    moved.completed_on = date(YEAR, 7, 2)  # out of the period since: the snapshot still names it
    moved._history_user = manager
    moved.save()
    MilestoneFactory(project=quarters, title="Başka çeyrek", due_on=date(YEAR, 8, 1), completed_on=date(YEAR, 8, 1))
    EventFactory(title="Sonbahar", starts_at=f"{YEAR}-10-01T10:00:00+03:00", ends_at=f"{YEAR}-10-01T12:00:00+03:00")
    EventFactory(title="Haziran", starts_at=f"{YEAR}-06-01T10:00:00+03:00", ends_at=f"{YEAR}-06-01T12:00:00+03:00")

    changes = baseline_changes(baseline)
    assert [(change.record_kind, change.record_name, change.action) for change in changes] == [
        ("events", "Haziran", "+"),
        ("milestones", "Nisan 3", "~"),
        ("milestones", "Geç", "+"),
    ]
    assert changes[2].url == reverse("projects:project_detail", args=[quarters.pk]) + f"#milestone-{late.pk}"
    assert changes[1].changed_by_label == manager.get_full_name()  # who, as the pages name people
    assert changes[2].changed_by_label is None  # written with no signed-in person (a factory)


def test_the_report_page_loads_the_changes_and_the_part_lists_them(client_for, quarters, manager):
    client = client_for(manager)
    client.post(reverse("dashboard:baseline_close"), PERIOD)
    MilestoneFactory(project=quarters, title="Geç", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1))
    report = client.get(reverse("dashboard:report"), PERIOD)
    assert f'data-kopru-load="{URL}?year={YEAR}&amp;quarter=2"' in report.text

    part = client.get(URL, PERIOD, headers={"X-Kopru-Fragment": "1"})
    assert part.status_code == 200
    assert "<html" not in part.text and "Geç" in part.text
    assert "X-Kopru-Fragment" in part["Vary"]
    page = client.get(URL, PERIOD)  # followed as a link, without JavaScript: a whole page
    assert "<html" in page.text and "Geç" in page.text


def test_a_baseline_nobody_touched_since_says_so(client_for, quarters, manager):
    client = client_for(manager)
    client.post(reverse("dashboard:baseline_close"), PERIOD)
    response = client_for(manager).get(URL, PERIOD)
    assert 'id="baseline-unchanged"' in response.text


def test_only_managers_see_it_and_only_for_a_closed_period(client_for, quarters, manager, izmir_staff):
    assert client_for(manager).get(URL, PERIOD).status_code == 404  # not closed
    assert client_for(manager).get(URL, {"year": "x"}).status_code == 404
    baseline_close(period=Q2, user=manager)
    assert client_for(izmir_staff).get(URL, PERIOD).status_code == 403


@pytest.mark.parametrize("edits", [1, 20])
def test_the_part_runs_a_fixed_number_of_queries(
    client_for,
    quarters,
    manager,
    edits,
    django_assert_num_queries,
):
    baseline_close(period=Q2, user=manager)
    for number in range(edits):
        MilestoneFactory(
            project=quarters, title=f"Geç {number}", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1)
        )
    client = client_for(manager)
    client.get(URL, PERIOD)
    # session, user, the baseline, the changes (one UNION)
    with django_assert_num_queries(4):
        response = client.get(URL, PERIOD)
    assert len(response.context["changes"]) == edits
