"""Importing events: organizers, projects and articles by name; Istanbul times; staff import what they organize."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.resources import EventResource
from tests.core.test_imports import confirm, csv_bytes, headers, preview
from tests.factories import EventFactory, ProjectFactory, ProtocolArticleFactory

pytestmark = pytest.mark.django_db

EVENT_IMPORT = reverse("events:event_import")
COLUMNS = ("pk", "title", "kind", "starts_at", "ends_at", "city", "is_online", "organizers", "projects", "articles")


def event_csv(*rows, encoding="utf-8-sig", delimiter=","):
    return csv_bytes([headers(EventResource, *COLUMNS), *rows], encoding=encoding, delimiter=delimiter)


def test_events_are_created_with_their_organizers_projects_and_articles(client, izmir_staff, izmir_teknoloji, isbak):
    project = ProjectFactory(code="KPR-01", title="Sinyal")
    article = ProtocolArticleFactory(number=1, title="Ortak etkinlikler")
    client.force_login(izmir_staff)
    content = event_csv(
        [
            "",
            "Şehir çalıştayı — İğdır",
            "Çalıştay",
            "27.04.2026 09:30",
            "27.04.2026 17:00",
            "İzmir",
            "hayır",
            "izmir teknoloji; İSBAK",
            "KPR-01 — Sinyal",
            "Md. 1 — Ortak etkinlikler",
        ],
        encoding="cp1254",
        delimiter=";",
    )
    response = preview(client, EVENT_IMPORT, content)
    assert response.context["plan"].errors == []
    confirm(client, EVENT_IMPORT, response)

    event = Event.objects.get()
    assert event.title == "Şehir çalıştayı — İğdır"
    assert event.kind == "workshop"
    assert event.starts_at == datetime(2026, 4, 27, 9, 30, tzinfo=timezone.get_default_timezone())
    assert set(event.organizers.all()) == {izmir_teknoloji, isbak}
    assert list(event.projects.all()) == [project]
    assert list(event.articles.all()) == [article]
    assert event.history.get().history_user == izmir_staff


def test_the_events_own_rules_show_as_row_errors(client_in_english, manager, isbak):
    client_in_english.force_login(manager)
    content = event_csv(
        ["", "Geriye", "Workshop", "2026-04-27 17:00", "2026-04-27 09:00", "İzmir", "", "İSBAK", "", ""],
        ["", "Yersiz", "Workshop", "2026-04-27 09:00", "2026-04-27 17:00", "", "no", "İSBAK", "", ""],
        ["", "Kimsesiz", "Workshop", "2026-04-27 09:00", "2026-04-27 17:00", "İzmir", "", "", "", ""],
    )
    errors = preview(client_in_english, EVENT_IMPORT, content).context["plan"].errors
    assert [(error.row, error.column, error.message) for error in errors] == [
        (2, "", "An event cannot end before it starts."),
        (3, "", "Give a city or venue, or mark the event as online."),
        (4, "Organizers", "This field cannot be blank."),
    ]


def test_staff_importing_events_their_organization_does_not_organize_get_errors_not_writes(
    client_in_english, izmir_staff, isbak
):
    theirs = EventFactory(title="İSBAK etkinliği", organizers=[isbak], city="İstanbul")
    client_in_english.force_login(izmir_staff)
    content = event_csv(
        [theirs.pk, "Değişti", "Workshop", "2026-04-27 09:00", "2026-04-27 17:00", "İstanbul", "", "İSBAK", "", ""],
        ["", "Yeni", "Workshop", "2026-04-27 09:00", "2026-04-27 17:00", "İstanbul", "", "İSBAK", "", ""],
    )
    response = preview(client_in_english, EVENT_IMPORT, content)
    errors = response.context["plan"].errors
    assert {(error.row, error.column) for error in errors} == {(2, "ID"), (2, "Organizers"), (3, "Organizers")}
    assert "must be one of the organizers" in errors[-1].message
    confirm(client_in_english, EVENT_IMPORT, response)
    theirs.refresh_from_db()
    assert theirs.title == "İSBAK etkinliği"
    assert Event.objects.count() == 1


def test_an_event_updated_by_id_shows_its_changes(client_in_english, manager, izmir_teknoloji):
    event = EventFactory(title="Çalıştay", organizers=[izmir_teknoloji], city="İzmir", is_online=False)
    client_in_english.force_login(manager)
    local = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    end = timezone.localtime(event.ends_at).strftime("%Y-%m-%d %H:%M")
    content = event_csv([event.pk, "Çalıştay", "Workshop", local, end, "İstanbul", "yes", "İzmir Teknoloji", "", ""])
    (row,) = preview(client_in_english, EVENT_IMPORT, content).context["updates"]
    assert [(change.column, change.old, change.new) for change in row.changes] == [
        ("City", "İzmir", "İstanbul"),
        ("Online", "No", "Yes"),
    ]


def test_staff_may_update_events_their_organization_organizes(client, izmir_staff, izmir_teknoloji, isbak):
    ours = EventFactory(title="Ortak", organizers=[izmir_teknoloji, isbak], city="İzmir")
    client.force_login(izmir_staff)
    start = timezone.localtime(ours.starts_at).strftime("%d.%m.%Y %H:%M")
    end = timezone.localtime(ours.ends_at).strftime("%d.%m.%Y %H:%M")
    content = event_csv([ours.pk, "Ortak, yeni adıyla", "", start, end, "İzmir", "", "İSBAK; İzmir Teknoloji", "", ""])
    response = preview(client, EVENT_IMPORT, content)
    assert response.context["plan"].errors == []
    assert [change.accessor for change in response.context["updates"][0].changes] == ["title"]
    confirm(client, EVENT_IMPORT, response)
    ours.refresh_from_db()
    assert ours.title == "Ortak, yeni adıyla"
