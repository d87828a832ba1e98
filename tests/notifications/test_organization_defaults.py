"""An organization's notification defaults: set by managers on their own page, used for the members
who never chose their own, and never over a member's own choice."""

import pytest
from django.urls import reverse

from notifications.models import NotificationPreference, with_preferences
from notifications.services import notification_create

pytestmark = pytest.mark.django_db

VALID = {
    "language": "en",
    "lead_days": "14",
    "digest": "",
    "digest_day": "5",
    "milestone_due": "in_app",
    "milestone_overdue": "both",
    "update_due": "off",
    "event_tomorrow": "both",
    "partner_activity": "both",
    "record_edited": "email",
}


def url(organization):
    return reverse("notifications:organization_defaults", args=[organization.pk])


def test_a_manager_sets_an_organizations_defaults(client_for, manager, izmir_teknoloji):
    response = client_for(manager).post(url(izmir_teknoloji), VALID)
    assert response.status_code == 302
    defaults = NotificationPreference.objects.get(organization=izmir_teknoloji)
    assert (defaults.user, defaults.language, defaults.lead_days, defaults.digest, defaults.digest_day) == (
        None,
        "en",
        14,
        False,
        5,
    )


def test_staff_may_not(client_for, izmir_staff, izmir_teknoloji):
    client = client_for(izmir_staff)
    assert client.get(url(izmir_teknoloji)).status_code == 403
    assert client.post(url(izmir_teknoloji), VALID).status_code == 403
    assert not NotificationPreference.objects.exists()


def test_an_unknown_organization_is_a_404(client_for, manager):
    assert client_for(manager).get(reverse("notifications:organization_defaults", args=[99999])).status_code == 404


def test_nonsense_is_refused(client_in_english, manager, izmir_teknoloji):
    client_in_english.force_login(manager)
    response = client_in_english.post(url(izmir_teknoloji), {**VALID, "digest_day": "9"})
    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    assert not NotificationPreference.objects.exists()


def test_members_without_their_own_get_the_defaults(izmir_staff, izmir_teknoloji):
    NotificationPreference.objects.create(organization=izmir_teknoloji, milestone_due="off", lead_days=14)
    preference = NotificationPreference.objects.for_user(izmir_staff)
    assert (preference.milestone_due, preference.lead_days, preference.pk) == ("off", 14, None)
    assert notification_create(recipient=izmir_staff, kind="milestone_due", key="k", url="/", title="-") is None


def test_a_members_own_choice_wins(izmir_staff, izmir_teknoloji):
    NotificationPreference.objects.create(organization=izmir_teknoloji, milestone_due="off")
    NotificationPreference.objects.create(user=izmir_staff, milestone_due="both")
    assert NotificationPreference.objects.for_user(izmir_staff).milestone_due == "both"


def test_another_organizations_defaults_do_not_apply(isbak_staff, izmir_teknoloji):
    NotificationPreference.objects.create(organization=izmir_teknoloji, milestone_due="off")
    assert NotificationPreference.objects.for_user(isbak_staff).milestone_due == "both"


def test_users_loaded_with_their_preferences_cost_no_query(django_assert_num_queries, izmir_staff, izmir_teknoloji):
    NotificationPreference.objects.create(organization=izmir_teknoloji, lead_days=21)
    person = with_preferences(type(izmir_staff).objects.filter(pk=izmir_staff.pk)).get()
    with django_assert_num_queries(0):
        assert NotificationPreference.objects.for_user(person).lead_days == 21


def test_the_preferences_page_links_managers_to_each_organizations_defaults(client_for, manager, izmir_teknoloji):
    response = client_for(manager).get(reverse("notifications:preference_update"))
    assert url(izmir_teknoloji) in response.text


def test_staff_see_no_such_links(client_for, izmir_staff, izmir_teknoloji):
    response = client_for(izmir_staff).get(reverse("notifications:preference_update"))
    assert url(izmir_teknoloji) not in response.text
