"""A form's errors stand on the field they belong to, and say limits in Köprü's own words."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import ProjectFactory


def _project_form(project, **changes):
    data = {
        "code": project.code,
        "title": project.title,
        "lead_organization": project.lead_organization_id,
        "status": project.status,
        "version": project.version,
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


@pytest.fixture
def project(izmir_teknoloji):
    return ProjectFactory(lead_organization=izmir_teknoloji, title="Akıllı kavşak")


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["planned", "actual"])
def test_an_end_before_the_start_is_shown_on_the_end_date_and_at_the_top(client, izmir_staff, project, prefix):
    client.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[project.pk])
    dates = {f"{prefix}_start": "2026-05-10", f"{prefix}_end": "2026-05-01"}
    response = client.post(url, _project_form(project, **dates))
    assert response.status_code == 200
    [error] = response.context["form"].errors[f"{prefix}_end"]
    assert "önce olamaz" in error or "before" in error
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Hiçbir şey kaydedilmedi") and error in message
    assert Project.objects.get(pk=project.pk).version == 1  # nothing saved


@pytest.mark.django_db
def test_a_length_limit_speaks_koprus_turkish_with_the_numbers_grouped(client, izmir_staff, project):
    client.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[project.pk])
    response = client.post(url, _project_form(project, title="a" * 10_000))
    assert response.context["form"].errors["title"] == ["En fazla 250 karakter; şu an 10.000."]
    assert Project.objects.get(pk=project.pk).title == "Akıllı kavşak"


@pytest.mark.django_db
def test_a_length_limit_in_english(client_in_english, izmir_staff, project):
    client_in_english.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[project.pk])
    response = client_in_english.post(url, _project_form(project, title="a" * 10_000))
    assert response.context["form"].errors["title"] == ["At most 250 characters; now 10,000."]


@pytest.mark.django_db
def test_milestone_rows_have_the_same_words(client, izmir_staff, project):
    client.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[project.pk])
    rows = {
        "milestones-TOTAL_FORMS": "1",
        "milestones-0-title": "ç" * 300,
        "milestones-0-due_on": "2026-06-01",
    }
    response = client.post(url, _project_form(project, **rows))
    assert response.context["formsets"][1].forms[0].errors["title"] == ["En fazla 250 karakter; şu an 300."]
    assert not project.milestones.exists()


@pytest.mark.django_db
def test_someone_who_may_not_edit_gets_no_form_errors_but_a_refusal(client, isbak_staff, project):
    client.force_login(isbak_staff)
    response = client.post(reverse("projects:project_update", args=[project.pk]), _project_form(project, title=""))
    assert response.status_code == 403
