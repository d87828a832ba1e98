"""A record you own edited by someone else: its owner hears who changed which fields (from its history)."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from tests.factories import ProjectFactory
from tests.projects.test_views import project_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(izmir_teknoloji, izmir_staff):
    """Ayşe's project, with its first history record written the way a page writes it."""
    project = ProjectFactory(
        code="IZT-1",
        title="Kent veri platformu",
        lead_organization=izmir_teknoloji,
        description="Açıklama",  # as project_post sends it
        status="planned",
        planned_start=date(2026, 1, 10),
        planned_end=date(2026, 12, 31),
    )
    project.owner = izmir_staff
    project.save()
    return project


def edit(client, project, **changes):
    data = project_post(project.lead_organization, **{"code": project.code, "title": project.title, **changes})
    return client.post(reverse("projects:project_update", args=[project.pk]), data)


def test_the_owner_hears_of_someone_elses_edit_with_what_changed(client_for, project, izmir_staff, manager):
    manager.first_name, manager.last_name = "Merve", "Yılmaz"
    manager.save()
    assert edit(client_for(manager), project, title="Kent veri platformu 2").status_code == 302

    notification = Notification.objects.get(recipient=izmir_staff)
    assert notification.kind == "record_edited"
    assert notification.url == project.get_absolute_url()
    assert notification.title_en.startswith("Merve Yılmaz edited IZT-1")
    assert "title" in notification.title_en
    assert "başlık" in notification.title_tr.lower()  # the field names in each language


def test_the_owners_own_edit_tells_nobody(client_for, project, izmir_staff):
    edit(client_for(izmir_staff), project, title="Yeni başlık")
    assert not Notification.objects.exists()


def test_an_edit_that_changes_nothing_tells_nobody(client_for, project, manager):
    edit(client_for(manager), project)
    assert not Notification.objects.filter(kind="record_edited").exists()


def test_each_edit_is_told_once(client_for, project, izmir_staff, manager):
    client = client_for(manager)
    edit(client, project, title="Bir")
    project.refresh_from_db()
    edit(client, project, title="İki")
    assert Notification.objects.filter(recipient=izmir_staff, kind="record_edited").count() == 2


def test_the_owner_can_turn_it_off(client_for, project, izmir_staff, manager):
    NotificationPreference.objects.create(user=izmir_staff, record_edited="off")
    edit(client_for(manager), project, title="Sessiz")
    assert not Notification.objects.exists()
