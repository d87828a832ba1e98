"""Writes of the events app, each one atomic function."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.outbox import webhook_event
from events.models import CalendarToken, Event
from projects.notify import partner_activity_notify


@transaction.atomic
def event_save(*, form, user: AbstractBaseUser) -> Event:
    """Save a valid event form, new or changed, and tell other systems (core.outbox) of it."""
    created = form.instance.pk is None
    event = form.save()
    webhook_event(OutboundEventKind.EVENT_CREATED if created else OutboundEventKind.EVENT_UPDATED, event)
    return event


@transaction.atomic
def calendar_token_rotate(*, user: AbstractBaseUser) -> CalendarToken:
    """Give the user a new calendar key; the old one, and every URL built from it, stops working."""
    CalendarToken.objects.filter(user=user).delete()
    return CalendarToken.objects.create(user=user)


@transaction.atomic
def calendar_token_revoke(*, user: AbstractBaseUser) -> bool:
    """Delete the user's calendar key, so their subscription URL stops working; False if there was none."""
    deleted, _by_model = CalendarToken.objects.filter(user=user).delete()
    return deleted > 0


def event_partners_notify(*, event: Event, author: AbstractBaseUser) -> int:
    """Tell the owners of the event's projects that someone of the other organization logged it."""
    told = 0
    for project in event.projects.select_related("owner"):
        title = _("{organization} logged an event on {project}")
        told += partner_activity_notify(project=project, actor=author, record=event, title=title)
    return told
