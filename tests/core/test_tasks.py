"""The task queue: the database backend by default, and a worker that runs what was enqueued."""

from django.conf import settings
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests.tasks import run_tasks


@task()
def double(number: int) -> int:
    """A task for the tests below."""
    return number * 2


def test_the_default_backend_keeps_the_queue_in_the_database():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert isinstance(task_backends["default"], DatabaseBackend)


def test_an_enqueued_task_waits_for_a_worker_and_the_worker_runs_it(db):
    result = double.enqueue(21)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"

    assert run_tasks() == 1

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 42
