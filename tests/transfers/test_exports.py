import pytest
from django.urls import reverse

from tests.conftest import read_csv
from tests.factories import KnowHowTransferFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_transfer_export_holds_the_filtered_rows(client, manager, izmir_teknoloji, isbak):
    shown = KnowHowTransferFactory(
        title="Sinyal eğitimi", provider=isbak, recipient=izmir_teknoloji, project=ProjectFactory(code="KPR-9")
    )
    KnowHowTransferFactory(title="Veri danışmanlığı", provider=izmir_teknoloji, recipient=isbak)
    client.force_login(manager)
    rows = read_csv(client.get(reverse("transfers:knowhowtransfer_list") + f"?provider={isbak.pk}&export=csv"))
    assert len(rows) == 2
    assert rows[1][:4] == [str(shown.pk), "Sinyal eğitimi", "İSBAK", "İzmir Teknoloji"]
    assert "KPR-9" in rows[1]


@pytest.mark.parametrize("count", [5, 30])
def test_the_transfer_export_runs_a_fixed_number_of_queries(
    client, manager, izmir_teknoloji, isbak, django_assert_num_queries, count
):
    KnowHowTransferFactory.create_batch(count, provider=isbak, recipient=izmir_teknoloji, project=ProjectFactory())
    client.force_login(manager)
    # session, user, direction choices, the length check, the articles' names, then every row
    # with its organizations, product and project through one cursor
    with django_assert_num_queries(6):
        read_csv(client.get(reverse("transfers:knowhowtransfer_list") + "?export=csv"))
