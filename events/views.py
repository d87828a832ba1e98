from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
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
from core.cache import cached, request_data_version
from core.pagination import DeferredJoinMixin
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from events.filters import EventFilterSet, When
from events.forms import EventForm
from events.models import CalendarToken, Event
from events.services import calendar_token_revoke, calendar_token_rotate
from events.tables import EventTable


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


class EventCreateView(EventFormMixin, ObjectCreateView):
    def get_initial(self):
        initial = super().get_initial()
        organization = role_of(self.request.user).organization
        if organization is not None:
            initial["organizers"] = [organization]
        return initial


class EventUpdateView(EventFormMixin, ObjectUpdateView):
    pass


def calendar_reader(request):
    """Who is reading the feed: the signed-in user, or the owner of the `?token=` key; None if nobody may."""
    if request.user.is_authenticated and role_of(request.user).can_read:
        return request.user
    key = request.GET.get("token", "")
    if not key:
        return None
    token = CalendarToken.objects.select_related("user__membership__organization").filter(key=key).first()
    if token is None or not role_of(token.user).can_read:
        return None
    return token.user


def event_location(event: Event) -> str:
    parts = [event.venue, event.city]
    if event.is_online:
        parts.append(gettext("Online"))
    return ", ".join(part for part in parts if part)


def event_description(event: Event) -> str:
    lines = [event.description]
    organizers = ", ".join(str(organization) for organization in event.organizers.all())
    if organizers:
        lines.append(f"{gettext('Organizers')}: {organizers}")
    if event.online_url:
        lines.append(f"{gettext('Online link')}: {event.online_url}")
    if event.outcome:
        lines.append(f"{gettext('Outcome')}: {event.outcome}")
    return "\n\n".join(line for line in lines if line)


def events_calendar(events, *, request) -> Calendar:
    """An RFC 5545 calendar of `events`; times are written in UTC, which every client converts."""
    calendar = Calendar()
    calendar.add("prodid", "-//Köprü//İzmir Teknoloji – İSBAK events//TR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("Köprü events"))
    calendar.add("x-wr-timezone", "Europe/Istanbul")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@kopru")
        entry.add("dtstamp", event.updated_at)
        entry.add("created", event.created_at)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        entry.add("location", event_location(event))
        entry.add("description", event_description(event))
        entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
        entry.add("categories", [event.get_kind_display()])
        calendar.add_component(entry)
    return calendar


@require_GET
@login_not_required
@cache_control(private=True, no_cache=True)
def event_calendar(request):
    """Every event as an iCalendar feed, for a signed-in reader or a calendar application holding a key."""
    if calendar_reader(request) is None:
        raise PermissionDenied
    # Calendar apps poll the feed: answer 304 from one aggregate while nothing changed, instead
    # of rebuilding thousands of entries. A deletion changes the count, an edit the latest time.
    state = Event.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    # The entries' links carry the scheme and host the feed was asked on.
    origin = f"{request.scheme}://{request.get_host()}"
    etag = quote_etag(f"{state['count']}-{state['latest']}-{get_language()}-{origin}")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    # Building thousands of entries takes seconds: the body is kept under the data version.
    events = Event.objects.prefetch_related("organizers").order_by("starts_at", "pk")
    body = cached(
        f"calendar:{get_language()}:{origin}",
        lambda: events_calendar(events, request=request).to_ical(),
        version=request_data_version(request),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
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
