from datetime import date

import pytest
from django.utils import translation

from partnership.usage import ArticleUse, usage_counters
from projects.hooks import count_projects_by_article
from tests.factories import ProjectFactory, ProtocolArticleFactory, ProtocolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    protocol = ProtocolFactory()
    return [ProtocolArticleFactory(protocol=protocol, number=n) for n in (1, 2, 3)]


def test_the_projects_counter_is_registered_for_the_protocol_page():
    counters = {counter.key: counter for counter in usage_counters()}
    assert counters["projects"].count is count_projects_by_article
    with translation.override("en"):
        assert str(counters["projects"].label) == "Projects"


def test_it_counts_the_projects_serving_each_article_with_their_latest_update(articles):
    first, second, third = articles
    ProjectFactory(last_update_on=date(2025, 3, 1)).articles.set([first, second])
    ProjectFactory(last_update_on=date(2025, 6, 15)).articles.set([first])
    ProjectFactory(last_update_on=None).articles.set([first, second])
    ProjectFactory(last_update_on=date(2026, 1, 2))  # serves no article

    assert count_projects_by_article() == {
        first.pk: ArticleUse(count=3, last_activity=date(2025, 6, 15)),
        second.pk: ArticleUse(count=2, last_activity=date(2025, 3, 1)),
    }


def test_an_article_whose_projects_never_reported_has_no_last_activity(articles):
    first = articles[0]
    ProjectFactory(last_update_on=None).articles.set([first])
    assert count_projects_by_article() == {first.pk: ArticleUse(count=1, last_activity=None)}


def test_articles_nobody_serves_are_left_out(articles):
    assert count_projects_by_article() == {}


def test_it_runs_one_query_however_many_projects(articles, django_assert_num_queries):
    for _ in range(20):
        ProjectFactory(last_update_on=date(2025, 1, 1)).articles.set(articles)
    with django_assert_num_queries(1):
        result = count_projects_by_article()
    assert {use.count for use in result.values()} == {20}
