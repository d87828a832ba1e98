from datetime import date

import pytest
from django.core.exceptions import ValidationError

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
