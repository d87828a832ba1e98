"""The event list's export: organizers, related projects and articles from one cursor."""

import pytest
from django.urls import reverse

from tests.conftest import read_csv
from tests.factories import EventFactory, ProjectFactory, ProtocolArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [2, 15])
def test_the_event_export_runs_a_fixed_number_of_queries(
    client, manager, izmir_teknoloji, isbak, django_assert_num_queries, count
):
    article, project = ProtocolArticleFactory(title="Akıllı ulaşım"), ProjectFactory(code="KPR-7")
    for _ in range(count):
        event = EventFactory(organizers=[izmir_teknoloji, isbak])
        event.projects.add(project)
        event.articles.add(article)
    client.force_login(manager)
    # session, user, the filters' cities and organizations, the length check, the organizers',
    # projects' and articles' names, then every row with its ids of each through one cursor
    with django_assert_num_queries(9):
        rows = read_csv(client.get(reverse("events:event_list") + "?export=csv&when=all"))
    assert len(rows) == count + 1
    assert all("İSBAK" in row[9] and "İzmir Teknoloji" in row[9] for row in rows[1:])
    assert all(row[12].startswith("KPR-7") and "Akıllı ulaşım" in row[13] for row in rows[1:])
