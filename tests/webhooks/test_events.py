"""The services, pages and API record what happened in the outbox (core.outbox), in the write's transaction."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from api.services import api_token_create
from core.models import OutboundEvent
from projects.services import milestone_complete, milestones_overdue_announce
from tests.factories import EventFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='test')[1]}")
    return api


def recorded() -> list[tuple[str, str, int]]:
    return list(OutboundEvent.objects.order_by("pk").values_list("kind", "model", "object_id"))


def test_a_project_created_then_changed_through_the_api(izmir_staff, izmir_teknoloji):
    api = api_as(izmir_staff)
    data = {"code": "WH-1", "title": "Akıllı kavşak", "lead_organization": izmir_teknoloji.pk, "status": "planned"}
    response = api.post("/api/v1/projects/", data, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api.patch(f"/api/v1/projects/{pk}/", {"status": "active"}, format="json")
    assert response.status_code == 200, response.json()
    assert recorded() == [
        ("project.created", "projects.project", pk),
        ("project.updated", "projects.project", pk),
        ("project.status_changed", "projects.project", pk),
    ]
    assert OutboundEvent.objects.last().data == {"status": {"old": "planned", "new": "active"}}


def test_an_edit_that_keeps_the_status_is_only_an_update(client_for, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji, status="active")
    response = api_as(izmir_staff).patch(f"/api/v1/projects/{project.pk}/", {"title": "Yeni ad"}, format="json")
    assert response.status_code == 200, response.json()
    assert recorded() == [("project.updated", "projects.project", project.pk)]


def test_a_progress_update_logged_on_the_page(client_for, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    response = client_for(izmir_staff).post(
        reverse("projects:progressupdate_create", args=[project.pk]),
        {"reported_on": timezone.localdate().isoformat(), "percent_complete": "40", "health": "on_track", "done": "x"},
    )
    assert response.status_code == 302
    (event,) = OutboundEvent.objects.all()
    assert (event.kind, event.model, event.data) == (
        "progress_update.logged",
        "projects.progressupdate",
        {"project": project.pk},
    )


def test_a_milestone_completed(izmir_staff, izmir_teknoloji):
    milestone = MilestoneFactory(project=ProjectFactory(lead_organization=izmir_teknoloji))
    milestone_complete(milestone=milestone, completed_on=timezone.localdate())
    assert recorded() == [("milestone.completed", "projects.milestone", milestone.pk)]


def test_an_overdue_milestone_is_announced_once_per_due_date(izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji, status="active")
    late = MilestoneFactory(project=project, due_on=timezone.localdate() - timedelta(days=2))
    MilestoneFactory(project=project, due_on=timezone.localdate() + timedelta(days=2))
    assert milestones_overdue_announce() == 1
    assert milestones_overdue_announce() == 0  # the daily run again, or on a second host
    assert recorded() == [("milestone.overdue", "projects.milestone", late.pk)]
    late.due_on = timezone.localdate() - timedelta(days=1)  # moved, and overdue again
    late.save()
    assert milestones_overdue_announce() == 1


def test_events_created_on_the_page_and_changed_through_the_api(client_for, izmir_staff, izmir_teknoloji):
    start = timezone.localtime() + timedelta(days=3)
    response = client_for(izmir_staff).post(
        reverse("events:event_create"),
        {
            "kind": "workshop",
            "title": "Veri çalıştayı",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "city": "İzmir",
            "organizers": [izmir_teknoloji.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = EventFactory(organizers=[izmir_teknoloji])
    response = api_as(izmir_staff).patch(f"/api/v1/events/{event.pk}/", {"outcome": "Başarılı"}, format="json")
    assert response.status_code == 200, response.json()
    assert [kind for kind, _model, _pk in recorded()] == ["event.created", "event.updated"]


def test_a_transfer_logged_through_the_api_but_not_its_edits(izmir_staff, izmir_teknoloji, isbak):
    api = api_as(izmir_staff)
    data = {
        "title": "Eğitim",
        "provider": izmir_teknoloji.pk,
        "recipient": isbak.pk,
        "kind": "training",
        "hours": "8",
        "participants": 5,
    }
    response = api.post("/api/v1/transfers/", {**data, "started_on": "2026-05-01"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.patch(f"/api/v1/transfers/{pk}/", {"hours": "4"}, format="json").status_code == 200
    assert recorded() == [("transfer.logged", "transfers.knowhowtransfer", pk)]


def test_a_refused_write_records_nothing(izmir_staff, isbak):
    data = {"code": "WH-2", "title": "Başkasının", "lead_organization": isbak.pk, "status": "planned"}
    assert api_as(izmir_staff).post("/api/v1/projects/", data, format="json").status_code == 400
    assert not OutboundEvent.objects.exists()


def test_the_worker_is_asked_only_once_the_write_commits(
    izmir_staff, izmir_teknoloji, django_capture_on_commit_callbacks
):
    data = {"code": "WH-3", "title": "Kavşak", "lead_organization": izmir_teknoloji.pk, "status": "planned"}
    with django_capture_on_commit_callbacks() as callbacks:
        api_as(izmir_staff).post("/api/v1/projects/", data, format="json")
        assert not DBTaskResult.objects.exists()  # nothing is queued inside the request's transaction
    assert callbacks
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.filter(task_path="webhooks.tasks.outbound_events_dispatch").exists()
