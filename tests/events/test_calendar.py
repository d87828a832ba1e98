"""The iCalendar feed at /events/calendar.ics: valid RFC 5545, and only for readers or holders of a live key."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import CalendarToken
from events.services import calendar_token_revoke, calendar_token_rotate
from tests import factories as f

pytestmark = pytest.mark.django_db

FEED = "/events/calendar.ics"


@pytest.fixture
def fair(izmir_teknoloji, isbak):
    return f.EventFactory(
        title="93. İzmir Enternasyonal Fuarı — İzmir Teknoloji standı",
        kind="fair",
        starts_at=datetime(2030, 8, 30, 15, 0, tzinfo=dt_timezone.utc),
        ends_at=datetime(2030, 8, 30, 18, 30, tzinfo=dt_timezone.utc),
        city="İzmir",
        venue="Kültürpark",
        description="Protokolün imzalandığı stant; noktalı virgül, virgül ve\nyeni satır.",
        organizers=[izmir_teknoloji, isbak],
    )


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(body(response))


def body(response) -> bytes:
    """The feed streams: its body is the joined chunks."""
    return b"".join(response.streaming_content)


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def test_a_signed_in_reader_gets_the_feed(client, izmir_staff, fair):
    client.force_login(izmir_staff)
    calendar = parse(client.get(FEED))
    assert str(calendar["VERSION"]) == "2.0"
    assert "Köprü" in str(calendar["PRODID"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Istanbul"
    assert str(calendar["X-WR-CALNAME"])
    assert f"event-{fair.pk}@kopru" in vevents(calendar)


def test_an_events_fields_survive_the_round_trip(client, izmir_staff, fair):
    client.force_login(izmir_staff)
    entry = vevents(parse(client.get(FEED)))[f"event-{fair.pk}@kopru"]
    assert str(entry["SUMMARY"]) == fair.title
    assert entry.decoded("DTSTART") == fair.starts_at
    assert entry.decoded("DTEND") == fair.ends_at
    assert entry.decoded("DTSTART").tzinfo is not None
    assert str(entry["LOCATION"]) == "Kültürpark, İzmir"
    assert str(entry["URL"]) == f"http://testserver/events/{fair.pk}/"
    assert "noktalı virgül, virgül ve\nyeni satır." in str(entry["DESCRIPTION"])
    assert "İzmir Teknoloji" in str(entry["DESCRIPTION"])
    assert entry.decoded("DTSTAMP").tzinfo is not None


def test_categories_carry_the_kind_in_the_readers_language(client, izmir_staff, fair):
    client.cookies["django_language"] = "en"
    client.force_login(izmir_staff)
    entry = vevents(parse(client.get(FEED)))[f"event-{fair.pk}@kopru"]
    assert [str(category) for category in entry["CATEGORIES"].cats] == ["Fair"]


def test_an_online_events_location_says_online(client, izmir_staff, izmir_teknoloji):
    client.cookies["django_language"] = "en"
    client.force_login(izmir_staff)
    event = f.EventFactory(
        city="", is_online=True, online_url="https://meet.example.org/k", organizers=[izmir_teknoloji]
    )
    entry = vevents(parse(client.get(FEED)))[f"event-{event.pk}@kopru"]
    assert str(entry["LOCATION"]) == "Online"
    assert "https://meet.example.org/k" in str(entry["DESCRIPTION"])


def test_the_feed_holds_past_and_upcoming_events_with_stable_uids(client, manager, izmir_teknoloji):
    client.force_login(manager)
    now = timezone.now()
    past = f.EventFactory(starts_at=now - timedelta(days=200), organizers=[izmir_teknoloji])
    upcoming = f.EventFactory(starts_at=now + timedelta(days=4), organizers=[izmir_teknoloji])
    first = vevents(parse(client.get(FEED)))
    second = vevents(parse(client.get(FEED)))
    assert set(first) == {f"event-{past.pk}@kopru", f"event-{upcoming.pk}@kopru"}
    assert set(first) == set(second)


def test_an_empty_feed_is_still_a_valid_calendar(client, isbak_staff):
    client.force_login(isbak_staff)
    calendar = parse(client.get(FEED))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize("role", ["izmir_staff", "isbak_staff", "manager", "administrator"])
def test_every_reader_may_fetch_the_feed(client, request, role, fair):
    client.force_login(request.getfixturevalue(role))
    assert fair.title in str(vevents(parse(client.get(FEED)))[f"event-{fair.pk}@kopru"]["SUMMARY"])


def test_anonymous_without_a_key_gets_no_data(client, fair):
    response = client.get(FEED)
    assert response.status_code == 403
    assert b"BEGIN:VCALENDAR" not in response.content
    assert fair.title.encode() not in response.content


def test_a_signed_in_outsider_gets_no_data(client, outsider, fair):
    client.force_login(outsider)
    response = client.get(FEED)
    assert response.status_code == 403
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_calendar_application_reads_the_feed_with_a_key(client, izmir_staff, fair):
    token = calendar_token_rotate(user=izmir_staff)
    calendar = parse(client.get(FEED, {"token": token.key}))
    assert f"event-{fair.pk}@kopru" in vevents(calendar)


@pytest.mark.parametrize("key", ["", "not-a-key", "x" * 200])
def test_an_unknown_key_gets_no_data(client, izmir_staff, fair, key):
    CalendarToken.objects.create(user=izmir_staff)
    response = client.get(FEED, {"token": key})
    assert response.status_code == 403
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_revoked_key_is_refused(client, izmir_staff, fair):
    key = calendar_token_rotate(user=izmir_staff).key
    assert client.get(FEED, {"token": key}).status_code == 200
    calendar_token_revoke(user=izmir_staff)
    response = client.get(FEED, {"token": key})
    assert response.status_code == 403
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_rotated_key_is_refused_and_the_new_one_works(client, izmir_staff, fair):
    old_key = calendar_token_rotate(user=izmir_staff).key
    new_key = calendar_token_rotate(user=izmir_staff).key
    assert client.get(FEED, {"token": old_key}).status_code == 403
    assert client.get(FEED, {"token": new_key}).status_code == 200


def test_an_outsiders_key_is_refused(client, outsider, fair):
    key = CalendarToken.objects.create(user=outsider).key
    response = client.get(FEED, {"token": key})
    assert response.status_code == 403
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_deactivated_users_key_is_refused(client, izmir_staff, fair):
    key = calendar_token_rotate(user=izmir_staff).key
    izmir_staff.is_active = False
    izmir_staff.save()
    assert client.get(FEED, {"token": key}).status_code == 403


def test_a_managers_key_works_though_they_belong_to_no_organization(client, administrator, fair):
    key = calendar_token_rotate(user=administrator).key
    assert client.get(FEED, {"token": key}).status_code == 200


def test_the_feed_is_not_cached_by_shared_caches(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.get(FEED)
    assert "private" in response["Cache-Control"]


def test_the_feed_answers_only_get(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.post(FEED)
    assert response.status_code == 405


@pytest.mark.django_db(transaction=True)  # the kept body goes stale when a write commits, as in production
def test_an_unchanged_feed_answers_304_and_a_changed_one_does_not(client, izmir_staff):
    event = f.EventFactory(title="Çalıştay")
    client.force_login(izmir_staff)
    first = client.get(reverse("events:event_calendar"))
    assert first.status_code == 200
    again = client.get(reverse("events:event_calendar"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    event.title = "Değişen çalıştay"
    event.save()
    changed = client.get(reverse("events:event_calendar"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Değişen çalıştay" in body(changed).decode()
    f.EventFactory()
    assert client.get(reverse("events:event_calendar"), HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_a_calendar_application_polling_an_unchanged_feed_costs_one_query(
    client, izmir_staff, fair, django_assert_num_queries
):
    key = calendar_token_rotate(user=izmir_staff).key
    first = client.get(FEED, {"token": key})
    with django_assert_num_queries(1):  # the token, its user, role and the data version together
        again = client.get(FEED, {"token": key}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_feed_streams_from_two_queries_whatever_the_number_of_events(
    client, izmir_staff, django_assert_num_queries
):
    f.EventFactory.create_batch(3)
    client.force_login(izmir_staff)
    response = client.get(FEED)
    with django_assert_num_queries(2):  # the organizers' names, then the events through one cursor
        calendar = parse(response)
    assert len(calendar.walk("VEVENT")) == 3


def test_by_default_the_feed_leaves_out_events_that_ended_over_a_year_ago(client, izmir_staff, fair):
    old = f.EventFactory(starts_at=timezone.now() - timedelta(days=400), ends_at=timezone.now() - timedelta(days=399))
    recent = f.EventFactory(starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=29))
    client.force_login(izmir_staff)
    default = vevents(parse(client.get(FEED)))
    assert set(default) == {f"event-{fair.pk}@kopru", f"event-{recent.pk}@kopru"}
    everything = vevents(parse(client.get(FEED, {"all": "1"})))
    assert f"event-{old.pk}@kopru" in everything
    assert client.get(FEED)["ETag"] != client.get(FEED, {"all": "1"})["ETag"]


def test_the_kept_body_links_with_the_scheme_it_was_asked_on(client, izmir_staff, fair):
    client.force_login(izmir_staff)
    plain = client.get(FEED)
    secure = client.get(FEED, secure=True)
    assert str(vevents(parse(plain))[f"event-{fair.pk}@kopru"]["URL"]).startswith("http://testserver/")
    assert str(vevents(parse(secure))[f"event-{fair.pk}@kopru"]["URL"]).startswith("https://testserver/")
    assert plain["ETag"] != secure["ETag"]


@pytest.mark.django_db(transaction=True)  # the kept body goes stale when a write commits, as in production
def test_another_reader_of_the_unchanged_feed_gets_the_kept_body_and_a_write_makes_it_afresh(
    client, izmir_staff, isbak_staff, fair, django_assert_num_queries
):
    client.force_login(izmir_staff)
    first = body(client.get(FEED))
    key = calendar_token_rotate(user=isbak_staff).key
    application = Client()  # a calendar application: no session, the key alone
    with django_assert_num_queries(1):  # the token, its user and the data version; the body was kept
        assert body(application.get(FEED, {"token": key})) == first
    later = f.EventFactory(title="Yeni çalıştay")  # a committed write: the next reader gets it
    assert f"event-{later.pk}@kopru" in vevents(parse(application.get(FEED, {"token": key})))
    with django_assert_num_queries(4):  # session, user, then the whole history made afresh: not kept
        body(client.get(FEED, {"all": "1"}))
