"""API lists: the pages' filters and search, a total order, cursor pages, and a fixed query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    ProtocolPartyFactory,
    TechnologyProductFactory,
)

pytestmark = pytest.mark.django_db


def test_the_q_search_folds_turkish_letters_as_the_page_does(api_for, izmir_staff):
    ProjectFactory(title="IŞIK SİNYALİZASYONU")
    ProjectFactory(title="Otopark")
    response = api_for(izmir_staff).get("/api/v1/projects/", {"q": "ışık"})
    assert [row["title"] for row in response.json()["results"]] == ["IŞIK SİNYALİZASYONU"]


def test_the_pages_filters_apply(api_for, izmir_staff, izmir_teknoloji, isbak):
    ProjectFactory(lead_organization=izmir_teknoloji, status="active", code="A-1")
    ProjectFactory(lead_organization=isbak, status="planned", code="B-1")
    api = api_for(izmir_staff)
    by_status = api.get("/api/v1/projects/", {"status": "planned"}).json()["results"]
    assert [row["code"] for row in by_status] == ["B-1"]
    by_organization = api.get("/api/v1/projects/", {"organization": izmir_teknoloji.pk}).json()["results"]
    assert [row["code"] for row in by_organization] == ["A-1"]


def test_an_invalid_filter_value_is_a_400_that_names_it(api_for, izmir_staff):
    response = api_for(izmir_staff).get("/api/v1/projects/", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_events_list_every_event_unless_asked_for_upcoming(api_for, izmir_staff):
    EventFactory(title="Geçmiş", starts_at=timezone.now() - timedelta(days=30))
    EventFactory(title="Gelecek")
    api = api_for(izmir_staff)
    assert {row["title"] for row in api.get("/api/v1/events/").json()["results"]} == {"Geçmiş", "Gelecek"}
    upcoming = api.get("/api/v1/events/", {"when": "upcoming"}).json()["results"]
    assert [row["title"] for row in upcoming] == ["Gelecek"]


def test_cursor_pages_with_equal_sort_values_neither_skip_nor_repeat(api_for, izmir_staff):
    codes = {ProjectFactory(status="active").code for _ in range(7)}
    api = api_for(izmir_staff)
    seen, url = [], "/api/v1/projects/?ordering=status&page_size=3"
    while url:
        page = api.get(url).json()
        seen += [row["code"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(codes)


def test_an_unknown_ordering_field_is_ignored_for_a_known_one(api_for, izmir_staff):
    ProjectFactory()
    response = api_for(izmir_staff).get("/api/v1/projects/", {"ordering": "search_text"})
    assert response.status_code == 200


def many(count: int, izmir, isbak) -> None:
    """`count` records of every kind, each with related rows, so a per-row query would show."""
    article = ProtocolArticleFactory()
    product = TechnologyProductFactory(organization=izmir)
    for _ in range(count):
        protocol = ProtocolFactory()
        ProtocolPartyFactory(protocol=protocol, organization=izmir)
        ProtocolArticleFactory(protocol=protocol)
        TechnologyProductFactory(organization=isbak)
        project = ProjectFactory(lead_organization=izmir)
        project.articles.add(article)
        project.products.add(product)
        ProjectPartnerFactory(project=project, organization=isbak)
        MilestoneFactory(project=project)
        ProgressUpdateFactory(project=project)
        event = EventFactory(organizers=[izmir, isbak])
        event.projects.add(project)
        event.articles.add(article)
        transfer = KnowHowTransferFactory(provider=izmir, recipient=isbak, project=project)
        transfer.articles.add(article)
        ProductAdoptionFactory(product=product, adopter=isbak)


# Per list: the token (1) and its last use (1, at most once a minute), then the FilterSet's menus
# where the page has them, the rows (1) and one query per related list shown on each row.
QUERIES = {
    "/api/v1/organizations/": 3,
    "/api/v1/protocols/": 5,
    "/api/v1/articles/": 3,
    "/api/v1/products/": 3,
    "/api/v1/projects/": 7,
    "/api/v1/milestones/": 3,
    "/api/v1/progress-updates/": 3,
    "/api/v1/events/": 8,
    "/api/v1/transfers/": 5,
    "/api/v1/adoptions/": 3,
}


@pytest.mark.parametrize("url", sorted(QUERIES))
def test_a_list_costs_the_same_queries_whatever_the_page_size(
    api_for, izmir_staff, izmir_teknoloji, isbak, django_assert_num_queries, url
):
    many(12, izmir_teknoloji, isbak)
    OrganizationFactory.create_batch(10)
    for size in (2, 10):
        api = api_for(izmir_staff)  # a fresh token each time: its first use is written, as for any client
        with django_assert_num_queries(QUERIES[url]):
            response = api.get(url, {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
