"""The public page's cost: a handful of queries computed afresh, one (the data version) when kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, MilestoneFactory, ProjectFactory

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
