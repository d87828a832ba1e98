"""Writes through the API: the pages' validation, the version check, the history's author."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    TechnologyProductFactory,
)
from transfers.models import KnowHowTransfer, ProductAdoption

pytestmark = pytest.mark.django_db


def test_staff_create_a_project_with_partners_and_milestones(api_for, izmir_staff, izmir_teknoloji, isbak):
    data = {
        "code": "API-1",
        "title": "Akıllı kavşak",
        "lead_organization": izmir_teknoloji.pk,
        "status": "planned",
        "partners": [{"organization": isbak.pk, "role": "partner", "contribution": "Sinyal yazılımı"}],
        "milestones": [{"title": "Pilot", "due_on": "2027-03-01"}],
    }
    response = api_for(izmir_staff).post("/api/v1/projects/", data, format="json")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(code="API-1")
    assert project.owner == izmir_staff
    assert [p.organization for p in project.partners.all()] == [isbak]
    assert [m.title for m in project.milestones.all()] == ["Pilot"]
    assert project.history.first().history_user == izmir_staff


def test_staff_may_not_create_a_project_their_organization_takes_no_part_in(api_for, izmir_staff, isbak):
    data = {"code": "API-2", "title": "Başkasının", "lead_organization": isbak.pk, "status": "planned"}
    response = api_for(izmir_staff).post("/api/v1/projects/", data, format="json")
    assert response.status_code == 400
    assert "lead_organization" in response.json()
    assert not Project.objects.filter(code="API-2").exists()


def test_a_duplicate_code_is_the_forms_error(api_for, manager, izmir_teknoloji):
    ProjectFactory(code="SAME-1")
    data = {"code": "SAME-1", "title": "İkinci", "lead_organization": izmir_teknoloji.pk, "status": "planned"}
    response = api_for(manager).post("/api/v1/projects/", data, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == ["A project with this code already exists."] or response.json()["code"]
    assert Project.objects.filter(code="SAME-1").count() == 1


def test_a_planned_end_before_the_start_is_refused_by_the_models_constraint(api_for, manager, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    response = api_for(manager).patch(
        f"/api/v1/projects/{project.pk}/", {"planned_start": "2027-01-10", "planned_end": "2027-01-01"}, format="json"
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert str(project.planned_end) != "2027-01-01"


def test_partners_left_out_are_removed_and_others_kept(api_for, manager, izmir_teknoloji, isbak, ankara):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    kept = ProjectPartnerFactory(project=project, organization=isbak)
    ProjectPartnerFactory(project=project, organization=ankara)
    partners = [{"id": kept.pk, "organization": isbak.pk, "role": "partner", "contribution": "Yeni katkı"}]
    response = api_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"partners": partners}, format="json")
    assert response.status_code == 200, response.json()
    assert list(project.partners.values_list("organization", "contribution")) == [(isbak.pk, "Yeni katkı")]


def test_another_projects_milestone_id_is_an_error_and_nothing_changes(api_for, manager, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    other = MilestoneFactory(title="Başka projenin")
    rows = [{"id": other.pk, "title": "Ele geçirildi", "due_on": "2027-01-01"}]
    response = api_for(manager).patch(f"/api/v1/projects/{project.pk}/", {"milestones": rows}, format="json")
    assert response.status_code == 400
    assert "milestones" in response.json()
    other.refresh_from_db()
    assert other.title == "Başka projenin"
    assert other.project != project


def test_a_stale_version_is_refused_with_409_and_what_changed(api_for, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title="İlk")
    api = api_for(izmir_staff)
    first = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "Birinci", "version": 1}, format="json")
    assert first.status_code == 200
    second = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "İkinci", "version": 1}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == 2
    assert [(change["old"], change["new"]) for change in body["changes"]] == [("İlk", "Birinci")]
    project.refresh_from_db()
    assert project.title == "Birinci"


def test_a_progress_update_sets_the_projects_figures_and_names_its_author(api_for, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    data = {
        "project": project.pk,
        "reported_on": timezone.localdate().isoformat(),
        "percent_complete": 55,
        "health": "at_risk",
        "done": "Saha kurulumu",
    }
    response = api_for(izmir_staff).post("/api/v1/progress-updates/", data, format="json")
    assert response.status_code == 201, response.json()
    update = ProgressUpdate.objects.get()
    assert update.author == izmir_staff
    assert update.history.first().history_user == izmir_staff
    project.refresh_from_db()
    assert (project.percent_complete, project.health) == (55, "at_risk")


def test_staff_may_not_log_progress_on_another_organizations_project(api_for, isbak_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    data = {"project": project.pk, "reported_on": "2026-01-01", "percent_complete": 10, "health": "on_track"}
    response = api_for(isbak_staff).post("/api/v1/progress-updates/", {**data, "done": "x"}, format="json")
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_an_event_follows_the_forms_rules(api_for, izmir_staff, izmir_teknoloji, isbak):
    start = timezone.now() + timedelta(days=3)
    data = {
        "kind": "workshop",
        "title": "Veri çalıştayı",
        "starts_at": start.isoformat(),
        "ends_at": (start - timedelta(hours=1)).isoformat(),
        "city": "İzmir",
        "organizers": [isbak.pk],
    }
    response = api_for(izmir_staff).post("/api/v1/events/", data, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"ends_at", "organizers"}
    data |= {"ends_at": (start + timedelta(hours=2)).isoformat(), "organizers": [izmir_teknoloji.pk]}
    response = api_for(izmir_staff).post("/api/v1/events/", data, format="json")
    assert response.status_code == 201, response.json()


def test_an_event_edit_is_in_the_history_with_the_tokens_owner(api_for, izmir_staff, izmir_teknoloji):
    event = EventFactory(organizers=[izmir_teknoloji])
    response = api_for(izmir_staff).patch(f"/api/v1/events/{event.pk}/", {"outcome": "Başarılı"}, format="json")
    assert response.status_code == 200, response.json()
    record = event.history.first()
    assert (record.outcome, record.history_user) == ("Başarılı", izmir_staff)


def test_a_transfer_between_other_organizations_is_refused_for_staff(api_for, izmir_staff, isbak, ankara):
    data = {
        "title": "Eğitim",
        "provider": isbak.pk,
        "recipient": ankara.pk,
        "kind": "training",
        "started_on": "2026-05-01",
    }
    response = api_for(izmir_staff).post("/api/v1/transfers/", data, format="json")
    assert response.status_code == 400
    assert "provider" in response.json()
    assert not KnowHowTransfer.objects.exists()


def test_a_transfer_edit_keeps_the_form_checks(api_for, izmir_staff, izmir_teknoloji, isbak):
    transfer = KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak)
    url = f"/api/v1/transfers/{transfer.pk}/"
    response = api_for(izmir_staff).patch(url, {"recipient": izmir_teknoloji.pk}, format="json")
    assert response.status_code == 400
    assert "recipient" in response.json()
    response = api_for(izmir_staff).patch(url, {"hours": "12.5"}, format="json")
    assert response.status_code == 200
    transfer.refresh_from_db()
    assert str(transfer.hours) == "12.5"


def test_an_adoption_obeys_its_constraint_and_the_access_rule(api_for, izmir_staff, izmir_teknoloji, isbak, ankara):
    mine = TechnologyProductFactory(organization=izmir_teknoloji)
    theirs = TechnologyProductFactory(organization=isbak)
    api = api_for(izmir_staff)
    no_adopter = {"product": mine.pk, "adopter": None, "adopter_city": "", "adopted_on": "2026-04-01"}
    response = api.post("/api/v1/adoptions/", no_adopter, format="json")
    assert response.status_code == 400
    not_ours = {"product": theirs.pk, "adopter": ankara.pk, "adopted_on": "2026-04-01"}
    response = api.post("/api/v1/adoptions/", not_ours, format="json")
    assert response.status_code == 400
    assert not ProductAdoption.objects.exists()
    ours = {"product": mine.pk, "adopter_city": "Bursa", "adopted_on": "2026-04-01"}
    response = api.post("/api/v1/adoptions/", ours, format="json")
    assert response.status_code == 201, response.json()
    assert ProductAdoption.objects.get().history.first().history_user == izmir_staff


def test_nothing_is_deleted_through_the_api(api_for, manager, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    MilestoneFactory(project=project)
    assert api_for(manager).delete(f"/api/v1/projects/{project.pk}/").status_code == 405
    assert Project.objects.exists() and Milestone.objects.exists() and not ProjectPartner.objects.exists()


def test_a_milestone_completed_through_the_api_awaits_the_other_sides_confirmation(
    api_for, izmir_staff, isbak_staff, izmir_teknoloji, isbak
):
    from notifications.models import Notification
    from projects.choices import ConfirmationState

    project = ProjectFactory(lead_organization=izmir_teknoloji)
    ProjectPartnerFactory(project=project, organization=isbak)
    milestone = MilestoneFactory(project=project, title="Pilot")
    today = timezone.localdate().isoformat()
    rows = [{"id": milestone.pk, "title": "Pilot", "due_on": milestone.due_on.isoformat(), "completed_on": today}]
    response = api_for(izmir_staff).patch(f"/api/v1/projects/{project.pk}/", {"milestones": rows}, format="json")
    assert response.status_code == 200, response.json()
    milestone.refresh_from_db()
    assert milestone.confirmation_state == ConfirmationState.AWAITING
    assert milestone.completed_by_organization == izmir_teknoloji
    assert Notification.objects.filter(recipient=isbak_staff, url=milestone.get_absolute_url()).count() == 1
