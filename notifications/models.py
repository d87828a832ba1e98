"""Notifications (one row per person and happening) and each person's notification preferences.

Neither table is read by a cached page (core/cache.py): a notification marked read must not make
every kept list and figure stale, so both say `affects_cached_pages = False`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.choices import Delivery, NotificationKind

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
    def title(self) -> str:
        """The title in the language of the page being rendered (Turkish unless it is English)."""
        return self.title_en if (get_language() or "tr").startswith("en") else self.title_tr

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreferenceQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationPreference":
        """The user's preferences; the defaults, unsaved, for someone who never set any.

        Users loaded with `select_related("notification_preference")` cost no query here.
        """
        cached = user._state.fields_cache
        if "notification_preference" in cached:
            return cached["notification_preference"] or NotificationPreference(user=user)
        return self.filter(user=user).first() or NotificationPreference(user=user)


def delivery_field(kind: NotificationKind) -> models.CharField:
    return models.CharField(kind.label, max_length=8, choices=Delivery.choices, default=Delivery.BOTH)


class NotificationPreference(models.Model):
    """How one person wants to hear about each kind of notification, in which language, and how early."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(_("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default="tr")
    lead_days = models.PositiveSmallIntegerField(
        _("days of warning before a milestone is due"),
        default=7,
        help_text=_("Between 1 and 60 days."),
    )
    milestone_due = delivery_field(NotificationKind.MILESTONE_DUE)
    milestone_overdue = delivery_field(NotificationKind.MILESTONE_OVERDUE)
    update_due = delivery_field(NotificationKind.UPDATE_DUE)
    event_tomorrow = delivery_field(NotificationKind.EVENT_TOMORROW)
    partner_activity = delivery_field(NotificationKind.PARTNER_ACTIVITY)

    objects = NotificationPreferenceQuerySet.as_manager()
    affects_cached_pages = False

    LEAD_DAYS_MAX = 60

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_days__gte=1, lead_days__lte=60),
                name="notification_preference_lead_days_range",
                violation_error_message=_("Warn between 1 and 60 days before a milestone is due."),
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
        return str(_("Notification preferences of %(user)s") % {"user": self.user})

    def get_absolute_url(self):
        return reverse("notifications:preference_update")

    def delivery(self, kind: str) -> str:
        return getattr(self, NotificationKind(kind).value)
