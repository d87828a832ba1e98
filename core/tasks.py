"""Background work of the shared machinery: long exports and imports (core.jobs)."""

from django_tasks import task

from core.jobs import job_run


@task()
def background_job_run(job_id: int) -> str:
    """Run one export or import job for its owner; see core.jobs."""
    return job_run(job_id)
