import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import ProgressUpdate
from projects.services import progress_update_record, project_refresh_progress
from tests.factories import ProgressUpdateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def record(project, author=None, **fields):
    fields = {"reported_on": date(2026, 3, 1), "percent_complete": 30, "health": "on_track", "done": "x", **fields}
    return progress_update_record(project=project, author=author, **fields)


def test_recording_an_update_sets_the_projects_percent_health_and_date(izmir_staff):
    project = ProjectFactory()
    update = record(project, author=izmir_staff, percent_complete=55, health="at_risk")
    project.refresh_from_db()
    assert (project.percent_complete, project.health, project.last_update_on) == (55, "at_risk", date(2026, 3, 1))
    assert update.author == izmir_staff


def test_a_back_filled_older_update_does_not_overwrite_the_latest():
    project = ProjectFactory()
    record(project, reported_on=date(2026, 3, 1), percent_complete=60)
    record(project, reported_on=date(2026, 1, 1), percent_complete=20, health="off_track")
    project.refresh_from_db()
    assert (project.percent_complete, project.health, project.last_update_on) == (60, "on_track", date(2026, 3, 1))


def test_an_invalid_update_writes_nothing():
    project = ProjectFactory()
    with pytest.raises(ValidationError):
        record(project, percent_complete=120)
    assert not ProgressUpdate.objects.exists()
    project.refresh_from_db()
    assert project.last_update_on is None


def test_refreshing_a_project_without_updates_clears_its_update_date():
    project = ProjectFactory()
    update = ProgressUpdateFactory(project=project)
    project_refresh_progress(project=project)
    update.delete()
    project_refresh_progress(project=project)
    project.refresh_from_db()
    assert project.last_update_on is None


def flagged(project):
    """The dates of the project's updates flagged as their month's latest, oldest first."""
    return sorted(project.updates.filter(latest_in_month=True).values_list("reported_on", "percent_complete"))


def test_only_each_months_latest_update_is_flagged():
    project = ProjectFactory()
    record(project, reported_on=date(2026, 3, 2), percent_complete=10)
    record(project, reported_on=date(2026, 3, 23), percent_complete=30)
    record(project, reported_on=date(2026, 3, 9), percent_complete=20)  # back-filled: not the latest
    record(project, reported_on=date(2026, 4, 1), percent_complete=40)
    assert flagged(project) == [(date(2026, 3, 23), 30), (date(2026, 4, 1), 40)]


def test_of_two_updates_on_the_same_day_the_later_one_is_the_months_latest():
    project = ProjectFactory()
    record(project, reported_on=date(2026, 3, 5), percent_complete=10)
    record(project, reported_on=date(2026, 3, 5), percent_complete=15)
    assert flagged(project) == [(date(2026, 3, 5), 15)]


def test_flags_compare_updates_of_the_same_project_only():
    # Flagged all at once (as seed_scale does), each project still keeps its own month's latest.
    first, second = ProjectFactory(), ProjectFactory()
    for project, day in ((first, date(2026, 3, 20)), (second, date(2026, 3, 2))):
        ProgressUpdate.objects.create(project=project, reported_on=day, percent_complete=30, done="x")
    ProgressUpdate.objects.all().mark_latest_in_month()
    assert flagged(first) == [(date(2026, 3, 20), 30)]
    assert flagged(second) == [(date(2026, 3, 2), 30)]


def test_moving_or_deleting_an_update_moves_the_flag_on_refresh():
    project = ProjectFactory()
    early = record(project, reported_on=date(2026, 3, 2), percent_complete=10)
    late = record(project, reported_on=date(2026, 3, 20), percent_complete=20)
    late.reported_on = date(2026, 4, 2)
    late.save()
    project_refresh_progress(project=project)
    assert flagged(project) == [(date(2026, 3, 2), 10), (date(2026, 4, 2), 20)]
    late.delete()
    record(project, reported_on=date(2026, 3, 1), percent_complete=5)
    early.delete()
    project_refresh_progress(project=project)
    assert flagged(project) == [(date(2026, 3, 1), 5)]


def test_the_migration_flags_the_updates_already_there():
    migration = importlib.import_module("projects.migrations.0008_progress_latest_in_month")
    project, other = ProjectFactory(), ProjectFactory()
    _first, second, third = (
        record(project, reported_on=day) for day in (date(2026, 3, 2), date(2026, 3, 20), date(2026, 4, 1))
    )
    others = record(other, reported_on=date(2026, 3, 10))  # the same month, another project
    ProgressUpdate.objects.update(latest_in_month=False)  # as the new column starts
    migration.flag_latest_in_month(apps, SimpleNamespace(connection=connection))
    assert set(ProgressUpdate.objects.filter(latest_in_month=True)) == {second, third, others}


def test_a_refresh_that_changes_no_figure_writes_nothing_to_the_project():
    project = ProjectFactory()
    record(project, reported_on=date(2026, 3, 2), percent_complete=10)
    project.refresh_from_db()
    version, history = project.version, project.history.count()
    project_refresh_progress(project=project)
    project.refresh_from_db()
    assert (project.version, project.history.count()) == (version, history)


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_refreshing_locks_the_project_so_two_updates_at_once_take_turns():
    project = ProjectFactory()
    with CaptureQueriesContext(connection) as queries:
        project_refresh_progress(project=project)
    reads = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert '"projects_project"' in reads[0]
    assert reads[0].endswith("FOR UPDATE")


def test_flagging_writes_only_the_rows_whose_flag_is_wrong():
    project = ProjectFactory()
    for day in (date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5), date(2026, 3, 9)):
        record(project, reported_on=day)
    assert project.updates.all().mark_latest_in_month() == 0
    project.updates.filter(reported_on=date(2026, 3, 5)).update(latest_in_month=True)
    assert project.updates.all().mark_latest_in_month() == 1
    assert [day for day, _percent in flagged(project)] == [date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 9)]
