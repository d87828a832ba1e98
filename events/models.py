"""Joint events: workshops, conferences, fairs, trainings, steering meetings, visits."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import HttpsURLField
from core.history import HistoricalRecords
from core.models import Attachment, SearchableModel, SearchableQuerySet, TakesPartQuerySet, VersionedModel
from events.choices import EventKind
from partnership.models import Organization, ProtocolArticle
from projects.models import Project


class EventQuerySet(SearchableQuerySet, TakesPartQuerySet):
    def upcoming(self, now=None):
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def for_organization(self, organization):
        organized = Event.organizers.through.objects.filter(event=OuterRef("pk"), organization=organization)
        return self.filter(Exists(organized))


class Event(VersionedModel, SearchableModel):
    """Something the partners held together, with who organised it and how it went."""

    search_fields = ("title", "city", "venue", "description")

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind, default=EventKind.WORKSHOP)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    online_url = HttpsURLField(_("online link"), blank=True)
    organizers = models.ManyToManyField(Organization, verbose_name=_("organizers"), related_name="organized_events")
    planned_participants = models.PositiveIntegerField(_("planned participants"), null=True, blank=True)
    actual_participants = models.PositiveIntegerField(_("actual participants"), null=True, blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("related projects"), related_name="events", blank=True)
    articles = models.ManyToManyField(
        ProtocolArticle, verbose_name=_("protocol articles"), related_name="events", blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    attachments = GenericRelation(Attachment)
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=["organizers", "projects", "articles"])

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        # The tabs' sorts end on the id, and the upcoming/past split reads ends_at: a deep page's
        # subquery is then an index-only scan (migrations/0005_list_indexes.py). ends_at is a key
        # column, not an included one, so the split is tested in the index (migrations/0007).
        indexes = [models.Index(fields=["starts_at", "id", "ends_at"], name="event_starts_at_id_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(city="") | ~Q(venue=""),
                name="event_has_place",
                violation_error_message=_("Give a city or venue, or mark the event as online."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event_detail", args=[self.pk])


class CalendarToken(models.Model):
    """A user's secret for subscribing to the events feed from a calendar application."""

    affects_cached_pages = False  # no kept page shows a token

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_token"
    )
    key = models.CharField(_("key"), max_length=64, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        ordering = ["user"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                name="calendar_token_key_unique",
                violation_error_code="unique",
                violation_error_message=_("This calendar key is already in use."),
            ),
        ]

    def __str__(self):
        return _("Calendar key of %(user)s") % {"user": self.user}
