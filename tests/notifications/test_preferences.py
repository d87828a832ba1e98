"""The preferences page: each person sets their own; nonsense is refused with a clear message."""

import pytest
from django.urls import reverse

from notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db

VALID = {
    "language": "en",
    "lead_days": "14",
    "milestone_due": "email",
    "milestone_overdue": "both",
    "update_due": "in_app",
    "event_tomorrow": "off",
    "partner_activity": "both",
}


def test_the_page_shows_the_defaults_to_someone_who_never_chose(client_for, izmir_staff):
    response = client_for(izmir_staff).get(reverse("notifications:preference_update"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["lead_days"].value() == 7
    assert form["milestone_due"].value() == "both"


def test_saving_keeps_the_users_choices(client_for, izmir_staff):
    response = client_for(izmir_staff).post(reverse("notifications:preference_update"), VALID)
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=izmir_staff)
    assert (preference.language, preference.lead_days, preference.event_tomorrow) == ("en", 14, "off")


def test_saving_again_changes_the_same_row(client_for, izmir_staff):
    client = client_for(izmir_staff)
    client.post(reverse("notifications:preference_update"), VALID)
    client.post(reverse("notifications:preference_update"), {**VALID, "lead_days": "3"})
    assert NotificationPreference.objects.get().lead_days == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lead_days", "0", "Warn between 1 and 60 days before a milestone is due."),
        ("lead_days", "365", "Warn between 1 and 60 days before a milestone is due."),
        ("lead_days", "soon", "Enter a whole number."),
        ("milestone_due", "sms", "Select a valid choice."),
        ("language", "fr", "Select a valid choice."),
    ],
)
def test_nonsense_is_refused_with_a_clear_message(client_in_english, izmir_staff, field, value, message):
    client_in_english.force_login(izmir_staff)
    response = client_in_english.post(reverse("notifications:preference_update"), {**VALID, field: value})
    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert "Nothing was saved" in response.text
    assert not NotificationPreference.objects.exists()


def test_outsiders_are_refused(client_for, outsider):
    assert client_for(outsider).get(reverse("notifications:preference_update")).status_code == 403
