"""The event list's search box and filters, through the list page as people use them."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings

from events.filters import EventFilterSet, city_choices
from events.models import Event
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, izmir_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(izmir_staff)
    return client


def listed(client, query: str) -> str:
    response = client.get(f"/events/?when=all&{query}")
    assert response.status_code == 200
    return response.content.decode()


# Search that works in Turkish


@pytest.fixture
def turkish_titles(izmir_teknoloji):
    return {
        "istanbul": f.EventFactory(title="İSTANBUL AKILLI ŞEHİR ZİRVESİ", city="Ankara", organizers=[izmir_teknoloji]),
        "isik": f.EventFactory(title="IŞIK FESTİVALİ SENSÖR DENEMESİ", city="Ankara", organizers=[izmir_teknoloji]),
        "izmir": f.EventFactory(title="İZMİR VERİ GÜNÜ", city="Ankara", organizers=[izmir_teknoloji]),
        "plain": f.EventFactory(title="Kavşak kontrol çalıştayı", city="Ankara", organizers=[izmir_teknoloji]),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("istanbul", "istanbul"),
        ("İstanbul", "istanbul"),
        ("ışık", "isik"),
        ("IŞIK", "isik"),
        ("izmir", "izmir"),
        ("İzmir", "izmir"),
    ],
)
def test_search_ignores_case_the_turkish_way(reader, turkish_titles, query, found):
    content = listed(reader, f"q={query}")
    for key, event in turkish_titles.items():
        assert (event.title in content) is (key == found), key
    assert "1 record" in content


def test_search_covers_city_venue_and_description(reader, izmir_teknoloji):
    f.EventFactory(title="Birinci", city="Çeşme", organizers=[izmir_teknoloji])
    f.EventFactory(title="İkinci", venue="Kültürpark", organizers=[izmir_teknoloji])
    f.EventFactory(title="Üçüncü", description="Sinyal optimizasyonu", organizers=[izmir_teknoloji])
    assert "Birinci" in listed(reader, "q=cesme")
    assert "İkinci" in listed(reader, "q=KÜLTÜRPARK")
    assert "Üçüncü" in listed(reader, "q=sinyal")


def test_a_search_that_finds_nothing_says_so(reader, turkish_titles):
    content = listed(reader, "q=hiçbirşey")
    assert "No events match these filters." in content
    assert "0 records" in content


# Each filter


def test_kind_filter(reader, izmir_teknoloji):
    f.EventFactory(title="Hackathon etkinliği", kind="hackathon", organizers=[izmir_teknoloji])
    f.EventFactory(title="Eğitim etkinliği", kind="training", organizers=[izmir_teknoloji])
    content = listed(reader, "kind=hackathon")
    assert "Hackathon etkinliği" in content
    assert "Eğitim etkinliği" not in content


def test_organization_filter_matches_any_organizer(reader, izmir_teknoloji, isbak):
    f.EventFactory(title="Ortak toplantı", organizers=[izmir_teknoloji, isbak])
    f.EventFactory(title="İSBAK toplantısı", organizers=[isbak])
    f.EventFactory(title="İzmir toplantısı", organizers=[izmir_teknoloji])
    content = listed(reader, f"organization={isbak.pk}")
    assert "Ortak toplantı" in content
    assert "İSBAK toplantısı" in content
    assert "İzmir toplantısı" not in content
    assert "2 records" in content  # an event with two organizers is listed once


def test_city_filter(reader, izmir_teknoloji):
    f.EventFactory(title="İstanbul buluşması", city="İstanbul", organizers=[izmir_teknoloji])
    f.EventFactory(title="İzmir buluşması", city="İzmir", organizers=[izmir_teknoloji])
    content = listed(reader, "city=İstanbul")
    assert "İstanbul buluşması" in content
    assert "İzmir buluşması" not in content


def test_city_choices_are_the_distinct_cities_in_use(izmir_teknoloji, django_assert_num_queries):
    f.EventFactory(city="İzmir", organizers=[izmir_teknoloji])
    f.EventFactory(city="İzmir", organizers=[izmir_teknoloji])
    f.EventFactory(city="Ankara", organizers=[izmir_teknoloji])
    f.EventFactory(city="Çanakkale", organizers=[izmir_teknoloji])
    f.EventFactory(city="", is_online=True, organizers=[izmir_teknoloji])
    with django_assert_num_queries(1):
        choices = city_choices()
    # Sorted the Turkish way: Ç after C, İ among the i's.
    assert choices == [("Ankara", "Ankara"), ("Çanakkale", "Çanakkale"), ("İzmir", "İzmir")]


def test_city_filter_offers_only_cities_in_use(reader, izmir_teknoloji):
    f.EventFactory(city="Bursa", organizers=[izmir_teknoloji])
    content = listed(reader, "")
    assert '<option value="Bursa">Bursa</option>' in content
    assert '<option value="Konya">' not in content


def test_an_unknown_city_is_a_form_error_not_a_crash(reader, izmir_teknoloji):
    f.EventFactory(title="Bursa etkinliği", city="Bursa", organizers=[izmir_teknoloji])
    content = listed(reader, "city=Atlantis")
    assert "Select a valid choice." in content
    assert "Bursa etkinliği" not in content


def test_year_filter_uses_istanbul_time(reader, izmir_teknoloji):
    # 31 December 2025, 22:30 UTC is already 1 January 2026 in Istanbul.
    f.EventFactory(
        title="Yılbaşı etkinliği",
        starts_at=datetime(2025, 12, 31, 22, 30, tzinfo=dt_timezone.utc),
        ends_at=datetime(2025, 12, 31, 23, 30, tzinfo=dt_timezone.utc),
        organizers=[izmir_teknoloji],
    )
    f.EventFactory(
        title="Yaz etkinliği",
        starts_at=datetime(2025, 7, 1, 9, 0, tzinfo=dt_timezone.utc),
        ends_at=datetime(2025, 7, 1, 12, 0, tzinfo=dt_timezone.utc),
        organizers=[izmir_teknoloji],
    )
    filterset = EventFilterSet({"year": "2026", "when": "all"}, queryset=Event.objects.all())
    assert [event.title for event in filterset.qs] == ["Yılbaşı etkinliği"]
    filterset = EventFilterSet({"year": "2025", "when": "all"}, queryset=Event.objects.all())
    assert [event.title for event in filterset.qs] == ["Yaz etkinliği"]


def test_year_filter_through_the_list(reader, izmir_teknoloji):
    f.EventFactory(
        title="2026 çalıştayı",
        starts_at=datetime(2026, 3, 1, 9, 0, tzinfo=dt_timezone.utc),
        ends_at=datetime(2026, 3, 1, 12, 0, tzinfo=dt_timezone.utc),
        organizers=[izmir_teknoloji],
    )
    f.EventFactory(
        title="2025 çalıştayı",
        starts_at=datetime(2025, 3, 1, 9, 0, tzinfo=dt_timezone.utc),
        ends_at=datetime(2025, 3, 1, 12, 0, tzinfo=dt_timezone.utc),
        organizers=[izmir_teknoloji],
    )
    content = listed(reader, "year=2025")
    assert "2025 çalıştayı" in content
    assert "2026 çalıştayı" not in content


def test_filters_combine(reader, izmir_teknoloji, isbak):
    f.EventFactory(title="Hedef", kind="fair", city="İzmir", organizers=[isbak])
    f.EventFactory(title="Başka şehir", kind="fair", city="İstanbul", organizers=[isbak])
    f.EventFactory(title="Başka tür", kind="visit", city="İzmir", organizers=[isbak])
    f.EventFactory(title="Başka kurum", kind="fair", city="İzmir", organizers=[izmir_teknoloji])
    content = listed(reader, f"kind=fair&city=İzmir&organization={isbak.pk}")
    assert "Hedef" in content
    assert "1 record" in content


def test_the_filter_set_defaults_to_upcoming_events(izmir_teknoloji):
    filterset = EventFilterSet(None, queryset=Event.objects.all())
    assert filterset.when == "upcoming"
    assert filterset.is_bound
