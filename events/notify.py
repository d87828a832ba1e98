"""Who hears about events ahead of time: the organizers' people, the day before; run by `manage.py send_reminders`."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from events.models import Event
from notifications.choices import NotificationKind
from notifications.services import notification_create
from projects.notify import active_people

lazy_time = lazy(lambda moment: time_format(timezone.localtime(moment), "TIME_FORMAT"), str)


def event_reminders_send(*, today=None) -> int:
    """Remind everyone of an organizing organization of each event that starts tomorrow (Istanbul time).

    Once per person, event and day, however often it runs. Returns how many notifications were created.
    """
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(tomorrow, time.min), zone)
    events = (
        Event.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .prefetch_related("organizers")
        .order_by("starts_at", "pk")
    )
    people_by_organization: dict[int, list] = {}
    created = 0
    for event in events:
        if not people_by_organization:
            for person in active_people():
                membership = getattr(person, "membership", None)
                if membership is not None:
                    people_by_organization.setdefault(membership.organization_id, []).append(person)
        recipients = {
            person.pk: person
            for organizer in event.organizers.all()
            for person in people_by_organization.get(organizer.pk, [])
        }
        for person in recipients.values():
            notification = notification_create(
                recipient=person,
                kind=NotificationKind.EVENT_TOMORROW,
                key=f"event_tomorrow:{event.pk}:{tomorrow.isoformat()}",
                url=event.get_absolute_url(),
                title=format_lazy(
                    _("Tomorrow at {time}: {event} ({city})"),
                    time=lazy_time(event.starts_at),
                    event=event.title,
                    city=event.city or _("online"),
                ),
            )
            created += notification is not None
    return created
