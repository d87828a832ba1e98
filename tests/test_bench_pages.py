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
