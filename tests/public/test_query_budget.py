"""The public page's cost: a handful of queries computed afresh, one (the data version) when kept."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from public import data
from public.views import ARTICLE_LIMIT, INDEX_LIMIT
from tests.factories import (
    EventFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
)

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


def _publish_many(publish, organization, article, count: int, start: int = 0):
    """`count` projects and as many events serving `article`, each published; the projects newest last."""
    for number in range(start, start + count):
        project = ProjectFactory(lead_organization=organization, title=f"Proje {number:02d}")
        project.articles.set([article])
        publish(project)
        event = EventFactory(organizers=[organization], title=f"Etkinlik {number:02d}")
        event.articles.set([article])
        publish(event)


def test_the_page_reads_only_what_it_shows_and_counts_the_rest(client, publish, parties, izmir_teknoloji):
    """Twelve projects and events per section, ten of each under an article, and the full counts
    beside them: the same queries with two published records of each kind or twenty."""
    article = ProtocolArticleFactory(protocol=parties, number=3)
    # The same number in an earlier protocol, no longer in force: not this page's article 3.
    elsewhere = ProtocolArticleFactory(number=3, protocol=ProtocolFactory(status="expired", signed_on=date(2020, 1, 1)))
    other = ProjectFactory(lead_organization=izmir_teknoloji, title="Başka protokol")
    other.articles.set([elsewhere])
    publish(other)
    client.get(reverse("public:robots_txt"))
    counts = []
    for count in (2, 18):
        _publish_many(publish, izmir_teknoloji, article, count, start=len(counts) * 2)
        cache.clear()  # the version moves on commit, which this test's transaction never does
        with CaptureQueriesContext(connection) as fresh:
            context = client.get(reverse("public:index")).context
        counts.append(len(fresh))
    assert counts[0] == counts[1] <= 16
    assert [project["title"] for project in context["projects"]] == [f"Proje {n:02d}" for n in range(19, 7, -1)]
    assert context["project_count"] == 21
    assert len(context["upcoming_events"]) + len(context["past_events"]) <= 2 * INDEX_LIMIT
    (served,) = [row for row in context["articles"] if row["number"] == 3]
    assert served["projects"]["count"] == served["events"]["count"] == 20
    assert [row["title"] for row in served["projects"]["first"]] == [f"Proje {n:02d}" for n in range(19, 9, -1)]
    assert len(served["events"]["first"]) == ARTICLE_LIMIT
    assert served["projects"]["first"][0]["url"] == reverse(
        "public:project_detail", args=[context["projects"][0]["id"]]
    )
    articles_section = client.get(reverse("public:index")).content.decode().split('id="articles-heading"')[1]
    articles_section = articles_section.split("</section>")[0]
    assert "20 proje" in articles_section and "Proje 09" not in articles_section
    assert "açık veride hepsi var" in articles_section  # the others are a link away


def test_upcoming_events_come_soonest_first_and_held_ones_latest_first(publish, izmir_teknoloji):
    now = timezone.now()
    for days in (-30, -2, 5, 1, 40):
        publish(
            EventFactory(
                organizers=[izmir_teknoloji],
                starts_at=now + timedelta(days=days),
                ends_at=now + timedelta(days=days, hours=2),
                title=f"{days}",
            )
        )
    upcoming, past = data.upcoming_and_past_events(2, now)
    assert [event["title"] for event in upcoming] == ["1", "5"]
    assert [event["title"] for event in past] == ["-2", "-30"]
