"""No lost update: every edit carries the version it started from, and a stale one is refused."""

import random
import threading

import pytest
from django.db import connection
from django.urls import reverse

from core.models import StaleEditError
from events.models import Event
from projects.models import Milestone, Project
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
    ProtocolFactory,
)
from transfers.models import KnowHowTransfer

VERSIONED = [ProjectFactory, MilestoneFactory, EventFactory, KnowHowTransferFactory, ProtocolFactory]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", VERSIONED, ids=lambda f: f._meta.model.__name__)
def test_every_save_raises_the_version_by_exactly_one(factory):
    obj = factory()
    assert obj.version == 1
    obj.save()
    obj.save()
    obj.refresh_from_db()
    assert obj.version == 3


@pytest.mark.django_db
@pytest.mark.parametrize("factory", VERSIONED, ids=lambda f: f._meta.model.__name__)
def test_saving_an_outdated_version_is_refused_and_writes_nothing(factory):
    obj = factory()
    type(obj).objects.filter(pk=obj.pk).update(version=2)
    obj._expected_version = 1
    with pytest.raises(StaleEditError):
        obj.save()
    obj.refresh_from_db()
    assert obj.version == 2


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
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_stale_project_edit_is_refused_with_what_changed_and_keeps_the_typing(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title="İlk başlık")
    url = reverse("projects:project_update", args=[project.pk])
    client.force_login(izmir_staff)
    opened = _project_form(project, title="Benim başlığım")
    # Meanwhile somebody else saves the project.
    project.title = "Başkasının başlığı"
    project.save()
    response = client.post(url, opened)
    assert response.status_code == 200
    assert "Benim başlığım" in response.text  # the user's typing is kept
    assert 'id="stale-edit"' in response.text
    assert "Başkasının başlığı" in response.text  # what changed meanwhile
    project.refresh_from_db()
    assert (project.title, project.version) == ("Başkasının başlığı", 2)
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert response.context["form"].data["version"] == 2
    again = client.post(url, {**opened, "version": 2})
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Benim başlığım", 3)


@pytest.mark.django_db
def test_a_stale_milestone_row_refuses_the_whole_project_save(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    milestone = MilestoneFactory(project=project, title="Pilot")
    client.force_login(izmir_staff)
    data = _project_form(
        project,
        title="Yeni başlık",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": milestone.pk,
            "milestones-0-title": "Pilot (benim)",
            "milestones-0-due_on": milestone.due_on.isoformat(),
            "milestones-0-version": milestone.version,
        },
    )
    Milestone.objects.filter(pk=milestone.pk).update(version=5, title="Pilot (başkası)")
    response = client.post(reverse("projects:project_update", args=[project.pk]), data)
    assert response.status_code == 200
    assert 'id="stale-edit"' in response.text
    project.refresh_from_db()
    assert project.title != "Yeni başlık"  # nothing of the save landed
    assert Milestone.objects.get(pk=milestone.pk).title == "Pilot (başkası)"


@pytest.mark.django_db
def test_a_stale_event_edit_is_refused(client, manager):
    event = EventFactory(title="Çalıştay")
    client.force_login(manager)
    url = reverse("events:event_update", args=[event.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        title="Benim çalıştayım",
        starts_at=event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        ends_at=event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        organizers=[],
        version=1,
    )
    Event.objects.filter(pk=event.pk).update(version=2)
    response = client.post(url, data)
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).title == "Çalıştay"


@pytest.mark.django_db
def test_a_stale_transfer_edit_is_refused(client, manager, izmir_teknoloji, isbak):
    transfer = KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak, title="Eğitim")
    client.force_login(manager)
    data = {
        "title": "Benim eğitimim",
        "provider": izmir_teknoloji.pk,
        "recipient": isbak.pk,
        "kind": "training",
        "started_on": transfer.started_on.isoformat(),
        "hours": "8",
        "participants": "5",
        "version": 1,
    }
    KnowHowTransfer.objects.filter(pk=transfer.pk).update(version=2)
    response = client.post(reverse("transfers:knowhowtransfer_update", args=[transfer.pk]), data)
    assert response.status_code == 200
    assert KnowHowTransfer.objects.get(pk=transfer.pk).title == "Eğitim"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_100_random_concurrent_edit_pairs_each_end_with_one_success_and_one_refusal():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is what PostgreSQL is for; SQLite serialises whole-database writes")
    randomizer = random.Random(20240830)  # the protocol's signing day
    projects = [ProjectFactory() for _ in range(10)]
    for _pair in range(100):
        project = randomizer.choice(projects)
        start_version = Project.objects.values_list("version", flat=True).get(pk=project.pk)
        barrier = threading.Barrier(2)
        outcomes = []

        def edit(title, expected=start_version, pk=project.pk, barrier=barrier, outcomes=outcomes):
            try:
                obj = Project.objects.get(pk=pk)
                obj.title = title
                obj._expected_version = expected
                barrier.wait(timeout=10)
                obj.save()
                outcomes.append("saved")
            except StaleEditError:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=edit, args=(f"Başlık {randomizer.random():.6f}",)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused", "saved"]
        assert Project.objects.values_list("version", flat=True).get(pk=project.pk) == start_version + 1
