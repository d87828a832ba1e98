"""What transfers register with lower layers: the project page panel and the protocol article usage."""

from datetime import date

import pytest
from django.utils import translation

from partnership.usage import ArticleUse, usage_counters
from projects.panels import panels_for
from tests.factories import KnowHowTransferFactory, ProjectFactory, ProtocolArticleFactory
from transfers.hooks import count_article_usage, related_transfers_panel

pytestmark = pytest.mark.django_db


def test_the_panel_lists_the_projects_transfers_newest_first_in_one_query(
    django_assert_num_queries, izmir_teknoloji, isbak
):
    project = ProjectFactory()
    older = KnowHowTransferFactory(
        project=project, provider=isbak, recipient=izmir_teknoloji, started_on=date(2025, 1, 1)
    )
    newer = KnowHowTransferFactory(
        project=project, provider=izmir_teknoloji, recipient=isbak, started_on=date(2025, 5, 1)
    )
    KnowHowTransferFactory(project=ProjectFactory())
    with django_assert_num_queries(1):
        panel = related_transfers_panel(project)
        names = [f"{item.provider} → {item.recipient}" for item in panel.items]
    assert panel.items == [newer, older]
    assert names == ["İzmir Teknoloji → İSBAK", "İSBAK → İzmir Teknoloji"]
    assert panel.template_name == "transfers/project_panel.html"


def test_the_panel_is_registered_for_the_project_page():
    project = ProjectFactory()
    assert "transfers/project_panel.html" in [panel.template_name for panel in panels_for(project)]


def test_the_usage_counter_counts_transfers_per_article_with_the_latest_start(django_assert_num_queries):
    busy, quiet, dormant = ProtocolArticleFactory.create_batch(3)
    first = KnowHowTransferFactory(started_on=date(2024, 10, 1))
    second = KnowHowTransferFactory(started_on=date(2025, 6, 15))
    first.articles.add(busy, quiet)
    second.articles.add(busy)
    KnowHowTransferFactory(started_on=date(2026, 1, 1))  # serves no article
    with django_assert_num_queries(1):
        usage = count_article_usage()
    assert usage == {
        busy.pk: ArticleUse(count=2, last_activity=date(2025, 6, 15)),
        quiet.pk: ArticleUse(count=1, last_activity=date(2024, 10, 1)),
    }
    assert dormant.pk not in usage


def test_the_usage_counter_is_registered_under_transfers():
    counters = {counter.key: counter for counter in usage_counters()}
    assert counters["transfers"].count is count_article_usage
    with translation.override("en"):
        assert str(counters["transfers"].label) == "Transfers"
