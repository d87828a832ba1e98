"""Running the task queue's worker inside a test, as `manage.py db_worker --batch` would."""

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_tasks() -> int:
    """Run every task that is due, as the real worker of django-tasks-db does; return how many ran.

    Only the worker's sleeping and signal handling are left out. A task deferred to later (a retry's
    back-off) waits; a test that means to reach it moves its `run_after` into the past.

    The worker calls `close_old_connections()` between tasks, as a long-lived process should. Inside
    a test's transaction that closes the test's own connection on PostgreSQL (SQLite's in-memory test
    database ignores it), so that one housekeeping call is switched off here.
    """
    before = DBTaskResult.objects.finished().count()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker().run()
    return DBTaskResult.objects.finished().count() - before


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
