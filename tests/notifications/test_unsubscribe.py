"""The unsubscribe link of every mail: open without signing in, GET asks, POST stops (RFC 8058);
a link names one person and one kind of mail, and a forged one does nothing."""

import pytest
from django.urls import reverse

from notifications.models import NotificationPreference
from notifications.unsubscribe import DIGEST, unsubscribe_token

pytestmark = pytest.mark.django_db


def link(user, what):
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user, what)])


def test_the_page_asks_first_and_changes_nothing_on_get(client, izmir_staff):
    response = client.get(link(izmir_staff, "milestone_due"))
    assert response.status_code == 200
    assert "Kilometre taşı" in response.text  # the kind, in Turkish for someone not signed in
    assert 'method="post"' in response.text
    assert not NotificationPreference.objects.exists()


def test_posting_stops_the_mail_of_that_kind_and_keeps_it_in_the_app(client, izmir_staff):
    response = client.post(link(izmir_staff, "milestone_due"))
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=izmir_staff)
    assert preference.milestone_due == "in_app"
    assert preference.milestone_overdue == "both"  # only the kind the link names
    assert preference.digest is True


def test_a_kind_that_came_by_mail_only_stops_altogether(client, izmir_staff):
    NotificationPreference.objects.create(user=izmir_staff, update_due="email")
    client.post(link(izmir_staff, "update_due"))
    assert NotificationPreference.objects.get().update_due == "off"


def test_the_digest_link_stops_the_digest_only(client, izmir_staff):
    client.post(link(izmir_staff, DIGEST))
    preference = NotificationPreference.objects.get(user=izmir_staff)
    assert preference.digest is False
    assert preference.milestone_due == "both"


def test_posting_again_says_it_had_stopped(client_in_english, izmir_staff):
    client_in_english.post(link(izmir_staff, DIGEST))
    response = client_in_english.post(link(izmir_staff, DIGEST))
    assert "was not sending you e-mails" in response.text


def test_it_works_for_the_links_owner_while_someone_else_is_signed_in(client_for, izmir_staff, isbak_staff):
    client_for(isbak_staff).post(link(izmir_staff, DIGEST))
    assert NotificationPreference.objects.get(user=izmir_staff).digest is False
    assert not NotificationPreference.objects.filter(user=isbak_staff).exists()


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJ3IjoiZGlnZXN0In0:1xZ1Kf:forged"])
def test_a_forged_link_is_a_404(client, izmir_staff, token):
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_link_signed_for_something_unknown_is_a_404(client, izmir_staff):
    response = client.post(link(izmir_staff, "sms"))
    assert response.status_code == 404


def test_an_inactive_users_link_is_a_404(client, izmir_staff):
    token = unsubscribe_token(izmir_staff, DIGEST)
    izmir_staff.is_active = False
    izmir_staff.save()
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404


def test_someone_without_own_preferences_keeps_their_organizations_defaults(client, izmir_staff, izmir_teknoloji):
    NotificationPreference.objects.create(organization=izmir_teknoloji, language="en", lead_days=14)
    client.post(link(izmir_staff, DIGEST))
    preference = NotificationPreference.objects.get(user=izmir_staff)
    assert (preference.language, preference.lead_days, preference.digest) == ("en", 14, False)
