"""The public page's cost: a handful of queries computed afresh, one (the data version) when kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public import data
from tests.factories import EventFactory, MilestoneFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


def test_the_public_page_runs_few_queries_and_one_when_kept(client, publish, izmir_teknoloji, isbak):
    for number in range(5):
        project = ProjectFactory(lead_organization=izmir_teknoloji)
        MilestoneFactory(project=project, completed_on=project.planned_start)
        publish(project)
        publish(EventFactory(organizers=[izmir_teknoloji, isbak], title=f"Etkinlik {number}"))
    client.get(reverse("public:robots_txt"))  # the CSRF cookie and session are set up; not counted
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(reverse("public:index")).status_code == 200
    with CaptureQueriesContext(connection) as kept:
        assert client.get(reverse("public:index")).status_code == 200
    # The data version; projects with partners, articles, milestones (4); events with organizers and
    # articles (3); the protocol, its parties and articles (3); adoptions; three counts for the figures.
    assert len(fresh) <= 16
    assert len(kept) == 1


def test_the_published_rows_cost_the_same_queries_however_many_are_published(
    publish, izmir_teknoloji, isbak, django_assert_num_queries
):
    """Projects: partners, articles, milestones and the rows; events: organizers, articles and the rows."""
    for count in (1, 4):
        for _ in range(count):
            project = ProjectFactory(lead_organization=izmir_teknoloji)
            ProjectPartnerFactory(project=project, organization=isbak)
            MilestoneFactory(project=project, completed_on=project.planned_start)
            publish(project)
            publish(EventFactory(organizers=[izmir_teknoloji, isbak]))
        with django_assert_num_queries(4):
            projects = data.published_projects()
        with django_assert_num_queries(3):
            events = data.published_events()
    assert len(projects) == len(events) == 5
    assert {tuple(project["organizations"]) for project in projects} == {(str(isbak), str(izmir_teknoloji))}
    assert all(len(project["completed_milestones"]) == 1 for project in projects)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_published_rows_say_what_the_records_say(publish, izmir_teknoloji, isbak, language):
    """The rows are built from values(), not instances: each field as the record itself writes it."""
    from django.utils import translation

    from tests.factories import ProtocolArticleFactory

    first, second = ProtocolArticleFactory(number=2), ProtocolArticleFactory(number=5)
    unpublished = ProjectFactory(lead_organization=izmir_teknoloji)
    projects = [ProjectFactory(lead_organization=izmir_teknoloji, status=status) for status in ("active", "completed")]
    projects[0].articles.set([second, first])
    ProjectPartnerFactory(project=projects[1], organization=isbak)
    event = EventFactory(organizers=[isbak], kind="workshop")
    event.articles.set([first])
    for record in (*projects, event):
        publish(record)
    with translation.override(language):
        rows = {row["id"]: row for row in data.published_projects()}
        (event_row,) = data.published_events()
        assert unpublished.pk not in rows
        assert [row["id"] for row in data.published_projects()] == [projects[1].pk, projects[0].pk]  # latest first
        for project in projects:
            row = rows[project.pk]
            assert row["url"] == reverse("public:project_detail", args=[project.pk])
            assert row["status_label"] == project.get_status_display()
            assert row["lead_organization"] == str(izmir_teknoloji)
        assert rows[projects[0].pk]["articles"] == [2, 5]
        assert rows[projects[1].pk]["organizations"] == sorted([str(isbak), str(izmir_teknoloji)])
        assert event_row["url"] == reverse("public:event_detail", args=[event.pk])
        assert event_row["kind_label"] == event.get_kind_display()
        assert (event_row["organizers"], event_row["articles"]) == ([str(isbak)], [2])
