"""Event pages for every role: list, detail, create, edit and the calendar subscription page."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings
from django.utils import timezone

from events.models import CalendarToken, Event
from tests import factories as f

pytestmark = pytest.mark.django_db

READERS = ["izmir_staff", "isbak_staff", "manager", "administrator"]


@pytest.fixture
def sign_in(client, request):
    """`sign_in("izmir_staff")` signs the client in as that member of the cast; "anonymous" stays signed out.

    Pages are read in English so the assertions do not depend on the Turkish catalogue.
    """

    def as_role(role):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return as_role


@pytest.fixture
def izmir_event(izmir_teknoloji):
    return f.EventFactory(
        title="Akıllı kavşak çalıştayı",
        starts_at=datetime(2030, 5, 4, 7, 0, tzinfo=dt_timezone.utc),
        ends_at=datetime(2030, 5, 4, 14, 0, tzinfo=dt_timezone.utc),
        city="İzmir",
        venue="Kültürpark",
        planned_participants=40,
        actual_participants=35,
        outcome="Ortak yol haritası çıkarıldı.",
        organizers=[izmir_teknoloji],
    )


@pytest.fixture
def isbak_event(isbak):
    return f.EventFactory(title="Trafik yönetim merkezi ziyareti", city="İstanbul", organizers=[isbak])


def event_data(organizers, /, **overrides):
    data = {
        "kind": "workshop",
        "title": "Veri mühendisliği buluşması",
        "description": "",
        "starts_at": "2030-06-10T10:00",
        "ends_at": "2030-06-10T17:00",
        "city": "İzmir",
        "venue": "İzmir Teknoloji ofisi",
        "online_url": "",
        "organizers": [organization.pk for organization in organizers],
        "planned_participants": "30",
        "actual_participants": "",
        "outcome": "",
    }
    data.update(overrides)
    return data


def checked_organizers(content: str) -> set[str]:
    """The organizer ids ticked in a rendered event form."""
    return set(re.findall(r'name="organizers" value="(\d+)"\s+id="id_organizers_\d+" checked', content))


# The list


def test_anonymous_visitor_is_sent_to_sign_in_from_the_list(sign_in):
    response = sign_in("anonymous").get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/events/")


def test_outsider_cannot_see_the_list(sign_in, izmir_event):
    response = sign_in("outsider").get("/events/")
    assert response.status_code == 403
    assert izmir_event.title not in response.content.decode()


@pytest.mark.parametrize("role", READERS)
def test_members_see_every_organizations_upcoming_events(sign_in, role, izmir_event, isbak_event):
    response = sign_in(role).get("/events/")
    assert response.status_code == 200
    content = response.content.decode()
    assert izmir_event.title in content
    assert isbak_event.title in content
    assert f'href="/events/{izmir_event.pk}/"' in content
    assert "İzmir Teknoloji" in content  # an organizer column, from the prefetch
    assert "2 records" in content
    assert 'href="/events/new/"' in content


def test_list_shows_place_or_online_and_participants(sign_in, izmir_teknoloji):
    f.EventFactory(title="Çevrim içi seminer", city="", is_online=True, organizers=[izmir_teknoloji])
    f.EventFactory(title="Fuar standı", planned_participants=120, actual_participants=98, organizers=[izmir_teknoloji])
    content = sign_in("izmir_staff").get("/events/").content.decode()
    assert "Online" in content
    assert "120" in content
    assert "98" in content


def test_list_query_count_does_not_grow_with_rows(sign_in, izmir_teknoloji, isbak, django_assert_num_queries):
    client = sign_in("izmir_staff")
    for number in range(5):
        f.EventFactory(title=f"Etkinlik {number}", organizers=[izmir_teknoloji, isbak])
    # session, user, cities and organizations (filter menus; the organizations also name the
    # organizers), count, page of rows with their organizers' ids.
    with django_assert_num_queries(6):
        response = client.get("/events/")
    assert response.content.decode().count('href="/events/') >= 5
    organizers = ", ".join(str(org) for org in sorted([izmir_teknoloji, isbak], key=lambda org: org.name))
    assert f"<td >{organizers}</td>" in response.content.decode()

    for number in range(5, 50):
        f.EventFactory(title=f"Etkinlik {number}", city=f"Şehir {number % 7}", organizers=[izmir_teknoloji, isbak])
    with django_assert_num_queries(6):
        response = client.get("/events/")
    assert response.status_code == 200
    assert "50 records" in response.content.decode()


def test_list_shows_25_events_a_page(sign_in, izmir_teknoloji):
    for number in range(30):
        f.EventFactory(title=f"Sayfalı etkinlik {number:02d}", organizers=[izmir_teknoloji])
    client = sign_in("izmir_staff")
    first = client.get("/events/").content.decode()
    second = client.get("/events/?page=2").content.decode()
    assert first.count("Sayfalı etkinlik") == 25
    assert second.count("Sayfalı etkinlik") == 5
    assert "30 records" in first


def test_list_can_be_exported_as_shown(sign_in, izmir_event, isbak_event):
    response = sign_in("izmir_staff").get("/events/?export=csv&city=İzmir")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    assert izmir_event.title in content
    assert isbak_event.title not in content


# Tabs


def test_upcoming_tab_is_the_default_and_lists_soonest_first(sign_in, izmir_teknoloji):
    now = timezone.now()
    later = f.EventFactory(title="Sonraki etkinlik", starts_at=now + timedelta(days=30), organizers=[izmir_teknoloji])
    sooner = f.EventFactory(title="Yakın etkinlik", starts_at=now + timedelta(days=2), organizers=[izmir_teknoloji])
    past = f.EventFactory(title="Geçmiş etkinlik", starts_at=now - timedelta(days=5), organizers=[izmir_teknoloji])
    response = sign_in("izmir_staff").get("/events/")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index(sooner.title) < content.index(later.title)
    assert past.title not in content
    assert '<a class="nav-link active" aria-current="page" href="?when=upcoming">Upcoming</a>' in content


def test_an_event_that_has_started_but_not_ended_is_still_upcoming(sign_in, izmir_teknoloji):
    now = timezone.now()
    f.EventFactory(
        title="Süren fuar",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        organizers=[izmir_teknoloji],
    )
    assert "Süren fuar" in sign_in("izmir_staff").get("/events/").content.decode()
    assert "Süren fuar" not in sign_in("izmir_staff").get("/events/?when=past").content.decode()


def test_past_tab_lists_past_events_newest_first(sign_in, izmir_teknoloji):
    now = timezone.now()
    older = f.EventFactory(title="Eski çalıştay", starts_at=now - timedelta(days=60), organizers=[izmir_teknoloji])
    newer = f.EventFactory(title="Yeni çalıştay", starts_at=now - timedelta(days=3), organizers=[izmir_teknoloji])
    upcoming = f.EventFactory(title="Gelecek çalıştay", starts_at=now + timedelta(days=3), organizers=[izmir_teknoloji])
    response = sign_in("izmir_staff").get("/events/?when=past")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index(newer.title) < content.index(older.title)
    assert upcoming.title not in content
    assert '<a class="nav-link active" aria-current="page" href="?when=past">Past</a>' in content


def test_all_tab_lists_past_and_upcoming_events(sign_in, izmir_teknoloji):
    now = timezone.now()
    f.EventFactory(title="Geçmiş toplantı", starts_at=now - timedelta(days=5), organizers=[izmir_teknoloji])
    f.EventFactory(title="Gelecek toplantı", starts_at=now + timedelta(days=5), organizers=[izmir_teknoloji])
    content = sign_in("izmir_staff").get("/events/?when=all").content.decode()
    assert "Geçmiş toplantı" in content
    assert "Gelecek toplantı" in content
    assert "2 records" in content


def test_tabs_keep_the_other_filters_in_the_url(sign_in, izmir_event):
    content = sign_in("izmir_staff").get("/events/?q=kavşak&kind=workshop&page=1").content.decode()
    assert 'href="?q=kav%C5%9Fak&amp;kind=workshop&amp;when=past"' in content
    assert 'href="?q=kav%C5%9Fak&amp;kind=workshop&amp;when=all"' in content
    # and the filter form keeps the tab
    assert '<input type="hidden" name="when" value="upcoming"' in content


def test_an_unknown_tab_shows_the_upcoming_events(sign_in, izmir_event):
    response = sign_in("izmir_staff").get("/events/?when=tomorrow")
    assert response.status_code == 200
    assert izmir_event.title in response.content.decode()


# Detail


def test_anonymous_visitor_is_sent_to_sign_in_from_an_event(sign_in, izmir_event):
    response = sign_in("anonymous").get(f"/events/{izmir_event.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_cannot_see_an_event(sign_in, izmir_event):
    response = sign_in("outsider").get(f"/events/{izmir_event.pk}/")
    assert response.status_code == 403
    assert izmir_event.title not in response.content.decode()


@pytest.mark.parametrize("role", READERS)
def test_members_see_an_events_details(sign_in, role, izmir_event, izmir_teknoloji):
    project = f.ProjectFactory(code="KPR-77", title="Adaptif sinyal", lead_organization=izmir_teknoloji)
    izmir_event.projects.add(project)
    response = sign_in(role).get(f"/events/{izmir_event.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h1 class="h3">{izmir_event.title}</h1>' in content
    assert "Workshop" in content
    assert "Kültürpark, İzmir" in content
    assert izmir_teknoloji.name in content
    assert "planned 40, actual 35" in content
    assert f'<a href="/projects/{project.pk}/">KPR-77 — Adaptif sinyal</a>' in content
    assert "Ortak yol haritası çıkarıldı." in content
    assert "Change history" in content


def test_event_times_are_shown_in_istanbul_time(sign_in, izmir_event):
    content = sign_in("izmir_staff").get(f"/events/{izmir_event.pk}/").content.decode()
    assert 'datetime="2030-05-04T10:00:00+03:00"' in content
    assert 'datetime="2030-05-04T17:00:00+03:00"' in content


def test_an_online_event_shows_its_link(sign_in, izmir_teknoloji):
    event = f.EventFactory(
        city="", is_online=True, online_url="https://meet.example.org/kopru", organizers=[izmir_teknoloji]
    )
    content = sign_in("izmir_staff").get(f"/events/{event.pk}/").content.decode()
    assert '<a href="https://meet.example.org/kopru" rel="noopener noreferrer">' in content
    assert "Online" in content


def test_event_page_shows_its_protocol_articles(sign_in, izmir_event):
    article = f.ProtocolArticleFactory(number=3, title="Ortak etkinlikler")
    izmir_event.articles.add(article)
    content = sign_in("izmir_staff").get(f"/events/{izmir_event.pk}/").content.decode()
    assert "Ortak etkinlikler" in content


@pytest.mark.parametrize("role", ["izmir_staff", "manager", "administrator"])
def test_those_who_may_change_an_event_see_the_edit_button(sign_in, role, izmir_event):
    response = sign_in(role).get(f"/events/{izmir_event.pk}/")
    assert response.status_code == 200
    assert f'href="/events/{izmir_event.pk}/edit/"' in response.content.decode()


def test_staff_of_another_organization_see_no_edit_button(sign_in, izmir_event):
    response = sign_in("isbak_staff").get(f"/events/{izmir_event.pk}/")
    assert response.status_code == 200
    assert f'href="/events/{izmir_event.pk}/edit/"' not in response.content.decode()


def test_changes_show_in_the_events_history(sign_in, izmir_event):
    client = sign_in("izmir_staff")
    client.post(
        f"/events/{izmir_event.pk}/edit/",
        event_data(
            izmir_event.organizers.all(), title="Yeni başlık", starts_at="2030-05-04T10:00", ends_at="2030-05-04T17:00"
        ),
    )
    content = client.get(f"/events/{izmir_event.pk}/").content.decode()
    assert "<del>Akıllı kavşak çalıştayı</del>" in content
    assert "<ins>Yeni başlık</ins>" in content


@pytest.mark.parametrize("path", ["/events/999999/", "/events/999999/edit/", "/events/abc/", "/events/1x/edit/"])
def test_an_unknown_or_malformed_id_is_not_found(sign_in, path):
    response = sign_in("manager").get(path)
    assert response.status_code == 404
    assert "Akıllı" not in response.content.decode()


# Create


def test_anonymous_visitor_is_sent_to_sign_in_from_the_create_page(sign_in):
    response = sign_in("anonymous").get("/events/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_cannot_create_an_event(sign_in, izmir_teknoloji):
    client = sign_in("outsider")
    assert client.get("/events/new/").status_code == 403
    response = client.post("/events/new/", event_data([izmir_teknoloji]))
    assert response.status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_members_see_the_create_form(sign_in, role, izmir_teknoloji, isbak):
    response = sign_in(role).get("/events/new/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "New event" in content
    assert 'type="datetime-local" name="starts_at"' in content
    assert 'name="organizers"' in content
    assert 'href="/events/"' in content  # cancel


def test_staffs_own_organization_is_proposed_as_organizer(sign_in, izmir_teknoloji, isbak):
    content = sign_in("izmir_staff").get("/events/new/").content.decode()
    assert checked_organizers(content) == {str(izmir_teknoloji.pk)}


def test_staff_record_an_event_their_organization_organizes(sign_in, izmir_teknoloji, isbak):
    response = sign_in("izmir_staff").post("/events/new/", event_data([izmir_teknoloji, isbak]), follow=True)
    event = Event.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/events/{event.pk}/"
    assert "was saved" in response.content.decode()
    assert event.title == "Veri mühendisliği buluşması"
    assert set(event.organizers.all()) == {izmir_teknoloji, isbak}
    # The form speaks Istanbul time: 10:00 there is 07:00 UTC.
    assert event.starts_at == datetime(2030, 6, 10, 7, 0, tzinfo=dt_timezone.utc)
    assert event.history.count() == 1


def test_isbak_staff_record_an_event_isbak_organizes(sign_in, isbak):
    response = sign_in("isbak_staff").post("/events/new/", event_data([isbak], city="İstanbul"))
    event = Event.objects.get()
    assert response.status_code == 302
    assert list(event.organizers.all()) == [isbak]


def test_staff_cannot_record_an_event_only_another_organization_organizes(sign_in, isbak):
    response = sign_in("izmir_staff").post("/events/new/", event_data([isbak]))
    assert response.status_code == 200
    assert "must be one of the organizers" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", ["manager", "administrator"])
def test_managers_record_events_of_any_organization(sign_in, role, isbak):
    response = sign_in(role).post("/events/new/", event_data([isbak]))
    assert response.status_code == 302
    assert list(Event.objects.get().organizers.all()) == [isbak]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-06-10T09:00"}, "ends_at", "An event cannot end before it starts."),
        ({"city": "", "venue": ""}, "city", "Give a city or venue, or mark the event as online."),
        ({"title": ""}, "title", "This field is required."),
        ({"organizers": []}, "organizers", "This field is required."),
        ({"starts_at": "yarın"}, "starts_at", "Enter a valid date/time."),
        ({"planned_participants": "-3"}, "planned_participants", "greater than or equal to 0"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "Enter a valid URL."),
        ({"kind": "party"}, "kind", "Select a valid choice."),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(sign_in, izmir_teknoloji, overrides, field, message):
    response = sign_in("izmir_staff").post("/events/new/", event_data([izmir_teknoloji], **overrides))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content
    assert message in content
    assert not Event.objects.exists()


def test_an_online_event_needs_no_city(sign_in, izmir_teknoloji):
    response = sign_in("izmir_staff").post(
        "/events/new/",
        event_data([izmir_teknoloji], city="", venue="", is_online="on", online_url="https://meet.example.org/x"),
    )
    assert response.status_code == 302
    assert Event.objects.get().is_online


# Edit


def test_anonymous_visitor_is_sent_to_sign_in_from_the_edit_page(sign_in, izmir_event):
    response = sign_in("anonymous").get(f"/events/{izmir_event.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_cannot_edit_an_event(sign_in, izmir_event):
    response = sign_in("outsider").get(f"/events/{izmir_event.pk}/edit/")
    assert response.status_code == 403
    assert izmir_event.title not in response.content.decode()


@pytest.mark.parametrize("role", ["izmir_staff", "manager", "administrator"])
def test_those_who_may_change_an_event_see_its_edit_form(sign_in, role, izmir_event):
    response = sign_in(role).get(f"/events/{izmir_event.pk}/edit/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Edit: {izmir_event.title}" in content
    assert 'value="2030-05-04T10:00"' in content  # Istanbul time in the input
    assert f'href="/events/{izmir_event.pk}/"' in content  # cancel


def test_staff_cannot_edit_other_organizations_event(sign_in, izmir_event):
    response = sign_in("isbak_staff").get(f"/events/{izmir_event.pk}/edit/")
    assert response.status_code == 403
    assert 'name="title"' not in response.content.decode()


def test_forged_post_to_another_organizations_event_changes_nothing(sign_in, izmir_event, isbak):
    before = Event.objects.values().get(pk=izmir_event.pk)
    history = izmir_event.history.count()
    response = sign_in("isbak_staff").post(
        f"/events/{izmir_event.pk}/edit/", event_data([isbak], title="Ele geçirildi")
    )
    assert response.status_code == 403
    assert Event.objects.filter(title="Ele geçirildi").count() == 0
    assert Event.objects.values().get(pk=izmir_event.pk) == before
    assert list(izmir_event.organizers.all()) != [isbak]
    assert izmir_event.history.count() == history


@pytest.mark.parametrize("role", ["izmir_staff", "manager", "administrator"])
def test_those_who_may_change_an_event_save_it(sign_in, role, izmir_event, izmir_teknoloji):
    response = sign_in(role).post(
        f"/events/{izmir_event.pk}/edit/", event_data([izmir_teknoloji], title="Güncellenen çalıştay")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/events/{izmir_event.pk}/"
    izmir_event.refresh_from_db()
    assert izmir_event.title == "Güncellenen çalıştay"


def test_managers_edit_another_organizations_event(sign_in, isbak_event, isbak):
    response = sign_in("manager").post(
        f"/events/{isbak_event.pk}/edit/", event_data([isbak], title="Yönetici düzeltti")
    )
    assert response.status_code == 302
    isbak_event.refresh_from_db()
    assert isbak_event.title == "Yönetici düzeltti"


def test_staff_cannot_drop_their_organization_from_an_events_organizers(sign_in, izmir_event, isbak):
    response = sign_in("izmir_staff").post(f"/events/{izmir_event.pk}/edit/", event_data([isbak], title="Devredildi"))
    assert response.status_code == 200
    assert "must be one of the organizers" in response.content.decode()
    izmir_event.refresh_from_db()
    assert izmir_event.title == "Akıllı kavşak çalıştayı"


def test_bad_input_on_edit_shows_errors_and_changes_nothing(sign_in, izmir_event, izmir_teknoloji):
    response = sign_in("izmir_staff").post(
        f"/events/{izmir_event.pk}/edit/",
        event_data([izmir_teknoloji], title="Bozuk", starts_at="2030-06-10T18:00", ends_at="2030-06-10T08:00"),
    )
    assert response.status_code == 200
    assert "An event cannot end before it starts." in response.content.decode()
    izmir_event.refresh_from_db()
    assert izmir_event.title == "Akıllı kavşak çalıştayı"


# Calendar subscription page


def test_anonymous_visitor_is_sent_to_sign_in_from_the_subscription_page(sign_in):
    response = sign_in("anonymous").get("/events/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_cannot_subscribe(sign_in, outsider):
    client = sign_in("outsider")
    assert client.get("/events/calendar/").status_code == 403
    assert client.post("/events/calendar/", {"action": "create"}).status_code == 403
    assert not CalendarToken.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_members_without_a_key_are_offered_one(sign_in, role):
    response = sign_in(role).get("/events/calendar/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "You have no subscription address yet." in content
    assert 'name="action" value="create"' in content
    assert 'value="revoke"' not in content


@pytest.mark.parametrize("role", READERS)
def test_members_create_their_subscription_url(sign_in, role, request):
    user = request.getfixturevalue(role)
    response = sign_in(role).post("/events/calendar/", {"action": "create"}, follow=True)
    token = CalendarToken.objects.get(user=user)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your calendar subscription URL is ready." in content
    assert f'value="http://testserver/events/calendar.ics?token={token.key}"' in content
    assert 'name="action" value="revoke"' in content


def test_regenerating_replaces_the_old_subscription_url(sign_in, izmir_staff):
    client = sign_in("izmir_staff")
    client.post("/events/calendar/", {"action": "create"})
    old_key = CalendarToken.objects.get(user=izmir_staff).key
    response = client.post("/events/calendar/", {"action": "create"}, follow=True)
    new_key = CalendarToken.objects.get(user=izmir_staff).key
    content = response.content.decode()
    assert new_key != old_key
    assert new_key in content
    assert old_key not in content


def test_members_revoke_their_subscription_url(sign_in, izmir_staff):
    client = sign_in("izmir_staff")
    client.post("/events/calendar/", {"action": "create"})
    key = CalendarToken.objects.get(user=izmir_staff).key
    response = client.post("/events/calendar/", {"action": "revoke"}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your calendar subscription URL was revoked." in content
    assert key not in content
    assert not CalendarToken.objects.filter(user=izmir_staff).exists()


def test_revoking_without_a_key_says_so(sign_in):
    response = sign_in("izmir_staff").post("/events/calendar/", {"action": "revoke"}, follow=True)
    assert response.status_code == 200
    assert "You had no calendar subscription URL." in response.content.decode()


def test_an_unknown_subscription_action_is_refused(sign_in, izmir_staff):
    response = sign_in("izmir_staff").post("/events/calendar/", {"action": "steal"})
    assert response.status_code == 400
    assert not CalendarToken.objects.exists()


def test_one_users_actions_do_not_touch_anothers_key(sign_in, isbak_staff):
    other = CalendarToken.objects.create(user=isbak_staff)
    client = sign_in("izmir_staff")
    client.post("/events/calendar/", {"action": "create"})
    client.post("/events/calendar/", {"action": "revoke"})
    assert CalendarToken.objects.get(user=isbak_staff).key == other.key
