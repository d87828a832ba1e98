"""The benchmark's page list names the API pages, and each answers the bench's session in-process."""

import pytest

from bench.analyse import page_list
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_bench_reads_the_api_with_its_session_cookie(client, manager):
    projects = [ProjectFactory(status="active") for _ in range(30)]
    pages = {page["key"]: page for page in page_list()}
    assert {"api_projects", "api_projects_deep", "api_project_detail"} <= set(pages)
    client.force_login(manager)
    for key in ("api_projects", "api_projects_deep", "api_project_detail"):
        response = client.get(pages[key]["path"])
        assert response.status_code == 200, (key, response.content[:200])
    # Thirty projects make two pages of 25: the deep cursor starts at row 26 of the newest-first order.
    deep = client.get(pages["api_projects_deep"]["path"]).json()
    newest_first = sorted(projects, key=lambda project: (project.created_at, project.pk), reverse=True)
    assert [row["id"] for row in deep["results"]] == [project.pk for project in newest_first[25:]]


def test_the_public_pages_answer_a_visitor_without_a_session_and_the_rest_a_signed_in_one(client, manager):
    ProjectFactory(status="active")
    pages = page_list()
    anonymous = [page for page in pages if page["anonymous"]]
    assert {page["key"] for page in anonymous} == {"public", "public_uncached", "public_csv"}
    for page in anonymous:
        assert client.get(page["path"]).status_code == 200, page["key"]
    client.force_login(manager)
    assert client.get(next(page for page in pages if page["key"] == "notifications")["path"]).status_code == 200


def test_the_digest_benchmark_mails_each_persons_digest_and_leaves_nothing_behind(
    izmir_staff, isbak_staff, izmir_teknoloji, mailoutbox
):
    from bench.digest import describe, run
    from notifications.models import Digest
    from tests.factories import MilestoneFactory

    for person in (izmir_staff, isbak_staff):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    MilestoneFactory(project=ProjectFactory(lead_organization=izmir_teknoloji, owner=izmir_staff), due_on="2020-01-01")
    result = run(people=5)
    assert result["people"] == result["due"] >= 2
    assert result["outcomes"].get("sent", 0) >= 1  # izmir.staff has an overdue milestone
    assert len(result["queries_per_person"]) >= 1
    assert "digests took" in describe(result)
    assert not Digest.objects.exists()  # rolled back


def test_the_calendar_revalidation_page_answers_304_to_the_etag_it_read_first(client, manager):
    from django.db import connection

    from bench.analyse import capture

    pages = {page["key"]: page for page in page_list()}
    page = pages["calendar_304"]
    assert page["revalidate"] and page["expect"] == 304
    assert not pages["calendar"]["revalidate"] and pages["calendar"]["expect"] == 200
    client.force_login(manager)
    record = capture(client, connection, page["path"], revalidate=True)
    assert record["status"] == 304
    assert record["bytes"] == 0
    assert len(record["queries"]) == 2  # the session, and the user with the data version
