"""The agreement itself: the parties, the protocol, its articles and the parties' products."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.attachments import KINDS
from partnership.choices import OrganizationKind, ProductCategory, ProtocolStatus
from partnership.fields import HttpsURLField
from partnership.roles import role_of
from partnership.text import turkish_fold


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


class OrganizationQuerySet(models.QuerySet):
    def parties(self):
        """Organizations that signed a protocol."""
        return self.filter(protocol_parties__isnull=False).distinct()


class Organization(models.Model):
    """A company or municipality taking part in, or standing behind, the partnership."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind, default=OrganizationKind.COMPANY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliates",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = HttpsURLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="organization_name_unique",
                violation_error_code="unique",
                violation_error_message=_("An organization with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["short_name"],
                name="organization_short_name_unique",
                violation_error_code="unique",
                violation_error_message=_("An organization with this short name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organization_not_own_parent",
                violation_error_message=_("An organization cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.short_name or self.name


class Membership(models.Model):
    """Ties a user to the one organization they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__username"]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class ProtocolQuerySet(models.QuerySet):
    def editable_by(self, user):
        """The agreement itself is managers' and administrators' business."""
        return self.all() if role_of(user).is_manager else self.none()


class Protocol(VersionedModel):
    """A signed cooperation protocol between organizations."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    signed_place = models.CharField(_("place of signing"), max_length=300)
    effective_on = models.DateField(_("effective from"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProtocolStatus, default=ProtocolStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    # The signed document and any annexes are attachments, checked and served like every other file.
    attachments = GenericRelation("Attachment")
    history = HistoricalRecords()

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="protocol_number_unique",
                violation_error_code="unique",
                violation_error_message=_("A protocol with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("signed_on")),
                name="protocol_effective_after_signing",
                violation_error_message=_("A protocol cannot take effect before it is signed."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("effective_on")),
                name="protocol_expires_after_effective",
                violation_error_message=_("A protocol cannot expire before it takes effect."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnership:protocol_detail")


class ProtocolParty(models.Model):
    """An organization that signed a protocol, and who signed for it."""

    protocol = models.ForeignKey(Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="protocol_parties"
    )
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protocol party")
        verbose_name_plural = _("protocol parties")
        ordering = ["protocol", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "organization"],
                name="protocol_party_unique",
                violation_error_message=_("This organization is already a party to the protocol."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.signatory_name})"


class ProtocolArticle(models.Model):
    """A clause of a protocol: one area of cooperation that work can serve."""

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protocol article")
        verbose_name_plural = _("protocol articles")
        ordering = ["protocol", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "number"],
                name="protocol_article_number_unique",
                violation_error_message=_("The protocol already has an article with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="protocol_article_number_positive",
                violation_error_message=_("Article numbers start at 1."),
            ),
        ]

    def __str__(self):
        return _("Art. %(number)s — %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self):
        return reverse("partnership:protocol_detail") + f"#article-{self.number}"


class TechnologyProduct(models.Model):
    """An existing technology product of one party, which the other side may adopt."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=ProductCategory, default=ProductCategory.OTHER)
    description = models.TextField(_("description"), blank=True)
    website = HttpsURLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("technology product")
        verbose_name_plural = _("technology products")
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="technology_product_name_unique",
                violation_error_message=_("This organization already has a product with this name."),
            ),
        ]

    def __str__(self):
        return self.name


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
    history = HistoricalRecords()

    class Meta:
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
    """One row counting committed writes to the partnership's data (see partnership/cache.py).

    Cached figures are stored under the number they were computed at, so any write, in
    any process, makes every cached figure unreachable. It lives in the database rather
    than in the cache because a per-process cache (locmem) would not share it.
    """

    number = models.PositiveBigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        ordering = ["pk"]

    def __str__(self):
        return str(self.number)
