"""Notifications (one row per person and happening), each person's notification preferences (and
each organization's defaults for its members), and the weekly digests sent (one row per person and week).

None of these tables is read by a cached page (core/cache.py): a notification marked read must not make
every kept list and figure stale, so each says `affects_cached_pages = False`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.choices import Delivery, NotificationKind, Weekday
from partnership.models import Organization

# Notifications are written in these languages when they are created, so each person reads
# theirs in their own language, on the page and in mail, whoever caused them.
TITLE_LANGUAGES = ("tr", "en")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """What the user's notification centre shows: their own notifications that go in the app."""
        return self.filter(recipient=user, in_app=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should hear about, with a link to the record it is about.

    `key` names the happening and its recipient (e.g. a milestone's reminder for one due date),
    and is unique: a reminder run twice, or by two hosts at once, creates each notification once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=200, editable=False)
    url = models.CharField(_("link"), max_length=500)
    title_tr = models.CharField(_("title (Turkish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    in_app = models.BooleanField(_("shown in the app"), default=True)
    by_email = models.BooleanField(_("sent by e-mail"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    # When the mail's current attempt was handed to the workers (or is due, for a retry). A mail
    # still unsent long after it is a worker's that died mid-task: it is queued again (email_requeue_stuck).
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    affects_cached_pages = False

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                name="notification_key_unique",
                violation_error_message=_("This notification exists already."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
                violation_error_message=_("Unknown kind of notification."),
            ),
            models.CheckConstraint(
                condition=Q(in_app=True) | Q(by_email=True),
                name="notification_goes_somewhere",
                violation_error_message=_("A notification is shown in the app, sent by e-mail, or both."),
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url

    @property
    def kind_label(self) -> str:
        """`get_kind_display()`, read from the choices directly: Django's rebuilds a dict of every
        choice on each call, which a page of fifty notifications felt."""
        return NotificationKind(self.kind).label

    @property
    def title(self) -> str:
        """The title in the language of the page being rendered (Turkish unless it is English)."""
        return self.title_en if (get_language() or "tr").startswith("en") else self.title_tr

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# What a preference holds besides whose it is: copied from an organization's defaults for a
# member who has none of their own.
def preference_fields() -> list[str]:
    return ["language", "lead_days", "digest", "digest_day", *NotificationKind.values]


class NotificationPreferenceQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationPreference":
        """The user's preferences; else, unsaved, their organization's defaults; else the built-in ones.

        Users loaded through `with_preferences()` cost no query here.
        """
        cache = user._state.fields_cache
        own = cache["notification_preference"] if "notification_preference" in cache else self.filter(user=user).first()
        if own is not None:
            return own
        return NotificationPreference.from_defaults(user, self.organization_defaults_of(user))

    def organization_defaults_of(self, user) -> "NotificationPreference | None":
        """The defaults of the user's organization, if a manager set any."""
        cache = user._state.fields_cache
        if "membership" not in cache:
            return self.filter(organization__memberships__user=user).first()
        membership = cache["membership"]
        if membership is None:
            return None
        organization = membership._state.fields_cache.get("organization")
        if organization is not None and "notification_defaults" in organization._state.fields_cache:
            return organization._state.fields_cache["notification_defaults"]
        return self.filter(organization_id=membership.organization_id).first()


def with_preferences(users):
    """`users` (a user QuerySet) with each one's preferences and organization's defaults read alongside."""
    return users.select_related("notification_preference", "membership__organization__notification_defaults")


def delivery_field(kind: NotificationKind) -> models.CharField:
    return models.CharField(kind.label, max_length=8, choices=Delivery.choices, default=Delivery.BOTH)


class NotificationPreference(models.Model):
    """How one person wants to hear about each kind of notification, in which language, how early,
    and whether and on which day the weekly digest comes.

    A row with an organization instead of a user holds that organization's defaults: what its
    members who never chose get (set by managers).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
        null=True,
        blank=True,
    )
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="notification_defaults",
        null=True,
        blank=True,
        help_text=_("Set for an organization's defaults, instead of a user."),
    )
    language = models.CharField(_("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default="tr")
    lead_days = models.PositiveSmallIntegerField(
        _("days of warning before a milestone is due"),
        default=7,
        help_text=_("Between 1 and 60 days."),
    )
    digest = models.BooleanField(
        _("weekly digest by e-mail"),
        default=True,
        help_text=_("Once a week: what is overdue, due soon or waiting for an update, and what the other side did."),
    )
    digest_day = models.PositiveSmallIntegerField(
        _("day of the digest"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    milestone_due = delivery_field(NotificationKind.MILESTONE_DUE)
    milestone_overdue = delivery_field(NotificationKind.MILESTONE_OVERDUE)
    update_due = delivery_field(NotificationKind.UPDATE_DUE)
    event_tomorrow = delivery_field(NotificationKind.EVENT_TOMORROW)
    partner_activity = delivery_field(NotificationKind.PARTNER_ACTIVITY)
    record_edited = delivery_field(NotificationKind.RECORD_EDITED)

    objects = NotificationPreferenceQuerySet.as_manager()
    affects_cached_pages = False

    LEAD_DAYS_MAX = 60

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "organization"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organization__isnull=True)
                | Q(user__isnull=True, organization__isnull=False),
                name="notification_preference_user_or_organization",
                violation_error_message=_("Preferences are a person's or an organization's defaults, not both."),
            ),
            models.CheckConstraint(
                condition=Q(lead_days__gte=1, lead_days__lte=60),
                name="notification_preference_lead_days_range",
                violation_error_message=_("Warn between 1 and 60 days before a milestone is due."),
            ),
            models.CheckConstraint(
                condition=Q(digest_day__gte=1, digest_day__lte=7),
                name="notification_preference_digest_day_valid",
                violation_error_message=_("Choose a day of the week."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{kind.value}__in": Delivery.values}),
                    name=f"notification_preference_{kind.value}_valid",
                    violation_error_message=_("Choose one of the ways offered."),
                )
                for kind in NotificationKind
            ),
        ]

    def __str__(self):
        if self.organization_id is not None:
            return str(_("Notification defaults of %(organization)s") % {"organization": self.organization})
        return str(_("Notification preferences of %(user)s") % {"user": self.user})

    def get_absolute_url(self):
        if self.organization_id is not None:
            return reverse("notifications:organization_defaults", args=[self.organization_id])
        return reverse("notifications:preference_update")

    @classmethod
    def from_defaults(cls, user, defaults: "NotificationPreference | None") -> "NotificationPreference":
        """Unsaved preferences of `user`: a copy of `defaults` (an organization's), else the built-in ones."""
        if defaults is None:
            return cls(user=user)
        return cls(user=user, **{name: getattr(defaults, name) for name in preference_fields()})

    def delivery(self, kind: str) -> str:
        return getattr(self, NotificationKind(kind).value)


class DigestQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Digest(models.Model):
    """One person's weekly digest for one ISO week, written before it is sent.

    Unique per person and week: two digest runs at once (two hosts, a slow run overlapping the
    next) cannot both create it, so each person gets one digest a week.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="digests"
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week the digest is for."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # As for notifications: when the current attempt was queued; an unsent digest long past it is queued again.
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    item_count = models.PositiveSmallIntegerField(
        _("items"), default=0, help_text=_("How many things the digest named; none, and no mail was sent.")
    )

    objects = DigestQuerySet.as_manager()
    affects_cached_pages = False

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "week"],
                name="digest_once_per_week",
                violation_error_message=_("This person's digest for this week exists already."),
            ),
        ]

    def __str__(self):
        return str(_("Digest of %(user)s for the week of %(week)s") % {"user": self.recipient, "week": self.week})

    def get_absolute_url(self):
        return reverse("notifications:notification_list")
