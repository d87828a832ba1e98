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
