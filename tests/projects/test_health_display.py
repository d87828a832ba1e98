"""A project's health means something only once a progress report set it: before that, "no report yet"."""

import pytest
from django.urls import reverse

from projects.services import progress_update_record
from tests.factories import ProjectFactory


@pytest.fixture
def new_project(izmir_teknoloji):
    return ProjectFactory(lead_organization=izmir_teknoloji, title="Yeni proje")


@pytest.mark.django_db
def test_a_new_project_says_no_report_yet_instead_of_on_track(client_in_english, izmir_staff, new_project):
    client_in_english.force_login(izmir_staff)
    for url in [new_project.get_absolute_url(), reverse("dashboard:home")]:
        page = client_in_english.get(url).text
        assert "no report yet" in page, url
        assert "On track" not in page, url
    # The list's filter offers "On track" as a choice: only the badge is checked there.
    assert "no report yet" in client_in_english.get(reverse("projects:project_list")).text


@pytest.mark.django_db
def test_the_first_progress_report_sets_the_health_shown(client_in_english, izmir_staff, new_project):
    progress_update_record(
        project=new_project, author=izmir_staff, percent_complete=10, health="at_risk", done="Başladık"
    )
    client_in_english.force_login(izmir_staff)
    for url in [new_project.get_absolute_url(), reverse("projects:project_list")]:
        page = client_in_english.get(url).text
        assert "At risk" in page, url
        assert "no report yet" not in page, url


@pytest.mark.django_db
def test_an_outsider_sees_no_project_health(client_in_english, outsider, new_project):
    client_in_english.force_login(outsider)
    assert client_in_english.get(new_project.get_absolute_url()).status_code == 403
