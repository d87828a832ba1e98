"""Models every app builds on: optimistic locking, Turkish search, attachments, the data version,
and the outbox of happenings for other systems."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.attachments import KINDS
from core.choices import JobKind, JobState, OutboundEventKind
from core.roles import role_of
from core.text import turkish_fold


class StaleEditError(Exception):
    """Someone else saved the record after this edit began: saving now would silently overwrite them."""

    def __init__(self, instance, expected_version: int):
        super().__init__(f"{type(instance).__name__} {instance.pk} changed since version {expected_version}")
        self.instance = instance
        self.expected_version = expected_version


class VersionedModel(models.Model):
    """A model with optimistic locking: every save raises `version` by exactly one.

    A form that opened the record at version N sets `_expected_version = N` before
    saving; the save is then a compare-and-set (`UPDATE … WHERE version = N`), so of
    two concurrent edits of the same version exactly one wins and the other gets
    StaleEditError instead of overwriting it.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        expected = self.__dict__.pop("_expected_version", None)
        manager = type(self)._default_manager
        with transaction.atomic(using=kwargs.get("using")):
            rows = manager.filter(pk=self.pk)
            if expected is not None:
                rows = rows.filter(version=expected)
            if not rows.update(version=F("version") + 1):
                raise StaleEditError(self, expected)
            self.version = manager.values_list("version", flat=True).get(pk=self.pk)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            super().save(*args, **kwargs)


class TakesPartQuerySet(models.QuerySet):
    """The write rule for records an organization takes part in (see partnership.access).

    Managers and administrators may change every record, staff those their
    organization takes part in, outsiders none. A subclass says what "takes part"
    means for its model in `for_organization(organization)`.
    """

    def editable_by(self, user):
        role = role_of(user)
        if role.is_manager:
            return self.all()
        if role.organization is None:
            return self.none()
        return self.for_organization(role.organization)


class SearchableQuerySet(models.QuerySet):
    def search(self, query: str):
        """Records whose searchable text contains `query`, compared the Turkish way."""
        folded = turkish_fold(query)
        return self.filter(search_text__contains=folded) if folded else self


class SearchableModel(models.Model):
    """A model with a Turkish-folded copy of its searchable text (see `partnership.text`).

    Subclasses name their `search_fields`; `search_text` is refreshed on every save.
    Code that bypasses `save()` (bulk_create) calls `refresh_search_text()` itself.
    """

    search_fields: tuple[str, ...] = ()

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        self.search_text = turkish_fold(" ".join(str(getattr(self, name) or "") for name in self.search_fields))


def attachment_path(instance, filename: str) -> str:
    """A generated name: the uploader's file name never reaches the disk."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A document attached to the protocol, a project, an event or a transfer.

    Any model with a GenericRelation named `attachments` can hold them. Files are
    stored under generated names in MEDIA_ROOT (never the static root) and are
    served only through the access-checked download view, always as a download.
    """

    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The tables keep the names they had when attachments lived in the partnership app.
    history = HistoricalRecords(table_name="partnership_historicalattachment")

    class Meta:
        db_table = "partnership_attachment"
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="attachment_not_empty",
                violation_error_message=_("The file is empty."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("attachments:attachment_download", args=[self.pk])

    @property
    def extension(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.extension if kind else "bin"


def remove_file_on_commit(field_file) -> None:
    """Delete a stored file once the surrounding transaction commits (never on rollback)."""
    if field_file and field_file.name:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Attachment)
def _remove_file_of_deleted_attachment(sender, instance, **kwargs):
    # Every way a row goes (a page, the admin's bulk delete, a cascade from a deleted project)
    # passes here, so no file is left orphaned. Storage housekeeping, not domain logic.
    remove_file_on_commit(instance.file)


class DataVersion(models.Model):
    """One row counting committed writes to the partnership's data (see core/cache.py).

    Cached figures are stored under the number they were computed at, so any write, in
    any process, makes every cached figure unreachable. It lives in the database rather
    than in the cache because a per-process cache (locmem) would not share it.
    """

    number = models.PositiveBigIntegerField(_("number"), default=0)
    affects_cached_pages = False  # bumping it is how writes reach the cache, not a write of data

    class Meta:
        db_table = "partnership_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        ordering = ["pk"]

    def __str__(self):
        return str(self.number)


class OutboundEvent(models.Model):
    """Something that happened to a record, waiting to be told to other systems (core/outbox.py).

    Written by the service that made the change, in its transaction, so a rolled-back change
    leaves no event behind. A consumer (the webhooks app) marks it dispatched once it has made
    its deliveries. `key`, when given, makes the happening unique (a milestone is overdue once
    per due date), however often the job that notices it runs.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=OutboundEventKind.choices)
    model = models.CharField(_("record type"), max_length=100, help_text=_("app_label.model_name"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    # NULL rather than "" when there is no key: NULLs never collide in the unique constraint.
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(_("happened at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    affects_cached_pages = False  # no page shows the outbox

    class Meta:
        verbose_name = _("outbound event")
        verbose_name_plural = _("outbound events")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                name="outbound_event_key_unique",
                violation_error_message=_("This happening was recorded already."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OutboundEventKind.values),
                name="outbound_event_kind_valid",
                violation_error_message=_("Unknown kind of event."),
            ),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(dispatched_at__isnull=True), name="outbound_event_pending_idx")
        ]

    def __str__(self):
        return f"{self.kind} {self.model}:{self.object_id}"


def job_file_path(instance, filename: str) -> str:
    """A generated name nobody can guess; the download view gives the file its readable name."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class BackgroundJob(models.Model):
    """A long export or import that a worker runs for one person (core.jobs), and what it left them.

    The queue's own row (django-tasks-db's DBTaskResult, `task_id`) says whether the task ran;
    this row is what the person sees: the progress the task reports, the finished file (kept
    under a generated name in MEDIA_ROOT and served only to `owner`) or the error.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="background_jobs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.WAITING)
    title = models.CharField(_("title"), max_length=200)
    # What to run: for an export the list's path and query and the format; for an import the
    # resource, the waiting upload's storage name and the previewed plan's fingerprint.
    source = models.JSONField(_("source"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="tr")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=job_file_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    affects_cached_pages = False  # progress is written every few hundred rows; no kept page shows it

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="background_job_progress_at_most_100",
                violation_error_message=_("Progress is at most 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values),
                name="background_job_kind_valid",
                violation_error_message=_("Unknown kind of job."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=JobState.values),
                name="background_job_state_valid",
                violation_error_message=_("Unknown state of job."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_over(self) -> bool:
        return self.state in (JobState.FINISHED, JobState.FAILED)
