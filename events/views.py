from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.access import ReadAccessMixin, role_of
from core.aggregates import IdList
from core.cache import data_version_subquery, kept_stream, request_data_version
from core.pagination import DeferredJoinMixin
from core.roles import MANAGERS_GROUP
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from events.choices import EventKind
from events.filters import EventFilterSet, When
from events.forms import EventForm
from events.models import CalendarToken, Event
from events.services import calendar_token_revoke, calendar_token_rotate, event_partners_notify, event_save
from events.tables import EventTable
from partnership.models import Organization


class EventListView(DeferredJoinMixin, ObjectListView):
    model = Event
    queryset = Event.objects.annotate(
        organizer_ids=Subquery(
            Event.organizers.through.objects.filter(event=OuterRef("pk"))
            .values("event")
            .annotate(ids=IdList("organization_id"))
            .values("ids")
        )
    )
    filterset_class = EventFilterSet
    table_class = EventTable
    template_name = "events/event_list.html"
    cache_list = False  # an event moves from upcoming to past when it starts, not when someone writes
    create_url_name = "events:event_create"
    import_url_name = "events:event_import"

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "organizations": self.filterset.organizations}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["when"] = self.filterset.when
        context["when_choices"] = When.choices
        return context


class EventDetailView(ObjectDetailView):
    model = Event
    queryset = Event.objects.prefetch_related("organizers", "projects", "articles")


class EventFormMixin:
    model = Event
    form_class = EventForm
    list_url_name = "events:event_list"

    def save_form(self, form):
        return event_save(form=form, user=self.request.user)


class EventCreateView(EventFormMixin, ObjectCreateView):
    def get_initial(self):
        initial = super().get_initial()
        organization = role_of(self.request.user).organization
        if organization is not None:
            initial["organizers"] = [organization]
        return initial

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.object is not None and self.object.pk is not None:
            event_partners_notify(event=self.object, author=self.request.user)
        return response


class EventUpdateView(EventFormMixin, ObjectUpdateView):
    pass


def calendar_reader(request):
    """Who is reading the feed, and the data version they read it at; (None, None) if nobody may.

    A calendar application holding a `?token=` key costs one query: the token, its user, the
    user's organization and Managers flag, and the data version, all read together.
    """
    if request.user.is_authenticated and role_of(request.user).can_read:
        return request.user, request_data_version(request)
    key = request.GET.get("token", "")
    if not key:
        return None, None
    managers = Group.objects.filter(name=MANAGERS_GROUP, user=OuterRef("user"))
    token = (
        CalendarToken.objects.select_related("user__membership__organization")
        .annotate(in_managers_group=Exists(managers), data_version=data_version_subquery())
        .filter(key=key)
        .first()
    )
    if token is None:
        return None, None
    token.user.in_managers_group = token.in_managers_group
    if not role_of(token.user).can_read:
        return None, None
    return token.user, token.data_version


def event_location(row: dict) -> str:
    parts = [row["venue"], row["city"]]
    if row["is_online"]:
        parts.append(gettext("Online"))
    return ", ".join(part for part in parts if part)


def event_description(row: dict, organizers: list[str]) -> str:
    lines = [row["description"]]
    if organizers:
        lines.append(f"{gettext('Organizers')}: {', '.join(organizers)}")
    if row["online_url"]:
        lines.append(f"{gettext('Online link')}: {row['online_url']}")
    if row["outcome"]:
        lines.append(f"{gettext('Outcome')}: {row['outcome']}")
    return "\n\n".join(line for line in lines if line)


FEED_FIELDS = [
    "pk",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "city",
    "is_online",
    "online_url",
    "description",
    "outcome",
    "created_at",
    "updated_at",
]
# Rows read from the database cursor at a time: the feed streams, so memory stays flat.
FEED_CHUNK = 500


def feed_events(*, whole_history: bool):
    """The feed's events: by default those that ended in the last 12 months and everything ahead."""
    events = Event.objects.order_by("starts_at", "pk")
    if not whole_history:
        events = events.filter(ends_at__gte=timezone.now() - timedelta(days=365))
    return events


def calendar_lines(events, *, origin: str):
    """The RFC 5545 calendar of `events` as it streams out: the header, one VEVENT per event, the end.

    Entries come from `values()` rows and the organizers' names from one query over the same
    events; times are written in UTC, which every client converts.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Köprü//İzmir Teknoloji – İSBAK events//TR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("Köprü events"))
    calendar.add("x-wr-timezone", "Europe/Istanbul")
    header, footer = calendar.to_ical().split(b"END:VCALENDAR")
    yield header
    organizers = defaultdict(list)
    links = Event.organizers.through.objects.filter(event__in=events.values("pk"))
    names = links.order_by("organization__name").values_list(
        "event_id", "organization__short_name", "organization__name"
    )
    for event_id, short_name, name in names:
        organizers[event_id].append(Organization.written(short_name, name))
    kinds = dict(EventKind.choices)
    for row in events.values(*FEED_FIELDS).iterator(chunk_size=FEED_CHUNK):
        entry = CalendarEvent()
        entry.add("uid", f"event-{row['pk']}@kopru")
        entry.add("dtstamp", row["updated_at"])
        entry.add("created", row["created_at"])
        entry.add("last-modified", row["updated_at"])
        entry.add("dtstart", row["starts_at"])
        entry.add("dtend", row["ends_at"])
        entry.add("summary", row["title"])
        entry.add("location", event_location(row))
        entry.add("description", event_description(row, organizers.get(row["pk"], [])))
        entry.add("url", origin + reverse("events:event_detail", args=[row["pk"]]))
        entry.add("categories", [str(kinds.get(row["kind"], row["kind"]))])
        yield entry.to_ical()
    yield b"END:VCALENDAR" + footer


@require_GET
@login_not_required
@cache_control(private=True, no_cache=True)
def event_calendar(request):
    """The events as an iCalendar feed, for a signed-in reader or a calendar application holding a key.

    Calendar applications poll every few minutes: while no write has committed, the data
    version is unchanged and the answer is a 304 from the reader's own query. Another reader of
    the unchanged feed gets the body the first one streamed (`kept_stream`). `?all=1` asks for
    the whole history instead of the last 12 months and everything ahead, made afresh each time.
    """
    reader, version = calendar_reader(request)
    if reader is None:
        raise PermissionDenied
    whole_history = request.GET.get("all") == "1"
    # The entries' links carry the scheme and host the feed was asked on.
    origin = f"{request.scheme}://{request.get_host()}"
    etag = quote_etag(f"{version}-{int(whole_history)}-{timezone.localdate()}-{get_language()}-{origin}")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    lines = calendar_lines(feed_events(whole_history=whole_history), origin=origin)
    if not whole_history:
        # What every reader's calendar asks for: kept until a write or the day's end (the window moves).
        now = timezone.localtime()
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        key = f"calendar:{get_language()}:{origin}:{now.date().isoformat()}"
        lines = kept_stream(key, lines, version=version, seconds=(midnight - now).total_seconds())
    response = StreamingHttpResponse(lines, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kopru-events.ics"'
    response["ETag"] = etag
    return response


class CalendarSubscriptionView(ReadAccessMixin, TemplateView):
    """The user's personal feed URL, and buttons to create, regenerate or revoke it."""

    template_name = "events/calendar_subscription.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = CalendarToken.objects.filter(user=self.request.user).first()
        context["token"] = token
        if token is not None:
            feed = reverse("events:event_calendar") + "?" + urlencode({"token": token.key})
            context["subscription_url"] = self.request.build_absolute_uri(feed)
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            calendar_token_rotate(user=request.user)
            messages.success(request, _("Your calendar subscription URL is ready. Any earlier URL no longer works."))
        elif action == "revoke":
            if calendar_token_revoke(user=request.user):
                messages.success(request, _("Your calendar subscription URL was revoked."))
            else:
                messages.info(request, _("You had no calendar subscription URL."))
        else:
            return HttpResponseBadRequest()
        return redirect("events:calendar_subscription")
