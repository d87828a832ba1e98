"""Parts of pages kept as HTML until the next write (core/cache.py, {% cached_fragment %}).

Lists keep their filter form, count and table; the project page its body; edit forms the
fields as they open.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, ProjectFactory
from tests.projects.test_views import project_post

LIST_URL = reverse("projects:project_list")


@pytest.mark.django_db
def test_a_repeated_view_runs_only_the_session_and_user_queries(
    client, manager, izmir_teknoloji, django_assert_num_queries
):
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    first = client.get(LIST_URL + "?sort=-code")
    # session, user (with the data version): the list itself comes from the cache.
    with django_assert_num_queries(2):
        again = client.get(LIST_URL + "?sort=-code")
    # The list part is the same HTML (the page around it has a fresh CSRF token).
    assert again.content.partition(b'<div class="row g-3">')[2] == first.content.partition(b'<div class="row g-3">')[2]
    assert "IZT-1" in again.content.decode()


@pytest.mark.django_db
def test_each_query_string_and_language_is_kept_apart(client, manager, izmir_teknoloji):
    ProjectFactory(code="IZT-1", title="Birinci", lead_organization=izmir_teknoloji)
    ProjectFactory(code="IZT-2", title="İkinci", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    client.get(LIST_URL)
    assert "IZT-2" not in client.get(LIST_URL + "?q=birinci").content.decode()
    assert "IZT-1" not in client.get(LIST_URL + "?q=ikinci").content.decode()
    turkish = client.get(LIST_URL).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(LIST_URL).content.decode()
    assert "2 kayıt" in turkish
    assert "2 records" in english


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_the_next_view(client, manager, izmir_teknoloji):
    project = ProjectFactory(code="IZT-1", title="Eski başlık", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    assert "Eski başlık" in client.get(LIST_URL).content.decode()

    data = project_post(izmir_teknoloji, code="IZT-1", title="Yeni başlık", version=project.version)
    assert client.post(reverse("projects:project_update", args=[project.pk]), data).status_code == 302
    assert "Yeni başlık" in client.get(LIST_URL).content.decode()

    ProjectFactory(code="IZT-2", lead_organization=izmir_teknoloji)  # any write, not only the pages'
    assert "IZT-2" in client.get(LIST_URL).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_keeps_the_cached_list(client, manager, izmir_teknoloji, django_assert_num_queries):
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    client.get(LIST_URL)
    with pytest.raises(RuntimeError), transaction.atomic():
        ProjectFactory(code="IZT-2", lead_organization=izmir_teknoloji)
        raise RuntimeError
    with django_assert_num_queries(2):
        assert "IZT-2" not in client.get(LIST_URL).content.decode()


@pytest.mark.django_db
def test_the_events_list_is_not_cached_because_events_move_with_the_clock(client, manager):
    EventFactory()
    client.force_login(manager)
    client.get(reverse("events:event_list"))
    with CaptureQueriesContext(connection) as repeated:
        client.get(reverse("events:event_list"))
    assert len(repeated.captured_queries) > 2


@pytest.mark.django_db(transaction=True)
def test_an_opened_edit_form_is_kept_until_the_record_changes(
    client, manager, izmir_teknoloji, django_assert_num_queries
):
    project = ProjectFactory(code="IZT-1", title="Eski başlık", lead_organization=izmir_teknoloji)
    edit_url = reverse("projects:project_update", args=[project.pk])
    client.force_login(manager)
    first = client.get(edit_url)
    with django_assert_num_queries(3):  # session, user, project (with the edit flag)
        again = client.get(edit_url)
    marker = b'name="csrfmiddlewaretoken"'
    # After the form's own CSRF token (the last one on the page), the same HTML.
    kept = again.content.rpartition(marker)[2].partition(b">")[2]
    assert kept == first.content.rpartition(marker)[2].partition(b">")[2]
    stored = cache.get(first.context["fragment_key"])
    assert 'name="title"' in stored
    assert "csrfmiddlewaretoken" not in stored  # the form's token is the page's own, never kept

    data = project_post(izmir_teknoloji, code="IZT-1", title="Yeni başlık", version=project.version)
    assert client.post(edit_url, data).status_code == 302
    reopened = client.get(edit_url).content.decode()
    assert 'value="Yeni başlık"' in reopened
    project.refresh_from_db()
    assert f'name="version" value="{project.version}"' in reopened  # saving again is no false conflict


@pytest.mark.django_db
def test_a_form_sent_back_with_errors_is_not_kept(client, manager, izmir_teknoloji):
    project = ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    edit_url = reverse("projects:project_update", args=[project.pk])
    client.force_login(manager)
    client.post(edit_url, project_post(izmir_teknoloji, code="", title=""))
    assert "is-invalid" not in client.get(edit_url).content.decode()


@pytest.mark.django_db
def test_each_role_has_its_own_kept_parts(client, izmir_staff, manager, izmir_teknoloji, django_assert_num_queries):
    # Nothing in a kept list depends on the reader today; the role in the key keeps it so if
    # a column or button ever does.
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    client.force_login(izmir_staff)
    client.get(LIST_URL)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as managers_first:
        client.get(LIST_URL)
    assert len(managers_first.captured_queries) == 6  # built for the manager, not the staff's copy
    with django_assert_num_queries(2):
        client.get(LIST_URL)
