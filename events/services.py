"""Writes of the events app, each one atomic function."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from events.models import CalendarToken


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
