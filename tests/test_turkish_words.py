"""Words a Turkish reader meets: create buttons that say what they create, the admin without
English leftovers or inline styles, and one spelling of "iş birliği"."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProjectFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("list_name", "button"),
    [
        ("projects:project_list", "Yeni proje"),
        ("events:event_list", "Yeni etkinlik"),
        ("transfers:knowhowtransfer_list", "Yeni aktarım"),
    ],
)
def test_the_create_buttons_say_what_they_create(client, izmir_staff, list_name, button):
    client.force_login(izmir_staff)
    assert f">{button}</a>" in client.get(reverse(list_name)).text
    client.get(reverse(list_name))  # and again, from the kept part
    assert f">{button}</a>" in client.get(reverse(list_name)).text


@pytest.mark.django_db
def test_the_create_buttons_speak_english_in_english(client_in_english, izmir_staff):
    client_in_english.force_login(izmir_staff)
    assert ">New project</a>" in client_in_english.get(reverse("projects:project_list")).text


@pytest.mark.django_db
def test_outsiders_get_no_list_and_no_button(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("projects:project_list")).status_code == 403


@pytest.mark.django_db
def test_the_admin_names_the_access_failures_in_turkish(admin_client):
    index = admin_client.get(reverse("admin:index")).text
    assert "Erişim hataları" in index
    assert "Access failures" not in index
    assert "Ortak altyapı" in index


@pytest.mark.django_db
def test_the_admin_history_page_is_turkish_and_has_no_inline_style(admin_client):
    project = ProjectFactory()
    project.title = "Yeni başlık"
    project.save()
    page = admin_client.get(reverse("admin:projects_project_history", args=[project.pk])).text
    assert 'style="' not in page  # the Content-Security-Policy refuses inline styles
    assert "Kaydın önceki bir sürümüne dönmek için" in page
    assert "Değiştiren" in page
    revert = reverse("admin:projects_project_simple_history", args=[project.pk, project.history.earliest().history_id])
    assert "Geri al" in admin_client.get(revert).text


def test_the_catalogue_spells_is_birligi_one_way():
    catalogue = Path(settings.BASE_DIR, "locale/tr/LC_MESSAGES/django.po").read_text()
    assert "işbirli" not in catalogue.replace("İ", "i")
