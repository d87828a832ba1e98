"""The notification centre: the bell, the list, marking read; each person sees only their own."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db


def notify(user, key="k", title=None, url="/projects/"):
    return notification_create(
        recipient=user, kind="partner_activity", key=key, url=url, title=title or _("Progress update due")
    )


def test_the_bell_shows_the_unread_count(client_for, izmir_staff):
    notify(izmir_staff, "a")
    notify(izmir_staff, "b")
    Notification.objects.filter(key__endswith=":b").update(read_at="2026-01-01T00:00Z")

    response = client_for(izmir_staff).get(reverse("dashboard:home"))

    bell = response.content.decode().split('href="/notifications/"', 1)[1].split("</a>", 1)[0]
    assert '<span class="badge rounded-pill text-bg-warning">1<' in bell


def test_the_bell_shows_no_number_when_all_is_read(client_for, izmir_staff):
    response = client_for(izmir_staff).get(reverse("dashboard:home"))
    bell = response.content.decode().split('href="/notifications/"', 1)[1].split("</a>", 1)[0]
    assert "badge" not in bell


def test_the_unread_count_comes_with_the_user_in_one_query(izmir_staff, django_assert_num_queries):
    from notifications.backends import NotificationBackend

    notify(izmir_staff, "a")
    with django_assert_num_queries(1):
        user = NotificationBackend().get_user(izmir_staff.pk)
        assert user.unread_notification_count == 1
        assert user.membership.organization.short_name == "İzmir Teknoloji"


def test_the_list_shows_the_users_notifications_in_their_language_with_links(client_in_english, izmir_staff):
    notify(izmir_staff, "a", url="/projects/7/")
    client_in_english.force_login(izmir_staff)

    response = client_in_english.get(reverse("notifications:notification_list"))

    assert response.status_code == 200
    assert '<a href="/projects/7/">Progress update due</a>' in response.content.decode()


def test_the_list_is_in_turkish_by_default(client_for, izmir_staff):
    notify(izmir_staff, "a")
    response = client_for(izmir_staff).get(reverse("notifications:notification_list"))
    assert "İlerleme raporu zamanı" in response.content.decode()


def test_the_list_shows_nobody_elses_notifications(client_for, izmir_staff, isbak_staff):
    notify(isbak_staff, "theirs", url="/projects/99/")
    response = client_for(izmir_staff).get(reverse("notifications:notification_list"))
    assert "/projects/99/" not in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(client_for, izmir_staff, django_assert_num_queries):
    client = client_for(izmir_staff)
    for number in range(3):
        notify(izmir_staff, f"n{number}")
    client.get(reverse("notifications:notification_list"))  # the session's first read
    # session, user (with role, data version and unread count), the page's count, the page's rows
    with django_assert_num_queries(4):
        client.get(reverse("notifications:notification_list"))
    for number in range(3, 30):
        notify(izmir_staff, f"n{number}")
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:notification_list"))
    assert len(response.context["notification_list"]) == 30


def test_marking_read_clears_the_notification_and_goes_to_the_list(client_for, izmir_staff):
    notification = notify(izmir_staff)
    response = client_for(izmir_staff).post(reverse("notifications:notification_read", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == reverse("notifications:notification_list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_goes_on_to_the_record_when_asked(client_for, izmir_staff):
    notification = notify(izmir_staff, url="/projects/3/")
    url = reverse("notifications:notification_read", args=[notification.pk])
    response = client_for(izmir_staff).post(url, {"next": "/projects/3/"})
    assert response.url == "/projects/3/"


def test_marking_read_never_sends_anyone_to_another_site(client_for, izmir_staff):
    notification = notify(izmir_staff)
    url = reverse("notifications:notification_read", args=[notification.pk])
    response = client_for(izmir_staff).post(url, {"next": "https://evil.example.org/"})
    assert response.url == reverse("notifications:notification_list")


def test_another_users_notification_is_not_found(client_for, izmir_staff, isbak_staff):
    notification = notify(isbak_staff)
    response = client_for(izmir_staff).post(reverse("notifications:notification_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_takes_only_post(client_for, izmir_staff):
    notification = notify(izmir_staff)
    response = client_for(izmir_staff).get(reverse("notifications:notification_read", args=[notification.pk]))
    assert response.status_code == 405


def test_marking_read_needs_the_csrf_token(izmir_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(izmir_staff)
    notification = notify(izmir_staff)
    response = client.post(reverse("notifications:notification_read", args=[notification.pk]))
    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_the_users_own(client_for, izmir_staff, isbak_staff):
    notify(izmir_staff, "a")
    notify(izmir_staff, "b")
    theirs = notify(isbak_staff, "c")

    response = client_for(izmir_staff).post(reverse("notifications:notification_read_all"))

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=izmir_staff, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:notification_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("language", ["tr", "en"])
def test_each_kind_is_named_as_django_names_it(language):
    """`kind_label` (what the list and the mail show) reads the same as `get_kind_display()`."""
    with translation.override(language):
        for kind in NotificationKind.values:
            notification = Notification(kind=kind)
            assert notification.kind_label == notification.get_kind_display()
