"""The know-how transfer list's filters: direction, provider, recipient, kind, product, year and search."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    KnowHowTransferFactory,
    OrganizationFactory,
    ProtocolPartyFactory,
    TechnologyProductFactory,
)
from transfers.filters import KnowHowTransferFilterSet, direction_choices
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

LIST_URL = reverse("transfers:knowhowtransfer_list")


@pytest.fixture
def transfers(izmir_teknoloji, isbak, ankara):
    """Three transfers that differ in every filtered field."""
    signal = TechnologyProductFactory(name="Adaptif sinyal", organization=isbak)
    platform = TechnologyProductFactory(name="Kent veri platformu", organization=izmir_teknoloji)
    return {
        "signals": KnowHowTransferFactory(
            title="Sinyal eğitimi",
            provider=isbak,
            recipient=izmir_teknoloji,
            kind="training",
            product=signal,
            started_on=date(2024, 11, 4),
        ),
        "platform": KnowHowTransferFactory(
            title="Veri platformu paylaşımı",
            provider=izmir_teknoloji,
            recipient=isbak,
            kind="product_sharing",
            product=platform,
            started_on=date(2025, 2, 17),
        ),
        "ankara": KnowHowTransferFactory(
            title="Ankara danışmanlığı",
            provider=isbak,
            recipient=ankara,
            kind="consultancy",
            started_on=date(2025, 9, 1),
        ),
    }


def filtered(data) -> set[str]:
    filterset = KnowHowTransferFilterSet(data, queryset=KnowHowTransfer.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("title", flat=True))


def listed(client, params) -> list[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return sorted(row.record.title for row in response.context["table"].page.object_list)


def test_direction_choices_pair_every_organization_that_gives_receives_or_signed(
    django_assert_num_queries, izmir_teknoloji, isbak, ankara
):
    KnowHowTransferFactory(provider=isbak, recipient=ankara)
    signatory = OrganizationFactory(short_name="Bursa Teknoloji")
    ProtocolPartyFactory(organization=signatory)
    OrganizationFactory(short_name="Bağlantısız")  # neither transfers nor signed: offered nowhere
    with django_assert_num_queries(1):
        choices = dict(direction_choices())
    assert len(choices) == 3 * 2  # ordered pairs of İSBAK, Ankara AŞ and Bursa Teknoloji
    assert choices[f"{isbak.pk}-{ankara.pk}"] == "İSBAK → Ankara AŞ"
    assert choices[f"{ankara.pk}-{isbak.pk}"] == "Ankara AŞ → İSBAK"
    assert f"{signatory.pk}-{isbak.pk}" in choices
    assert all("Bağlantısız" not in label for label in choices.values())
    assert all(provider != recipient for provider, recipient in (value.split("-") for value in choices))


def test_direction_keeps_only_transfers_from_that_provider_to_that_recipient(transfers, izmir_teknoloji, isbak):
    assert filtered({"direction": f"{isbak.pk}-{izmir_teknoloji.pk}"}) == {"Sinyal eğitimi"}
    assert filtered({"direction": f"{izmir_teknoloji.pk}-{isbak.pk}"}) == {"Veri platformu paylaşımı"}


def test_direction_filters_the_list_and_stays_in_the_url(client, izmir_staff, transfers, isbak, ankara):
    client.force_login(izmir_staff)
    value = f"{isbak.pk}-{ankara.pk}"
    response = client.get(LIST_URL, {"direction": value})
    assert [row.record.title for row in response.context["table"].page.object_list] == ["Ankara danışmanlığı"]
    assert f'<option value="{value}" selected>İSBAK → Ankara AŞ</option>' in response.text


@pytest.mark.parametrize("value", ["abc", "1-", "-2", "1-2-3", "x-y", "999998-999999", "1--2", "١-٢"])
def test_a_malformed_direction_never_fails_the_page(client, izmir_staff, transfers, value):
    client.force_login(izmir_staff)
    response = client.get(LIST_URL, {"direction": value})
    assert response.status_code == 200
    assert "direction" in response.context["filter"].errors
    assert response.context["table"].paginator.count == 0


def test_the_direction_method_ignores_what_it_cannot_read(transfers):
    filterset = KnowHowTransferFilterSet({}, queryset=KnowHowTransfer.objects.all())
    assert not filterset.filter_direction(KnowHowTransfer.objects.all(), "direction", "x-1").exists()


def test_provider_filter_keeps_what_that_organization_gives(client, isbak_staff, transfers, isbak, izmir_teknoloji):
    client.force_login(isbak_staff)
    assert listed(client, {"provider": isbak.pk}) == ["Ankara danışmanlığı", "Sinyal eğitimi"]
    assert listed(client, {"provider": izmir_teknoloji.pk}) == ["Veri platformu paylaşımı"]


def test_recipient_filter_keeps_what_that_organization_receives(client, isbak_staff, transfers, ankara):
    client.force_login(isbak_staff)
    assert listed(client, {"recipient": ankara.pk}) == ["Ankara danışmanlığı"]


def test_kind_filter(client, manager, transfers):
    client.force_login(manager)
    assert listed(client, {"kind": "product_sharing"}) == ["Veri platformu paylaşımı"]
    assert listed(client, {"kind": "consultancy"}) == ["Ankara danışmanlığı"]


def test_product_filter_offers_products_with_their_organization(client, manager, transfers):
    product = transfers["signals"].product
    client.force_login(manager)
    response = client.get(LIST_URL, {"product": product.pk})
    assert [row.record.title for row in response.context["table"].page.object_list] == ["Sinyal eğitimi"]
    assert f'<option value="{product.pk}" selected>Adaptif sinyal (İSBAK)</option>' in response.text


def test_year_filter_uses_the_start_date(client, manager, transfers):
    client.force_login(manager)
    assert listed(client, {"year": "2024"}) == ["Sinyal eğitimi"]
    assert listed(client, {"year": "2025"}) == ["Ankara danışmanlığı", "Veri platformu paylaşımı"]


def test_filters_combine(client, manager, transfers, isbak):
    client.force_login(manager)
    assert listed(client, {"provider": isbak.pk, "year": "2025"}) == ["Ankara danışmanlığı"]
    assert listed(client, {"provider": isbak.pk, "kind": "training", "q": "SİNYAL"}) == ["Sinyal eğitimi"]


@pytest.mark.parametrize("params", [{"provider": "abc"}, {"product": "-1"}, {"year": "20x5"}, {"kind": "nope"}])
def test_bad_filter_values_show_an_error_instead_of_failing(client, manager, transfers, params):
    client.force_login(manager)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert set(params) <= set(response.context["filter"].errors)


def test_search_folds_turkish_letters_in_the_filterset(izmir_teknoloji, isbak):
    KnowHowTransferFactory(title="İSTANBUL trafik merkezi ziyareti", provider=isbak, recipient=izmir_teknoloji)
    KnowHowTransferFactory(title="IŞIK sinyalizasyon belgeleri", provider=isbak, recipient=izmir_teknoloji)
    KnowHowTransferFactory(title="İZMİR veri günleri", provider=izmir_teknoloji, recipient=isbak)
    assert filtered({"q": "istanbul"}) == {"İSTANBUL trafik merkezi ziyareti"}
    assert filtered({"q": "ışık"}) == {"IŞIK sinyalizasyon belgeleri"}
    assert filtered({"q": "izmir"}) == {"İZMİR veri günleri"}
