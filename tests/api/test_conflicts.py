"""The two-person sequence of tests/test_conflicts.py through the API: a stale write is refused
(409, nothing saved) and a write that names only what it changes keeps the other person's save."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import ProjectFactory
from tests.test_conflicts import changed, edit_form


@pytest.mark.django_db
def test_an_api_write_after_a_page_save_loses_nothing(
    client, api_for, izmir_staff, isbak_staff, izmir_teknoloji, isbak
):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title="Akıllı kavşak", description="İlk")
    project.partners.create(organization=isbak, role="partner")
    url = reverse("projects:project_update", args=[project.pk])
    client.force_login(izmir_staff)
    assert client.post(url, changed(edit_form(client.get(url)), description="İzmir'in açıklaması")).status_code == 302

    api = api_for(isbak_staff)
    stale = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "İSBAK", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Project.objects.get(pk=project.pk).title == "Akıllı kavşak"
    current = stale.json()["current_version"]
    again = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "İSBAK", "version": current}, format="json")
    assert again.status_code == 200
    project.refresh_from_db()
    assert (project.title, project.description) == ("İSBAK", "İzmir'in açıklaması")
