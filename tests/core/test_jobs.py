"""Long exports and imports run as background jobs: a page that follows them, a file for its owner only."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core import jobs
from core.choices import JobKind, JobState
from core.models import BackgroundJob
from projects.models import Project
from projects.resources import ProjectResource
from tests.conftest import read_csv
from tests.core.test_imports import confirm, csv_bytes, headers, preview
from tests.factories import ProjectFactory
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db

PROJECTS = reverse("projects:project_list")
PROJECT_IMPORT = reverse("projects:project_import")


@pytest.fixture
def long_lists(settings):
    """Lists of more than 3 rows and files of more than 2 rows count as long."""
    settings.KOPRU_EXPORT_BACKGROUND_ROWS = 3
    settings.KOPRU_IMPORT_BACKGROUND_ROWS = 2


@pytest.fixture
def projects(izmir_teknoloji):
    return [ProjectFactory(code=f"B-{number}", lead_organization=izmir_teknoloji) for number in range(5)]


def start_export(client, django_capture_on_commit_callbacks, query="?export=csv", file_format="csv"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:job_export"), {"path": PROJECTS + query, "format": file_format})
    assert response.status_code == 302
    return BackgroundJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_a_long_export_is_offered_as_a_background_job(client, manager, long_lists, projects):
    client.force_login(manager)
    response = client.get(PROJECTS + "?status=active&export=xlsx")
    assert response.status_code == 200
    assert response.templates[0].name == "generic/export_background.html"
    html = response.content.decode()
    assert f'action="{reverse("jobs:job_export")}"' in html
    assert 'value="/projects/?status=active&amp;export=xlsx"' in html


def test_a_short_export_still_downloads_in_the_request(client, manager, long_lists, izmir_teknoloji):
    ProjectFactory.create_batch(3, lead_organization=izmir_teknoloji)
    client.force_login(manager)
    assert len(read_csv(client.get(PROJECTS + "?export=csv"))) == 4


def test_the_worker_writes_the_export_and_its_owner_downloads_it(
    client, manager, long_lists, projects, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = start_export(client, django_capture_on_commit_callbacks, "?sort=-code&export=csv")
    assert job.kind == JobKind.EXPORT and job.state == JobState.WAITING and job.owner == manager
    page = client.get(job.get_absolute_url())
    assert 'data-kopru-job="' in page.content.decode() and "<progress" in page.content.decode()
    assert client.get(reverse("jobs:job_status", args=[job.pk])).json()["over"] is False

    assert run_tasks() == 1

    job.refresh_from_db()
    assert (job.state, job.progress, job.total, job.done) == (JobState.FINISHED, 100, 5, 5)
    assert job.file.name.startswith("jobs/") and "projeler" not in job.file.name  # a generated name
    assert client.get(reverse("jobs:job_status", args=[job.pk])).json() == {
        "state": "finished",
        "progress": 100,
        "done": 5,
        "total": 5,
        "over": True,
    }
    assert reverse("jobs:job_download", args=[job.pk]) in client.get(job.get_absolute_url()).content.decode()
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="projeler-')
    rows = read_csv(download)
    assert [row[0] for row in rows[1:]] == ["B-4", "B-3", "B-2", "B-1", "B-0"]  # the list's sort


def test_a_background_xlsx_export_keeps_the_lists_filters(
    client, manager, long_lists, projects, django_capture_on_commit_callbacks
):
    Project.objects.filter(code="B-0").update(status="cancelled")
    client.force_login(manager)
    job = start_export(client, django_capture_on_commit_callbacks, "?status=planned&export=xlsx", "xlsx")
    Project.objects.filter(code="B-1").update(status="planned")
    Project.objects.exclude(code="B-1").update(status="active")
    run_tasks()
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["B-1"]
    assert sheet.freeze_panes == "A2"


def test_only_the_owner_sees_a_job_and_its_file(
    client, manager, izmir_staff, long_lists, projects, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = start_export(client, django_capture_on_commit_callbacks)
    run_tasks()
    client.force_login(izmir_staff)
    for name in ("jobs:job_detail", "jobs:job_status", "jobs:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_an_unfinished_job_has_nothing_to_download(
    client, manager, long_lists, projects, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = start_export(client, django_capture_on_commit_callbacks)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_an_export_of_a_page_that_has_none_is_refused(client, manager):
    client.force_login(manager)
    for path in ("/dashboard/", "/nowhere/", ""):
        response = client.post(reverse("jobs:job_export"), {"path": path, "format": "csv"})
        assert response.status_code == 400
    response = client.post(reverse("jobs:job_export"), {"path": PROJECTS, "format": "pdf"})
    assert response.status_code == 400
    assert not BackgroundJob.objects.exists()


def test_a_job_whose_owner_lost_access_fails_and_says_why(
    client, manager, long_lists, projects, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = start_export(client, django_capture_on_commit_callbacks)
    manager.is_active = False  # left the company before the worker came to the job
    manager.save()
    run_tasks()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not job.file
    assert job.language == "tr", job.language
    assert job.error == "Bu kayıtlara artık erişiminiz yok."  # in the owner’s language


# --- Imports ---------------------------------------------------------------------------------------

COLUMNS = ("code", "title", "lead_organization.short_name")


def project_file(*codes):
    rows = [[code, f"Toplu {code}", "İzmir Teknoloji"] for code in codes]
    return csv_bytes([headers(ProjectResource, *COLUMNS), *rows])


def test_a_long_import_is_written_by_the_worker_all_at_once(
    client, izmir_staff, long_lists, django_capture_on_commit_callbacks
):
    client.force_login(izmir_staff)
    shown = preview(client, PROJECT_IMPORT, project_file("N-1", "N-2", "N-3"))
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, PROJECT_IMPORT, shown)
    job = BackgroundJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == JobKind.IMPORT and job.total == 3
    assert not Project.objects.filter(code__startswith="N-").exists()  # not in the request
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page

    run_tasks()

    job.refresh_from_db()
    assert job.state == JobState.FINISHED
    assert set(Project.objects.filter(code__startswith="N-").values_list("code", flat=True)) == {"N-1", "N-2", "N-3"}
    assert Project.objects.get(code="N-1").owner == izmir_staff
    assert "3" in client.get(job.get_absolute_url()).content.decode()
    assert not jobs.default_storage.exists(job.source["upload"])  # the upload is gone once written


def test_a_failed_import_writes_nothing_and_shows_its_owner_why(
    client, izmir_staff, manager, long_lists, django_capture_on_commit_callbacks
):
    client.force_login(izmir_staff)
    shown = preview(client, PROJECT_IMPORT, project_file("F-1", "F-2", "F-3"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, PROJECT_IMPORT, shown)
    ProjectFactory(code="F-2", title="Someone else's")  # the plan the user confirmed no longer holds

    run_tasks()

    job = BackgroundJob.objects.get()
    assert job.state == JobState.FAILED
    assert not Project.objects.filter(code__in=["F-1", "F-3"]).exists()  # all or nothing
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'class="alert alert-danger' in page and job.error in page
    assert "data-kopru-job=" not in page  # nothing left to poll
    client.force_login(manager)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_short_import_stays_in_the_request(client, izmir_staff, long_lists):
    client.force_login(izmir_staff)
    shown = preview(client, PROJECT_IMPORT, project_file("S-1", "S-2"))
    response = confirm(client, PROJECT_IMPORT, shown)
    assert response["Location"] == PROJECTS
    assert Project.objects.filter(code__startswith="S-").count() == 2
    assert not BackgroundJob.objects.exists()


def test_a_job_runs_once_even_if_its_task_runs_twice(manager, long_lists, projects):
    job = BackgroundJob.objects.create(
        owner=manager, kind=JobKind.EXPORT, title="-", source={"path": PROJECTS, "format": "csv"}
    )
    assert jobs.job_run(job.pk) == "finished"
    name = BackgroundJob.objects.get(pk=job.pk).file.name
    assert jobs.job_run(job.pk) == "skipped"
    assert BackgroundJob.objects.get(pk=job.pk).file.name == name
