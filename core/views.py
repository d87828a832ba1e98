"""The shared views every app builds on, and the pages that belong to no one app.

Shared: ObjectListView / ObjectDetailView / ObjectCreateView / ObjectUpdateView, the
403 and 500 handlers. Own pages: attachments, background jobs' pages and the health check.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core import exports
from core.access import EditAccessMixin, ReadAccessMixin, can_edit, with_edit_flag
from core.attachments import KINDS
from core.audit import log_denied
from core.cache import fragment_key, page_fragment_key
from core.choices import JobState
from core.forms import STALE_EDIT_MESSAGE, AttachmentForm, merge_stale_edit
from core.history import changes_since, history_entries
from core.jobs import JobError, export_rows_limit, has_more_rows_than, job_export_start
from core.models import Attachment, BackgroundJob, StaleEditError
from core.services import attachment_add, attachment_delete


@requires_csrf_token
def permission_denied(request, exception=None):
    """The 403 page, in the layout; every denial lands in the audit log."""
    log_denied(request, reason=str(exception or ""))
    return render(request, "403.html", status=403)


@requires_csrf_token
def server_error(request):
    """The 500 page: no traceback, only an error id that the log also holds."""
    error_id = getattr(request, "error_id", None) or "-"
    return render(request, "500.html", {"error_id": error_id}, status=500)


@never_cache
@require_GET
@login_not_required
def health(request):
    """Liveness and database check for load balancers: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class ObjectListView(ReadAccessMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated list: the shape every Köprü list shares."""

    template_name = "generic/object_list.html"
    # The table paginates; the ListView's own pagination stays off so rows are counted once.
    paginate_by = None
    table_pagination = {"per_page": 25}
    create_url_name: str | None = None
    create_label = None  # the create button's words: "New <record>" unless the list says better
    import_url_name: str | None = None
    resource_class = None  # the model's spreadsheet columns (core.resources), for the export

    # The filter form, the count and the table are kept as HTML under the data version
    # (core/cache.py), so viewing a list again before anyone writes runs no list query.
    # Off for lists whose rows move with the clock (upcoming/past events).
    cache_list = True

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in exports.FORMATS and self.resource_class is not None:
            return self.export(export)
        if self.cache_list:
            self.fragment_key = page_fragment_key(request)
            if (html := cache.get(self.fragment_key)) is not None:
                self.object_list = self.get_queryset().none()  # the template lookup expects one; no query
                return self.render_to_response({"view": self, "fragment_html": html, **self.page_context()})
        return super().get(request, *args, **kwargs)

    def export_queryset(self):
        """The rows the page shows: same filters, same sort, every page."""
        self.filterset = filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid() and self.get_strict():
            self.object_list = filterset.queryset.none()
        else:
            self.object_list = filterset.qs
        self.table_pagination = False  # every row, and no count query
        return self.get_table().data.data  # sorted as shown

    def export(self, file_format: str):
        """The rows the page shows as a download (core.exports); a long export is offered as a background job."""
        queryset = self.export_queryset()
        if has_more_rows_than(queryset, export_rows_limit()):
            opts = self.model._meta
            context = {
                "title": capfirst(_("Export %(models)s") % {"models": opts.verbose_name_plural}),
                "list_title": capfirst(opts.verbose_name_plural),
                "list_url": self.request.path,
                "path": self.request.get_full_path(),
                "format": file_format,
                "limit": export_rows_limit(),
            }
            return render(self.request, "generic/export_background.html", context)
        resource = self.resource_class(user=self.request.user)
        return exports.export_response(queryset, resource, file_format)

    def page_context(self) -> dict:
        """What the page shows around the list: title and buttons."""
        opts = self.model._meta
        context = {
            "title": capfirst(opts.verbose_name_plural),
            "can_export": self.resource_class is not None,
            "fragment_key": getattr(self, "fragment_key", None),
        }
        if self.create_url_name:
            context["create_url"] = reverse(self.create_url_name)
            context["create_label"] = self.create_label or _("New %(model)s") % {"model": opts.verbose_name}
        if self.import_url_name:
            context["import_url"] = reverse(self.import_url_name)
        return context

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.page_context()}


class ObjectDetailView(ReadAccessMixin, DetailView):
    """A record's page, with whether the user may change it and its change history."""

    history_limit = 20
    attachments_inline = True  # False: the page loads its documents once shown (a part of its own)

    def get_queryset(self):
        return with_edit_flag(super().get_queryset(), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user, self.object)
        context["history"] = history_entries(self.object, limit=self.history_limit)
        if self.attachments_inline and hasattr(self.object, "attachments"):
            context.update(attachment_context(self.request.user, self.object, editable=context["can_edit"]))
        return context


class LoadedPartMixin:
    """A part a page loads after it is shown (static/js/lazy.js asks with X-Kopru-Fragment): the part
    alone, in `includes/fragment.html`; followed as a link without JavaScript, a whole page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fragment = self.request.headers.get("X-Kopru-Fragment") == "1"
        context["base_template"] = "includes/fragment.html" if fragment else "base.html"
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["X-Kopru-Fragment"])  # one URL, two bodies
        return response


class ObjectFormMixin:
    """Create and update pages share one template and a success message."""

    template_name = "generic/object_form.html"
    success_message = _("“%(object)s” was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    list_url_name: str | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.model._meta
        context["form_title"] = _("New %(model)s") % {"model": opts.verbose_name}
        context["list_title"] = capfirst(opts.verbose_name_plural)
        context["cancel_url"] = reverse(self.list_url_name) if self.list_url_name else "/"
        return context

    def save_form(self, form):
        """Save the valid form; a record whose writes go through a service (events, transfers) says so here."""
        return form.save()

    def form_valid(self, form):
        try:
            self.object = self.save_form(form)
        except StaleEditError as error:
            return self.stale_edit(form, error)
        messages.success(self.request, self.success_message % {"object": self.object})
        return redirect(self.get_success_url())

    def stale_edit(self, form, error: StaleEditError, formsets=None):
        """Refuse an edit of an outdated version and show it merged with the newer save.

        Every versioned form on the page whose record someone else saved meanwhile (the record's
        own form, a milestone row) is merged with that record (core.forms.merge_stale_edit):
        the fields the user left alone take the newer values, the user's changes stay on top,
        fields both changed are shown side by side with a choice, and each form now carries the
        current version, so saving again overwrites nothing the user has not seen.
        """
        current = type(error.instance)._default_manager.filter(pk=error.instance.pk).first()
        stale_changes = changes_since(current, error.expected_version) if current and error.expected_version else []
        conflicts = []
        for candidate in [form, *(row for formset in formsets or () for row in formset.forms)]:
            opened = getattr(candidate, "cleaned_data", {}).get("version")
            if not opened or candidate.instance.pk is None:
                continue
            saved = type(candidate.instance)._default_manager.filter(pk=candidate.instance.pk).first()
            if saved is not None and saved.version != opened:
                record_label = "" if candidate is form else str(saved)
                conflicts += merge_stale_edit(candidate, saved, opened, record_label=record_label)
        messages.error(self.request, STALE_EDIT_MESSAGE)
        context = {"form": form, "stale_changes": stale_changes, "stale_record": current, "conflicts": conflicts}
        if formsets is not None:
            context["formsets"] = formsets
        return self.render_to_response(self.get_context_data(**context))

    def form_invalid(self, form, **context):
        """Show the errors with one message, which also names each field's error (the fields show
        theirs too); `context` carries extras such as bound formsets."""
        problems = [
            f"{capfirst(form.fields[name].label or name)}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        message = _("Nothing was saved. Please correct the errors below.")
        messages.error(self.request, " ".join([str(message), *problems]) if problems else message)
        return self.render_to_response(self.get_context_data(form=form, **context))


class ObjectCreateView(ReadAccessMixin, ObjectFormMixin, CreateView):
    """Whoever may read may start a record; the form checks their organization takes part."""


class ObjectUpdateView(EditAccessMixin, ObjectFormMixin, UpdateView):
    def get(self, request, *args, **kwargs):
        """A form just opened shows the record's data: it is kept as HTML under the data version.

        The CSRF token sits outside the kept part. A form sent back with errors is never kept.
        """
        self.object = self.get_object()
        key = fragment_key(request, "edit-form", request.path)
        if (html := cache.get(key)) is not None:
            context = self.get_context_data(form=None, formsets=(), fragment_html=html)
        else:
            context = self.get_context_data(fragment_key=key)
        return self.render_to_response(context)


# --- attachments ---------------------------------------------------------------


def attachable_record(content_type_id: int, object_id: int):
    """The record an attachment belongs to: only models that declare a GenericRelation `attachments`."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    relation = model and next(
        (f for f in model._meta.private_fields if f.name == "attachments" and f.related_model is Attachment), None
    )
    if relation is None:
        raise Http404
    return get_object_or_404(model._default_manager, pk=object_id)


def attachment_context(user, record, editable: bool | None = None) -> dict:
    """What a detail page needs to list a record's attachments and, for editors, to add one.

    `editable` passes on a can_edit() answer the page already has, saving its query.
    """
    context = {"attachments": list(record.attachments.select_related("uploaded_by"))}
    if editable if editable is not None else can_edit(user, record):
        content_type = ContentType.objects.get_for_model(record)
        context["attachment_form"] = AttachmentForm()
        context["attachment_upload_url"] = reverse("attachments:attachment_create", args=[content_type.pk, record.pk])
    return context


class AttachmentCreateView(ReadAccessMixin, View):
    """Attach a document to a record; only those who may change the record may attach."""

    http_method_names = ["post"]

    def post(self, request, content_type_id, object_id):
        record = attachable_record(content_type_id, object_id)
        if not can_edit(request.user, record):
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        errors = form.errors if not form.is_valid() else {}
        if not errors:
            try:
                attachment_add(
                    record=record, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], user=request.user
                )
            except ValidationError as error:
                errors = {"file": error.messages}
        if errors:
            text = "; ".join(message for messages_ in errors.values() for message in messages_)
            messages.error(request, _("The document was not attached: %(errors)s") % {"errors": text})
        else:
            messages.success(request, _("The document was attached."))
        return redirect(record.get_absolute_url() + "#attachments")


class AttachmentDownloadView(ReadAccessMixin, View):
    """Serve a file to readers of its record, always as a download and never rendered inline."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        if attachment.record is None:
            raise Http404
        kind = KINDS.get(attachment.kind)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=kind.content_type if kind else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AttachmentDeleteView(ReadAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        record = attachment.record
        if record is None or not can_edit(request.user, record):
            raise PermissionDenied
        attachment_delete(attachment=attachment)
        messages.success(request, _("The attachment was removed."))
        return redirect(record.get_absolute_url() + "#attachments")


# --- background jobs (core.jobs) ---------------------------------------------------------------


class BackgroundJobMixin(ReadAccessMixin):
    """A job is its owner's alone: anyone else gets a 404, as if it did not exist."""

    def get_job(self, pk):
        return get_object_or_404(BackgroundJob, pk=pk, owner=self.request.user)


class BackgroundExportCreateView(BackgroundJobMixin, View):
    """Start exporting a list in the background: the list's path with its query, and a format."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            job = job_export_start(
                owner=request.user, path=request.POST.get("path", ""), file_format=request.POST.get("format", "")
            )
        except JobError as error:
            return HttpResponseBadRequest(str(error.message))  # only a tampered form gets here
        return redirect(job)


class BackgroundJobDetailView(BackgroundJobMixin, View):
    """The job's page: its progress, updating itself (static/js/job.js), then its file or its error."""

    def get(self, request, pk):
        job = self.get_job(pk)
        return render(request, "core/backgroundjob_detail.html", {"job": job, "title": job.title})


class BackgroundJobStatusView(BackgroundJobMixin, View):
    """What the job's page polls: its state and progress as JSON."""

    def get(self, request, pk):
        job = self.get_job(pk)
        response = JsonResponse(
            {"state": job.state, "progress": job.progress, "done": job.done, "total": job.total, "over": job.is_over}
        )
        response["Cache-Control"] = "no-store"
        return response


class BackgroundJobDownloadView(BackgroundJobMixin, View):
    """The finished job's file, to its owner only, always as a download."""

    def get(self, request, pk):
        job = self.get_job(pk)
        if job.state != JobState.FINISHED or not job.file:
            raise Http404
        try:
            file = job.file.open("rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(file, as_attachment=True, filename=job.file_name or None)
        response["X-Content-Type-Options"] = "nosniff"
        return response
