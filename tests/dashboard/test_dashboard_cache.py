"""The dashboard's cached figures: a manager never sees them stale, whichever way the data was written.

These tests commit for real (`transaction=True`): the data version is bumped when a write
commits, exactly as in production, and each test first loads the dashboard so that the
figures are cached before the write.
"""

import time
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.cache import bump_data_version, data_version
from projects.models import Milestone, Project
from tests.core.test_imports import confirm, preview
from tests.events.test_views import event_data
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
    ProtocolArticleFactory,
)
from tests.projects.test_imports import PROJECT_IMPORT, project_csv
from tests.projects.test_views import formset_data, project_post
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/dashboard/"


@pytest.fixture
def dashboard(client_for, manager):
    """The manager's client, and a way to read the figures the dashboard shows.

    A page computed afresh has its figures in the context. A page served from the HTML cache
    has none: it must then be the very page shown last time for that query, whose figures
    are returned. So a stale page after a write shows up as old figures.
    """
    client = client_for(manager)
    shown = {}

    def figures(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        page = response.content.decode().partition('<div class="kopru-dashboard">')[2]
        key = tuple(sorted(query.items()))
        if "figures" in response.context:
            shown[key] = (response.context["figures"], page)
        else:
            assert page == shown[key][1]
        return shown[key][0]

    figures.client = client
    return figures


def test_a_second_request_with_nothing_written_is_served_from_the_cache(dashboard, django_assert_num_queries):
    ProjectFactory(status="active")
    first = dashboard()
    with django_assert_num_queries(2):  # the session, and the user with the data version
        again = dashboard()
    assert again == first


def test_editing_a_project_on_its_page_shows_at_once(dashboard, izmir_teknoloji):
    project = ProjectFactory(code="IZT-1", status="planned", lead_organization=izmir_teknoloji)
    assert dashboard().projects.by_status["active"] == 0

    response = dashboard.client.post(
        reverse("projects:project_update", args=[project.pk]),
        project_post(izmir_teknoloji, code="IZT-1", status="active", planned_start="2026-01-10"),
    )

    assert response.status_code == 302
    assert dashboard().projects.by_status["active"] == 1


def test_completing_a_milestone_through_the_project_form_shows_at_once(dashboard, izmir_teknoloji):
    project = ProjectFactory(code="IZT-1", status="active", lead_organization=izmir_teknoloji)
    today = timezone.localdate()
    milestone = MilestoneFactory(project=project, title="Analiz", due_on=today - timedelta(days=5))
    assert dashboard().overdue.total == 1

    milestones = [
        {"id": milestone.pk, "title": "Analiz", "due_on": milestone.due_on.isoformat(), "project": project.pk}
        | {"completed_on": today.isoformat()}
    ]
    data = project_post(izmir_teknoloji, code="IZT-1", status="active", planned_start="2026-01-10")
    data.update(formset_data("milestones", milestones, initial=1))
    response = dashboard.client.post(reverse("projects:project_update", args=[project.pk]), data)

    assert response.status_code == 302
    assert Milestone.objects.get().completed_on == today
    assert dashboard().overdue.total == 0


def test_logging_a_progress_update_shows_at_once(dashboard, izmir_teknoloji):
    project = ProjectFactory(status="active", health="on_track", lead_organization=izmir_teknoloji)
    assert dashboard().projects.active_by_health["at_risk"] == 0

    response = dashboard.client.post(
        reverse("projects:progressupdate_create", args=[project.pk]),
        {
            "reported_on": timezone.localdate().isoformat(),
            "percent_complete": "65",
            "health": "at_risk",
            "done": "Saha kurulumu",
            "next_steps": "Test",
            "blockers": "Tedarik gecikmesi",
        },
    )

    assert response.status_code == 302
    figures = dashboard()
    assert figures.projects.active_by_health["at_risk"] == 1
    assert figures.progress[-1] == 65


def test_creating_an_event_on_its_page_shows_at_once(dashboard, izmir_teknoloji):
    assert dashboard().next_events == []

    soon = timezone.localtime() + timedelta(days=3)
    response = dashboard.client.post(
        reverse("events:event_create"),
        event_data(
            [izmir_teknoloji],
            starts_at=soon.strftime("%Y-%m-%dT10:00"),
            ends_at=soon.strftime("%Y-%m-%dT17:00"),
        ),
    )

    assert response.status_code == 302
    assert len(dashboard().next_events) == 1


def test_a_listed_event_that_ends_leaves_the_page_with_no_write(dashboard):
    # The kept page lives until the first listed upcoming event ends (or midnight), not 6 hours.
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(seconds=3))
    assert len(dashboard().next_events) == 1
    time.sleep(max(0.0, (event.ends_at - timezone.now()).total_seconds()) + 0.2)
    assert dashboard().next_events == []


def test_deleting_a_transfer_in_the_admin_shows_at_once(client_for, administrator, izmir_teknoloji, isbak):
    transfer = KnowHowTransferFactory(provider=isbak, recipient=izmir_teknoloji, started_on=timezone.localdate())
    client = client_for(administrator)
    assert client.get(URL).context["figures"].transfers.count == 1

    url = reverse("admin:transfers_knowhowtransfer_delete", args=[transfer.pk])
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not KnowHowTransfer.objects.exists()
    assert client.get(URL).context["figures"].transfers.count == 0


def test_changing_an_organization_in_the_admin_shows_at_once(client_for, administrator, isbak):
    client = client_for(administrator)
    assert "İSBAK" in client.get(URL).content.decode()

    url = reverse("admin:partnership_organization_change", args=[isbak.pk])
    response = client.post(url, {"name": isbak.name, "short_name": "ISBAK-Yeni", "kind": isbak.kind, "city": ""})

    assert response.status_code == 302, response.context["adminform"].errors
    assert "ISBAK-Yeni" in client.get(URL).content.decode()


def test_confirming_an_import_shows_at_once(dashboard, isbak):
    assert dashboard().projects.total == 0

    content = project_csv(["N-1", "Yeni proje", "İSBAK", "Planned", "", "", ""])
    response = confirm(dashboard.client, PROJECT_IMPORT, preview(dashboard.client, PROJECT_IMPORT, content))

    assert response.status_code == 302
    assert dashboard().projects.total == 1


def test_queryset_updates_and_bulk_writes_show_at_once(dashboard):
    """Writes that send no signal: QuerySet.update() (VersionedModel.save and the import use it)
    and bulk_create (m2m links are written with it)."""
    project = ProjectFactory(status="planned")
    article = ProtocolArticleFactory()
    figures = dashboard()
    assert figures.projects.by_status["planned"] == 1

    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status="active")
    assert dashboard().projects.by_status["planned"] == 0

    project.articles.add(article)
    coverage = {covered.pk: covered.project_count for covered in dashboard().coverage}
    assert coverage[article.pk] == 1


def bumps(queries) -> int:
    return sum(query["sql"].startswith('UPDATE "partnership_dataversion"') for query in queries)


def test_a_transaction_bumps_the_version_once_and_a_rolled_back_one_not_at_all(db):
    before = data_version()
    with CaptureQueriesContext(connections["default"]) as queries, transaction.atomic():
        EventFactory()
        EventFactory()
    assert bumps(queries.captured_queries) == 1
    after = data_version()
    assert after != before

    with pytest.raises(RuntimeError), transaction.atomic():
        EventFactory()
        raise RuntimeError("rolled back")
    assert data_version() == after


def test_a_restored_or_flushed_version_never_meets_a_number_another_state_was_cached_under(db):
    # Random numbers, not a counter: going back to an earlier number goes back to its data too.
    seen = {data_version()}
    for _ in range(20):
        bump_data_version()
        seen.add(data_version())
    assert len(seen) == 21


def test_renaming_a_user_shows_at_once(client_for, manager, izmir_teknoloji):
    # Pages show people's names (a project's owner, an update's author): auth_user is watched.
    client = client_for(manager)
    project = ProjectFactory(code="IZT-1", owner=manager, lead_organization=izmir_teknoloji)
    manager.first_name, manager.last_name = "Ali", "Eski"
    manager.save()
    assert "Ali Eski" in client.get(project.get_absolute_url()).content.decode()
    manager.last_name = "Yeni"
    manager.save()
    assert "Ali Yeni" in client.get(project.get_absolute_url()).content.decode()


def test_a_write_in_another_process_is_seen_through_the_version_in_the_database(dashboard, monkeypatch):
    """Another gunicorn worker has a cache of its own: all that reaches this process of its
    write is the data and the version's row, both in the database."""
    ProjectFactory(status="active")
    assert dashboard().projects.active == 1

    connection = connections["default"]
    monkeypatch.setattr(connection, "execute_wrappers", [])  # this process notices nothing
    Project.objects.update(status="completed")
    monkeypatch.undo()
    bump_data_version()  # what the other process does when its write commits

    assert dashboard().projects.active == 0
