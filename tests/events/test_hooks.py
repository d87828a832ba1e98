"""What events add to other pages: the project page's related-events panel and the protocol's article counts."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings
from django.utils import timezone, translation

from events.hooks import count_article_usage, related_events_panel
from partnership.usage import ArticleUse, usage_counters
from tests import factories as f

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=9):
    return {
        "starts_at": datetime(year, month, day, hour, 0, tzinfo=dt_timezone.utc),
        "ends_at": datetime(year, month, day, hour + 1, 0, tzinfo=dt_timezone.utc),
    }


@pytest.fixture
def project(izmir_teknoloji):
    return f.ProjectFactory(code="KPR-50", title="Adaptif sinyal kontrolü", lead_organization=izmir_teknoloji)


def test_the_panel_lists_the_projects_events_newest_first(project, izmir_teknoloji, django_assert_num_queries):
    older = f.EventFactory(title="Açılış toplantısı", **at(2025, 1, 10), organizers=[izmir_teknoloji])
    newer = f.EventFactory(title="Saha ziyareti", **at(2025, 6, 10), organizers=[izmir_teknoloji])
    f.EventFactory(title="İlgisiz etkinlik", organizers=[izmir_teknoloji])
    older.projects.add(project)
    newer.projects.add(project)
    with django_assert_num_queries(1):
        panel = related_events_panel(project)
    assert panel.template_name == "events/project_panel.html"
    with translation.override("en"):
        assert str(panel.title) == "Related events"
    assert panel.items == [newer, older]


def test_the_project_page_shows_related_events(client, izmir_staff, project, izmir_teknoloji):
    event = f.EventFactory(title="Sinyal çalıştayı", **at(2025, 3, 4), organizers=[izmir_teknoloji])
    event.projects.add(project)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(izmir_staff)
    response = client.get(f"/projects/{project.pk}/related/")  # the part the project page loads
    assert response.status_code == 200
    content = response.content.decode()
    assert "Related events" in content
    assert f'<a href="/events/{event.pk}/">Sinyal çalıştayı</a>' in content
    assert 'datetime="2025-03-04T12:00:00+03:00"' in content


def test_the_project_page_says_when_no_events_are_related(client, isbak_staff, project):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(isbak_staff)
    response = client.get(f"/projects/{project.pk}/related/")  # the part the project page loads
    assert response.status_code == 200
    assert "No related events." in response.content.decode()


def test_the_usage_counter_is_registered_with_the_protocol_page():
    counter = next(counter for counter in usage_counters() if counter.key == "events")
    assert counter.count is count_article_usage


def test_the_usage_counter_counts_events_per_article_in_one_query(izmir_teknoloji, django_assert_num_queries):
    busy, quiet, unused = f.ProtocolArticleFactory.create_batch(3)
    first = f.EventFactory(**at(2025, 2, 1), organizers=[izmir_teknoloji])
    second = f.EventFactory(**at(2025, 9, 1), organizers=[izmir_teknoloji])
    third = f.EventFactory(**at(2024, 11, 1), organizers=[izmir_teknoloji])
    first.articles.add(busy, quiet)
    second.articles.add(busy)
    third.articles.add(busy)
    with django_assert_num_queries(1):
        usage = count_article_usage()
    assert usage == {
        busy.pk: ArticleUse(count=3, last_activity=date(2025, 9, 1)),
        quiet.pk: ArticleUse(count=1, last_activity=date(2025, 2, 1)),
    }
    assert unused.pk not in usage


def test_the_usage_counter_dates_activity_in_istanbul(izmir_teknoloji):
    article = f.ProtocolArticleFactory()
    # 22:30 UTC on 31 May is already 1 June in Istanbul.
    event = f.EventFactory(
        starts_at=datetime(2025, 5, 31, 22, 30, tzinfo=dt_timezone.utc),
        ends_at=datetime(2025, 5, 31, 23, 30, tzinfo=dt_timezone.utc),
        organizers=[izmir_teknoloji],
    )
    event.articles.add(article)
    assert count_article_usage()[article.pk].last_activity == date(2025, 6, 1)


def test_an_event_still_to_come_counts_but_is_no_activity_yet(izmir_teknoloji):
    article = f.ProtocolArticleFactory()
    f.EventFactory(organizers=[izmir_teknoloji], starts_at=timezone.now() + timedelta(days=30)).articles.set([article])
    assert count_article_usage()[article.pk] == ArticleUse(count=1, last_activity=None)
