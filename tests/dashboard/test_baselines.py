"""Closing a period freezes its report; reopening keeps the old baseline; closed periods are compared."""

import time
import zipfile
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dashboard.models import PeriodBaseline
from dashboard.queries import Period
from dashboard.services import baseline_close, baseline_reopen
from tests.dashboard.conftest import Q1, Q2, YEAR
from tests.dashboard.test_report import REPORT_QUERIES
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

URL = "/reports/"
XLSX_URL = "/reports/report.xlsx"


def figures(response, name="key_figures"):
    return {figure.key: figure.current for figure in response.context[name]}


def test_closing_a_period_keeps_its_report_as_json(quarters, manager):
    baseline = baseline_close(period=Q2, user=manager)
    assert (baseline.year, baseline.quarter, baseline.closed_by) == (YEAR, 2, manager)
    snapshot = PeriodBaseline.objects.get(pk=baseline.pk).snapshot
    assert snapshot["figures"]["milestones"] == {"current": 2, "previous": 1}
    assert [row["Milestone"] for row in snapshot["sections"]["milestones"]] == ["Nisan 3", "Nisan 4"]
    assert snapshot["sections"]["milestones"][0]["Completed on"] == f"{YEAR}-04-03"


def test_a_running_period_or_one_closed_already_cannot_be_closed(quarters, manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        baseline_close(period=Period.quarter_of(timezone.localdate()), user=manager)
    baseline_close(period=Q2, user=manager)
    with pytest.raises(ValidationError):
        baseline_close(period=Q2, user=manager)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says the same
        PeriodBaseline.objects.create(year=YEAR, quarter=2, snapshot={}, closed_at=timezone.now())


def test_the_frozen_report_stays_as_closed_after_later_edits(client_for, quarters, manager):
    client = client_for(manager)
    client.post(reverse("dashboard:baseline_close"), {"year": YEAR, "quarter": 2})
    MilestoneFactory(project=quarters, title="Geç", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1))

    frozen = client.get(URL, {"year": YEAR, "quarter": 2})
    assert frozen.context["frozen"]
    assert figures(frozen)["milestones"] == 2
    assert 'id="baseline-notice"' in frozen.text
    assert "Geç" not in frozen.text
    live = client.get(URL, {"year": YEAR, "quarter": 2, "live": "1"})
    assert not live.context["frozen"]
    assert figures(live)["milestones"] == 3
    assert "Geç" in live.text


def test_the_live_report_of_a_period_nobody_closed_pays_no_query_for_baselines(
    client_for, quarters, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get(URL, {"year": YEAR, "quarter": 2})  # the session's first writes
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(URL, {"year": YEAR, "quarter": 2})
    assert response.context["baseline"] is None


def test_reopening_keeps_the_old_baseline_and_closing_again_adds_one(client_for, quarters, manager):
    client = client_for(manager)
    client.post(reverse("dashboard:baseline_close"), {"year": YEAR, "quarter": 2})
    response = client.post(reverse("dashboard:baseline_reopen"), {"year": YEAR, "quarter": 2, "reason": ""})
    assert PeriodBaseline.objects.standing().count() == 1  # no reason, not reopened
    response = client.post(reverse("dashboard:baseline_reopen"), {"year": YEAR, "quarter": 2, "reason": "Düzeltme"})
    assert response.status_code == 302
    old = PeriodBaseline.objects.get()
    assert (old.reopened_by, old.reopen_reason) == (manager, "Düzeltme")
    assert not client.get(URL, {"year": YEAR, "quarter": 2}).context["frozen"]

    MilestoneFactory(project=quarters, title="Geç", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1))
    client.post(reverse("dashboard:baseline_close"), {"year": YEAR, "quarter": 2})
    assert PeriodBaseline.objects.count() == 2
    assert PeriodBaseline.objects.get(pk=old.pk).snapshot["figures"]["milestones"]["current"] == 2
    assert figures(client.get(URL, {"year": YEAR, "quarter": 2}))["milestones"] == 3


def test_staff_may_not_close_or_reopen(client_for, quarters, izmir_staff):
    client = client_for(izmir_staff)
    assert client.post(reverse("dashboard:baseline_close"), {"year": YEAR, "quarter": 2}).status_code == 403
    assert PeriodBaseline.objects.count() == 0


def test_reopening_needs_a_reason_in_the_database(quarters, manager):
    baseline = baseline_close(period=Q2, user=manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodBaseline.objects.filter(pk=baseline.pk).update(reopened_at=timezone.now())
    baseline_reopen(period=Q2, user=manager, reason="Yeniden")


def test_the_figures_are_compared_with_the_previous_and_the_year_earlier_baselines(
    client_for, quarters, manager, settings
):
    baseline_close(period=Q1, user=manager)
    year_earlier = Period(YEAR - 1, 2)
    baseline_close(period=year_earlier, user=manager)  # nothing happened then: zeros
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"year": YEAR, "quarter": 2})
    compared = {figure.key: figure for figure in response.context["compared"]}
    milestones = compared["milestones"]
    assert (milestones.current, milestones.against_previous.baseline) == (2, 1)
    assert (milestones.against_previous.change, milestones.against_previous.direction) == (1, "up")
    assert (milestones.against_year_before.baseline, milestones.against_year_before.direction) == (0, "up")
    started = compared["started"]
    assert (started.against_previous.change, started.against_previous.direction) == (-1, "down")
    assert compared["events"].against_previous.direction == "same"
    assert 'data-direction="up"' in response.text and "▲" in response.text and "▼" in response.text


def test_without_closed_periods_there_is_nothing_to_compare_with(client_for, quarters, manager):
    response = client_for(manager).get(URL, {"year": YEAR, "quarter": 2})
    assert all(figure.against_previous is None for figure in response.context["compared"])


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_xlsx_of_a_closed_period_is_the_same_whenever_it_is_downloaded(client_for, quarters, manager):
    client = client_for(manager)
    baseline = baseline_close(period=Q2, user=manager)
    first = client.get(XLSX_URL, {"year": YEAR, "quarter": 2}).content
    time.sleep(1.1)  # a later second: the download's own time must not show
    MilestoneFactory(project=quarters, title="Geç", due_on=date(YEAR, 5, 1), completed_on=date(YEAR, 5, 1))
    second = client.get(XLSX_URL, {"year": YEAR, "quarter": 2}).content
    # Byte for byte: the workbook's own timestamps, and its parts', are the moment it was closed.
    assert first == second
    core = _parts(first)["docProps/core.xml"].decode()
    closed = timezone.localtime(baseline.closed_at).strftime("%Y-%m-%dT%H:%M:%S")
    assert closed in core
    live = client.get(XLSX_URL, {"year": YEAR, "quarter": 2, "live": "1"}).content
    assert b"Ge\xc3\xa7" in b"".join(_parts(live).values())
    assert b"Ge\xc3\xa7" not in b"".join(_parts(second).values())


def test_the_frozen_xlsx_has_the_sheets_and_figures_of_the_report(client_for, quarters, manager):
    from openpyxl import load_workbook

    baseline_close(period=Q2, user=manager)
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    workbook = load_workbook(BytesIO(client.get(XLSX_URL, {"year": YEAR, "quarter": 2}).content))
    assert workbook.sheetnames == ["Summary", "Articles", "Projects", "Milestones", "Events", "Transfers"]
    header, *rows = workbook["Milestones"].iter_rows(values_only=True)
    completed = header.index("Completed on")
    assert [row[completed].date() for row in rows] == [date(YEAR, 4, 3), date(YEAR, 4, 4)]
    assert timezone.localdate() - timedelta(days=1) >= Q2.end
