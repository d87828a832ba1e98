"""Paging the lists: every sort ends on a unique key, and pages after the first use a deferred join.

Rows with equal values in the sorted column have no order of their own: without a
tie-breaker the database may return them in a different order for each page's query.
A page after the first picks its primary keys in a subquery (partnership/pagination.py).
"""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

PER_PAGE = 25
ROWS = 30
UNIQUE_KEYS = {"code", "pk", "id"}


def _thirty_projects(organization, other):
    for _ in range(ROWS):
        ProjectFactory(lead_organization=organization, title="Aynı", planned_end=date(2030, 1, 1))


def _thirty_milestones(organization, other):
    project = ProjectFactory(lead_organization=organization)
    for _ in range(ROWS):
        MilestoneFactory(project=project, title="Aynı", due_on=date(2030, 1, 1))


def _thirty_events(organization, other):
    starts_at = timezone.make_aware(datetime(2030, 1, 1, 10))
    for _ in range(ROWS):
        EventFactory(title="Aynı", starts_at=starts_at, ends_at=starts_at, organizers=[organization])


def _thirty_transfers(organization, other):
    for _ in range(ROWS):
        KnowHowTransferFactory(title="Aynı", provider=organization, recipient=other, started_on=date(2026, 1, 1))


LISTS = {
    "projects:project_list": _thirty_projects,
    "projects:milestone_list": _thirty_milestones,
    "events:event_list": _thirty_events,
    "transfers:knowhowtransfer_list": _thirty_transfers,
}


def _sortable_columns(client, url):
    table = client.get(url).context["table"]
    return [column.name for column in table.columns if column.orderable]


@pytest.mark.parametrize("url_name", LISTS)
def test_every_sort_ends_on_a_unique_key(client, manager, izmir_teknoloji, isbak, url_name):
    LISTS[url_name](izmir_teknoloji, isbak)
    client.force_login(manager)
    url = reverse(url_name) + "?when=all"
    columns = _sortable_columns(client, url)
    assert columns
    for name in columns:
        for sort in (name, f"-{name}"):
            ordering = client.get(f"{url}&sort={sort}").context["table"].data.data.query.order_by
            assert ordering[-1].lstrip("-") in UNIQUE_KEYS, (sort, ordering)


@pytest.mark.parametrize("url_name", LISTS)
def test_rows_with_equal_values_page_without_repeats_or_gaps(client, manager, izmir_teknoloji, isbak, url_name):
    LISTS[url_name](izmir_teknoloji, isbak)
    client.force_login(manager)
    url = reverse(url_name) + "?when=all"
    for name in _sortable_columns(client, url):
        for sort in (name, f"-{name}"):
            pages = [
                [
                    row.record.pk
                    for row in client.get(f"{url}&sort={sort}&page={page}").context["table"].page.object_list
                ]
                for page in (1, 2)
            ]
            assert len(pages[0]) == PER_PAGE, sort
            assert not set(pages[0]) & set(pages[1]), sort
            assert len(pages[0]) + len(pages[1]) == ROWS, sort


def test_a_deep_page_reads_only_its_rows_in_one_query(client, manager, izmir_teknoloji, isbak):
    _thirty_projects(izmir_teknoloji, isbak)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:project_list") + "?sort=-planned_end&page=2")
    codes = [row.record.code for row in response.context["table"].page.object_list]
    assert codes == sorted(codes, reverse=True) and len(codes) == ROWS - PER_PAGE
    # session, user, count, the filter form's organizations and articles, the page's rows
    assert len(queries) == 6
    rows_sql = queries[-1]["sql"]
    assert "IN (SELECT" in rows_sql
    assert "OFFSET 25" in rows_sql


def test_the_first_page_is_a_plain_limit(client, manager, izmir_teknoloji, isbak):
    _thirty_projects(izmir_teknoloji, isbak)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("projects:project_list"))
    assert "IN (SELECT" not in queries[-1]["sql"]
