"""Long exports and imports as background jobs: started from a page, run by a worker, left for their owner.

An export of more than `KOPRU_EXPORT_BACKGROUND_ROWS` rows, or the import of a file of more
than `KOPRU_IMPORT_BACKGROUND_ROWS`, would hold a web worker for seconds or minutes. Instead the
page starts a `BackgroundJob` (`job_export_start`, `job_import_start`) and enqueues
`core.tasks.background_job_run`; the job's page shows its progress until the file is ready
(exports) or the rows are written (imports). Smaller exports and imports stay in the request.

The worker runs the list's own view to get the rows (`list_queryset`), so the export holds
exactly what the list showed its owner (filters, sort, access). An import writes every row
in one transaction or none (`core.resources.import_apply`), as in the request; since nothing
it writes is visible before it commits, its progress is shown without a percentage.
"""

import contextlib
import logging
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import exports, resources
from core.choices import JobKind, JobState
from core.models import BackgroundJob, StaleEditError
from core.roles import role_of

logger = logging.getLogger(__name__)

# The job row is updated at most this often while rows are written: progress without a write per row.
PROGRESS_EVERY = 500
ERRORS_SHOWN = 5


class JobError(Exception):
    """The job cannot be done; `message` says why, to its owner."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def export_rows_limit() -> int:
    return settings.KOPRU_EXPORT_BACKGROUND_ROWS


def import_rows_limit() -> int:
    return settings.KOPRU_IMPORT_BACKGROUND_ROWS


def has_more_rows_than(queryset, limit: int) -> bool:
    """Whether `queryset` holds over `limit` rows: one short query, however many rows there are."""
    return queryset.order_by().values("pk")[limit : limit + 1].exists()


# --- Starting a job --------------------------------------------------------------------------------


def list_view_of(path: str):
    """The list view (core.views.ObjectListView with a resource) that `path` names, or JobError."""
    from core.views import ObjectListView  # the views import this module

    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        match = None
    view_class = getattr(match.func, "view_class", None) if match else None
    if view_class is None or not issubclass(view_class, ObjectListView):
        raise JobError(_("This page has no export."))
    # URLconfs give a list its resource in as_view(resource_class=…)
    if match.func.view_initkwargs.get("resource_class", view_class.resource_class) is None:
        raise JobError(_("This page has no export."))
    return match, view_class


def _enqueue(job: BackgroundJob) -> BackgroundJob:
    from core.tasks import background_job_run  # the task module imports this one

    def send():
        result = background_job_run.enqueue(job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(send)  # a worker must find the job row committed
    return job


@transaction.atomic
def job_export_start(*, owner, path: str, file_format: str) -> BackgroundJob:
    """Start exporting the list at `path` (with its query) as `file_format` for `owner`."""
    if file_format not in exports.FORMATS:
        raise JobError(_("Unknown export format."))
    _match, view_class = list_view_of(path)
    opts = view_class.model._meta
    job = BackgroundJob.objects.create(
        owner=owner,
        kind=JobKind.EXPORT,
        title=capfirst(
            _("Export of %(models)s (%(format)s)") % {"models": opts.verbose_name_plural, "format": file_format}
        ),
        source={"path": path, "format": file_format},
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return _enqueue(job)


@transaction.atomic
def job_import_start(
    *, owner, resource_class: type, upload_name: str, file_name: str, fingerprint: str, rows: int
) -> BackgroundJob:
    """Start writing an uploaded file whose preview `owner` confirmed; the job owns the upload from now on."""
    opts = resource_class._meta.model._meta
    job = BackgroundJob.objects.create(
        owner=owner,
        kind=JobKind.IMPORT,
        title=capfirst(_("Import of %(models)s: %(file)s") % {"models": opts.verbose_name_plural, "file": file_name})[
            :200
        ],
        source={
            "resource": f"{resource_class.__module__}.{resource_class.__qualname__}",
            "upload": upload_name,
            "file_name": file_name,
            "fingerprint": fingerprint,
        },
        total=rows,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return _enqueue(job)


# --- Running a job (in the worker) -----------------------------------------------------------------


def job_run(job_id: int) -> str:
    """Run one job to its end: its file or its writes, or its error for the owner."""
    job = BackgroundJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_over:
        return "skipped"  # run twice (a worker died after finishing): the first run's result stands
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    with translation.override(job.language):
        try:
            if not job.owner.is_active or not role_of(job.owner).can_read:
                raise JobError(_("You no longer have access to these records."))
            if job.kind == JobKind.EXPORT:
                _run_export(job)
            else:
                _run_import(job)
        except JobError as error:
            _fail(job, str(error.message))
            return "failed"
        except Exception as error:
            _fail(
                job,
                gettext("The job failed unexpectedly (%(error)s). Please try again.") % {"error": type(error).__name__},
            )
            raise  # the queue keeps the traceback (admin → task results)
    return "finished"


def _fail(job: BackgroundJob, message: str) -> None:
    logger.warning("Background job %s failed: %s", job.pk, message)
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=message, finished_at=timezone.now())


def _report(job: BackgroundJob, done: int) -> None:
    progress = min(99, done * 100 // job.total) if job.total else 0
    BackgroundJob.objects.filter(pk=job.pk).update(done=done, progress=progress)


def _counted(rows, job: BackgroundJob):
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007 - `done` is the count after the loop
        yield row
        if done % PROGRESS_EVERY == 0:
            _report(job, done)
    _report(job, done)


def list_queryset(job: BackgroundJob):
    """The rows the list showed the job's owner, by running the list's own view for them."""
    path = job.source.get("path", "")
    match, view_class = list_view_of(path)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = urlsplit(path).path
    request.GET = QueryDict(urlsplit(path).query)
    request.user = job.owner
    request.LANGUAGE_CODE = job.language
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    return view, view.export_queryset()


def _run_export(job: BackgroundJob) -> None:
    file_format = job.source.get("format")
    if file_format not in exports.FORMATS:
        raise JobError(_("Unknown export format."))
    view, queryset = list_queryset(job)
    resource = view.resource_class(user=job.owner)  # the instance has the URLconf's resource_class
    job.total = queryset.count()
    BackgroundJob.objects.filter(pk=job.pk).update(total=job.total)
    rows = _counted(exports.export_rows(queryset, resource), job)
    headers = resource.get_export_headers()
    name = exports.export_filename(queryset.model, file_format)
    with tempfile.TemporaryFile() as file:
        if file_format == exports.XLSX:
            title = capfirst(queryset.model._meta.verbose_name_plural)
            exports.write_xlsx(file, headers, rows, title)
        else:
            for piece in exports.csv_lines(headers, rows, file_format=file_format):
                file.write(piece.encode("utf-8"))
        file.seek(0)
        job.file.save(name, File(file), save=False)
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.FINISHED,
        progress=100,
        file=job.file.name,
        file_name=name,
        result=gettext("%(rows)s rows exported.") % {"rows": job.total},
        finished_at=timezone.now(),
    )


def _run_import(job: BackgroundJob) -> None:
    upload = job.source.get("upload", "")
    try:
        resource_class = import_string(job.source["resource"])
        if not issubclass(resource_class, resources.KopruResource):
            raise JobError(_("Unknown kind of import."))
        resource = resource_class(user=job.owner)
        try:
            with default_storage.open(upload, "rb") as stored:
                sheet = resources.read_sheet(stored.read())
        except OSError:
            raise JobError(_("The uploaded file is no longer available. Please upload it again.")) from None
        try:
            plan = resources.import_apply(
                resource=resource,
                sheet=sheet,
                file_name=job.source.get("file_name", ""),
                expected_fingerprint=job.source.get("fingerprint") or None,
            )
        except resources.ImportRejected as rejected:
            if not rejected.plan.errors:
                raise JobError(
                    _("The records changed since the preview, so nothing was imported. Upload the file again.")
                ) from None
            details = "; ".join(
                gettext("row %(row)s: %(message)s") % {"row": error.row, "message": error.message}
                if not error.column
                else gettext("row %(row)s, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column, "message": error.message}
                for error in rejected.plan.errors[:ERRORS_SHOWN]
            )
            raise JobError(
                gettext("Nothing was imported: some rows have errors. %(errors)s") % {"errors": details}
            ) from None
        except StaleEditError:
            raise JobError(
                _("The records changed since the preview, so nothing was imported. Upload the file again.")
            ) from None
        except resources.ImportFileError as error:
            raise JobError(error.message) from None
    finally:
        with contextlib.suppress(OSError):
            default_storage.delete(upload)
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.FINISHED,
        progress=100,
        done=len(plan.rows),
        result=gettext("Import finished: %(created)s added, %(updated)s updated.")
        % {"created": len(plan.creates), "updated": len(plan.updates)},
        finished_at=timezone.now(),
    )
