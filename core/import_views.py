"""Import pages: upload a spreadsheet, preview what it would do, confirm to write it all at once.

Each list's URLconf mounts `ImportView.as_view(resource_class=…)` with the model's Resource
(core.resources), which parses, checks and writes the rows; the list and template URLs follow
from the resource's model by the naming convention (`<app>:<model>_list`).
The flow is upload (POST) → preview (GET `?preview=<handle>`) → confirm or cancel (POST).
A confirmed file of more than `KOPRU_IMPORT_BACKGROUND_ROWS` rows is written by a worker
(core.jobs), all or nothing as here, and its job's page says when it is done.

Between preview and confirm the uploaded file itself waits in the default storage,
under `imports/<random name>.upload`, and the session keeps only a small entry: a
random handle → that storage name, the user's id, the model and the original file
name. Why the file and not the parsed rows: an upload may hold 10,000 rows, too much
for a session row that is read and rewritten on every request, and the rows would
need their own serialization; the file is already bounded (`KOPRU_IMPORT_MAX_BYTES`),
and re-reading it at confirm time is what re-validating against the current data
needs anyway. Why the default storage and not a temp directory: with several web
hosts behind a load balancer the confirm may reach another host; the default storage
is the one place they share (object storage in production). The storage name is
never shown to anyone (the URL carries only the handle, and a handle from another
session or user is refused); the file is deleted after confirm or cancel, and files
older than a day are swept whenever someone uploads.
"""

import contextlib
import csv
import io
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook

from core import exports, jobs, resources
from core.access import ReadAccessMixin
from core.models import StaleEditError

SESSION_KEY = "kopru_imports"
UPLOAD_DIR = "imports"
PENDING_MAX_AGE = timedelta(days=1)
PREVIEW_LIMIT = 500  # rows shown per section of the preview; the counts cover them all


class ImportForm(forms.Form):
    """The upload: one CSV or XLSX file, checked as a whole (size, format, rows, headers) before any preview."""

    file = forms.FileField(
        label=_("Spreadsheet file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv," + exports.XLSX_CONTENT_TYPE}),
    )

    def __init__(self, *args, resource: resources.KopruResource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.sheet: resources.Sheet | None = None
        self.content = b""
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or Windows-1254, comma or semicolon separated) or Excel .xlsx (its first sheet); "
            "at most %(size)s and %(rows)s rows."
        ) % {
            "size": filesizeformat(resources.max_bytes()),
            "rows": formats.number_format(resources.max_rows(), force_grouping=True),
        }
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = resources.max_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        if not upload.name.lower().endswith(resources.EXTENSIONS):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        self.content = upload.read()
        try:
            self.sheet = resources.read_sheet(self.content)
            self.resource.match_headers(self.sheet.headers)
        except resources.ImportFileError as error:
            raise ValidationError(error.message) from None
        return upload


# --- The upload waiting between preview and confirm ---------------------------------------------


def stash_upload(request, resource: resources.KopruResource, content: bytes, file_name: str) -> str:
    """Keep the upload until it is confirmed; returns the handle the preview URL carries."""
    sweep_stale_uploads()
    pending = request.session.get(SESSION_KEY, {})
    for handle in [handle for handle, entry in pending.items() if entry.get("model") == label_of(resource)]:
        _delete_file(pending.pop(handle))  # one waiting upload per list: the newest
    name = default_storage.save(f"{UPLOAD_DIR}/{secrets.token_urlsafe(32)}.upload", ContentFile(content))
    handle = secrets.token_urlsafe(16)
    pending[handle] = {
        "name": name,
        "user": request.user.pk,
        "model": label_of(resource),
        "file_name": file_name[:200],
        "at": timezone.now().timestamp(),
    }
    request.session[SESSION_KEY] = pending
    return handle


def pending_upload(request, resource: resources.KopruResource, handle: str | None) -> dict | None:
    """The waiting upload behind `handle`, if it is this user's, for this list, and not too old."""
    entry = request.session.get(SESSION_KEY, {}).get(handle or "")
    if not entry or entry.get("user") != request.user.pk or entry.get("model") != label_of(resource):
        return None
    if timezone.now().timestamp() - entry.get("at", 0) > PENDING_MAX_AGE.total_seconds():
        discard_upload(request, handle)
        return None
    return entry


def discard_upload(request, handle: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(handle, None)
    if entry is not None:
        _delete_file(entry)
        request.session[SESSION_KEY] = pending


def _delete_file(entry: dict) -> None:
    with contextlib.suppress(OSError):  # already swept; nothing else refers to it
        default_storage.delete(entry["name"])


def sweep_stale_uploads() -> None:
    """Delete waiting uploads nobody confirmed or cancelled within a day (closed tabs, expired sessions)."""
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for file_name in files:
        name = f"{UPLOAD_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (OSError, NotImplementedError):
            continue


def read_pending(entry: dict) -> resources.Sheet:
    with default_storage.open(entry["name"], "rb") as stored:
        return resources.read_sheet(stored.read())


# --- Views ---------------------------------------------------------------------------------------


def label_of(resource: resources.KopruResource) -> str:
    return resource._meta.model._meta.label_lower


class ImportAccessMixin(ReadAccessMixin):
    """Imports are open to whoever may create records: managers, and staff for their own organization.

    Which rows they may write is the resource's access rule (`KopruResource.validate_instance`).
    """

    resource_class: type[resources.KopruResource] | None = None

    def dispatch(self, request, *args, **kwargs):
        self.resource = self.resource_class(user=request.user)
        return super().dispatch(request, *args, **kwargs)


class ImportView(ImportAccessMixin, TemplateView):
    """Upload → preview → confirm, for one list; nothing is written before the confirm."""

    form_template_name = "generic/import_form.html"
    preview_template_name = "generic/import_preview.html"

    def get(self, request, *args, **kwargs):
        if "preview" in request.GET:
            return self.preview(request.GET["preview"])
        return self.render_form(ImportForm(resource=self.resource))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return self.confirm(request.POST.get("handle"), request.POST.get("fingerprint", ""))
        if action == "cancel":
            discard_upload(request, request.POST.get("handle", ""))
            messages.info(request, _("The upload was discarded; nothing was imported."))
            return redirect(request.path)
        form = ImportForm(request.POST, request.FILES, resource=self.resource)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved. Please correct the errors below."))
            return self.render_form(form)
        handle = stash_upload(request, self.resource, form.content, form.cleaned_data["file"].name)
        return redirect(f"{request.path}?{urlencode({'preview': handle})}")

    def preview(self, handle: str):
        entry, sheet = self.load(handle)
        if sheet is None:
            return redirect(self.request.path)
        try:
            plan = self.resource.plan(sheet)
        except resources.ImportFileError as error:
            discard_upload(self.request, handle)
            messages.error(self.request, error.message)
            return redirect(self.request.path)
        return self.render_preview(plan, handle, entry)

    def confirm(self, handle: str | None, fingerprint: str):
        entry, sheet = self.load(handle)
        if sheet is None:
            return redirect(self.request.path)
        if len(sheet.rows) > jobs.import_rows_limit():
            return self.confirm_in_background(handle, entry, fingerprint, rows=len(sheet.rows))
        try:
            plan = resources.import_apply(
                resource=self.resource,
                sheet=sheet,
                file_name=entry["file_name"],
                expected_fingerprint=fingerprint,
            )
        except StaleEditError:
            messages.warning(
                self.request,
                _("The records changed since the preview, so nothing was imported yet. Check the preview again."),
            )
            return redirect(f"{self.request.path}?{urlencode({'preview': handle})}")
        except resources.ImportRejected as rejected:
            if rejected.plan.errors:
                messages.error(self.request, _("Nothing was imported: some rows have errors."))
            else:
                messages.warning(
                    self.request,
                    _("The records changed since the preview, so nothing was imported yet. Check the preview again."),
                )
            return self.render_preview(rejected.plan, handle, entry)
        except (resources.ImportFileError, DatabaseError):
            messages.error(self.request, _("Nothing was imported: the changes could not be saved. Please try again."))
            return redirect(f"{self.request.path}?{urlencode({'preview': handle})}")
        discard_upload(self.request, handle)
        messages.success(
            self.request,
            _("Import finished: %(created)s added, %(updated)s updated.")
            % {"created": len(plan.creates), "updated": len(plan.updates)},
        )
        return redirect(self.list_url())

    def confirm_in_background(self, handle: str, entry: dict, fingerprint: str, rows: int):
        """Hand a long import to a worker: the job takes over the waiting upload and writes it all or nothing."""
        job = jobs.job_import_start(
            owner=self.request.user,
            resource_class=self.resource_class,
            upload_name=entry["name"],
            file_name=entry["file_name"],
            fingerprint=fingerprint,
            rows=rows,
        )
        pending = self.request.session.get(SESSION_KEY, {})
        pending.pop(handle, None)  # the file stays: the job deletes it when done
        self.request.session[SESSION_KEY] = pending
        messages.info(self.request, _("The import runs in the background; this page shows when it is done."))
        return redirect(job)

    def load(self, handle):
        """The waiting upload and its sheet; (entry, None) with a message when it is gone."""
        entry = pending_upload(self.request, self.resource, handle)
        if entry is not None:
            try:
                return entry, read_pending(entry)
            except (OSError, resources.ImportFileError):
                discard_upload(self.request, handle)
        messages.warning(self.request, _("That upload is no longer available. Please upload the file again."))
        return entry, None

    def url_of(self, suffix: str) -> str:
        """The resource model's URL by the naming convention: `<app>:<model>_<suffix>`."""
        opts = self.resource._meta.model._meta
        return reverse(f"{opts.app_label}:{opts.model_name}_{suffix}")

    def list_url(self) -> str:
        return self.url_of("list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.resource._meta.model._meta
        template_url = self.url_of("import_template")
        context.update(
            title=_("Import %(models)s") % {"models": opts.verbose_name_plural},
            list_title=capfirst(opts.verbose_name_plural),
            list_url=self.list_url(),
            template_url=template_url,
            template_csv_url=f"{template_url}?format=csv",
            column_help=self.resource.column_help(),
            key_header=str(self.resource.key.header),
        )
        return context

    def render_form(self, form):
        self.template_name = self.form_template_name
        return self.render_to_response(self.get_context_data(form=form))

    def render_preview(self, plan: resources.ImportPlan, handle: str, entry: dict):
        self.template_name = self.preview_template_name
        sections = {name: getattr(plan, name) for name in ("creates", "updates", "unchanged", "error_rows")}
        errors = plan.errors
        context = self.get_context_data(
            plan=plan,
            handle=handle,
            fingerprint=plan.fingerprint,
            file_name=entry["file_name"],
            creates=sections["creates"][:PREVIEW_LIMIT],
            updates=sections["updates"][:PREVIEW_LIMIT],
            errors=errors[:PREVIEW_LIMIT],
            counts={name: len(rows) for name, rows in sections.items()},
            error_count=len(errors),
            hidden={
                "creates": max(0, len(sections["creates"]) - PREVIEW_LIMIT),
                "updates": max(0, len(sections["updates"]) - PREVIEW_LIMIT),
                "errors": max(0, len(errors) - PREVIEW_LIMIT),
            },
            can_confirm=not errors and bool(sections["creates"] or sections["updates"]),
        )
        return self.render_to_response(context)


class ImportTemplateView(ImportAccessMixin, View):
    """The list's import columns with one example row: XLSX, or CSV with `?format=csv`."""

    def get(self, request, *args, **kwargs):
        headers, example = self.resource.template_rows()
        opts = self.resource._meta.model._meta
        filename = f"kopru-{opts.model_name}-import-template"
        if request.GET.get("format") == "csv":
            return csv_template(headers, example, filename)
        return xlsx_template(headers, example, filename, title=capfirst(opts.verbose_name_plural))


def csv_template(headers: list[str], example: list, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerow([exports.csv_cell(exports.plain(value)) for value in example])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_template(headers: list[str], example: list, filename: str, title: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append(headers)
    sheet.append([exports.plain(value) for value in example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
