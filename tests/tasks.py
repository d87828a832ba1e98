"""Running the task queue's worker inside a test, as `manage.py db_worker --batch` would."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_tasks() -> int:
    """Run every task that is due, as the real worker of django-tasks-db does; return how many ran.

    Only the worker's sleeping and signal handling are left out. A task deferred to later (a retry's
    back-off) waits; a test that means to reach it moves its `run_after` into the past.
    """
    before = DBTaskResult.objects.finished().count()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    return DBTaskResult.objects.finished().count() - before
