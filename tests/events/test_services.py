"""Writes of the events app: the calendar key's rotation and revocation."""

import pytest

from events.models import CalendarToken
from events.services import calendar_token_revoke, calendar_token_rotate

pytestmark = pytest.mark.django_db


def test_rotating_gives_a_user_without_a_key_a_new_one(izmir_staff):
    token = calendar_token_rotate(user=izmir_staff)
    assert token.user == izmir_staff
    assert len(token.key) >= 32
    assert CalendarToken.objects.get(user=izmir_staff) == token


def test_rotating_replaces_the_old_key(izmir_staff):
    old_key = calendar_token_rotate(user=izmir_staff).key
    new_key = calendar_token_rotate(user=izmir_staff).key
    assert new_key != old_key
    assert list(CalendarToken.objects.filter(user=izmir_staff).values_list("key", flat=True)) == [new_key]
    assert not CalendarToken.objects.filter(key=old_key).exists()


def test_keys_differ_between_users(izmir_staff, isbak_staff):
    assert calendar_token_rotate(user=izmir_staff).key != calendar_token_rotate(user=isbak_staff).key


def test_revoking_deletes_the_users_key(izmir_staff):
    calendar_token_rotate(user=izmir_staff)
    assert calendar_token_revoke(user=izmir_staff) is True
    assert not CalendarToken.objects.filter(user=izmir_staff).exists()


def test_revoking_without_a_key_does_nothing(izmir_staff, isbak_staff):
    other = calendar_token_rotate(user=isbak_staff)
    assert calendar_token_revoke(user=izmir_staff) is False
    assert CalendarToken.objects.get() == other


def test_revoking_leaves_other_users_keys_alone(izmir_staff, isbak_staff):
    calendar_token_rotate(user=izmir_staff)
    other = calendar_token_rotate(user=isbak_staff)
    calendar_token_revoke(user=izmir_staff)
    assert list(CalendarToken.objects.all()) == [other]


def test_the_services_take_keyword_arguments_only(izmir_staff):
    with pytest.raises(TypeError):
        calendar_token_rotate(izmir_staff)
    with pytest.raises(TypeError):
        calendar_token_revoke(izmir_staff)
