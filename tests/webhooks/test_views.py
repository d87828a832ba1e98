"""The webhook endpoint pages: managers register, see, change and switch off their own endpoints."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import MANAGERS_GROUP
from tests.factories import UserFactory
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(isbak):
    user = UserFactory(username="other.manager")
    user.groups.add(Group.objects.get_or_create(name=MANAGERS_GROUP)[0])
    return user


def test_a_manager_registers_an_endpoint_and_sees_its_secret(client_for, manager, local_targets):
    client = client_for(manager)
    data = {"url": "http://127.0.0.1:9/hook", "description": "BI", "events": ["project.created", "event.created"]}
    response = client.post(reverse("webhooks:webhookendpoint_create"), data)
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response.url == endpoint.get_absolute_url()
    assert (endpoint.owner, endpoint.events, endpoint.active) == (manager, ["project.created", "event.created"], True)
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(endpoint.get_absolute_url())
    assert endpoint.secret in page.text


def test_staff_may_not_register_endpoints(client_for, izmir_staff, local_targets):
    response = client_for(izmir_staff).post(
        reverse("webhooks:webhookendpoint_create"), {"url": "http://127.0.0.1:9/", "events": ["project.created"]}
    )
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_another_managers_endpoint_is_not_found(client_for, other_manager, endpoint):
    client = client_for(other_manager)
    assert client.get(endpoint.get_absolute_url()).status_code == 404
    assert client.post(reverse("webhooks:webhookendpoint_deactivate", args=[endpoint.pk])).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active


def test_an_administrator_sees_the_endpoint_but_not_its_secret(client_for, administrator, endpoint):
    page = client_for(administrator).get(endpoint.get_absolute_url())
    assert page.status_code == 200
    assert endpoint.secret not in page.text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "internal address"),
        ("https://10.1.2.3/hook", "internal address"),
        ("https://169.254.169.254/latest/meta-data/", "internal address"),
        ("https://[::1]/hook", "internal address"),
        ("https://[::ffff:127.0.0.1]/hook", "internal address"),
        ("http://93.184.216.34/hook", "Only https://"),
        ("https://user:pw@93.184.216.34/hook", "user name and password"),
    ],
)
def test_unsafe_targets_are_refused_and_nothing_is_saved(client_in_english, manager, url, message):
    client_in_english.force_login(manager)
    response = client_in_english.post(
        reverse("webhooks:webhookendpoint_create"), {"url": url, "events": ["project.created"]}
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["url"])
    assert "Nothing was saved" in response.text
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_known_event(client_for, manager, local_targets):
    response = client_for(manager).post(
        reverse("webhooks:webhookendpoint_create"), {"url": "http://127.0.0.1:9/", "events": ["project.deleted"]}
    )
    assert response.status_code == 200
    assert "events" in response.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_the_owner_switches_an_endpoint_off_and_its_open_deliveries_are_dropped(client_for, manager, endpoint):
    WebhookDelivery.objects.create(endpoint=endpoint, event="project.created", sequence=1, payload={})
    response = client_for(manager).post(reverse("webhooks:webhookendpoint_deactivate", args=[endpoint.pk]))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_switching_an_endpoint_on_again_forgets_why_it_went_off(client_for, manager, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_reason="HTTP 500")
    response = client_for(manager).post(
        reverse("webhooks:webhookendpoint_update", args=[endpoint.pk]),
        {"url": endpoint.url, "events": ["project.created"], "active": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason, endpoint.events) == (True, "", ["project.created"])


def test_the_endpoint_page_shows_each_deliverys_status_code_and_duration(
    client_for, manager, endpoint, django_assert_max_num_queries
):
    for sequence in range(1, 6):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="project.created",
            sequence=sequence,
            payload={},
            status=DeliveryStatus.DELIVERED,
            response_code=204,
            duration_ms=37 + sequence,
        )
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        page = client.get(endpoint.get_absolute_url())
    assert page.status_code == 200
    assert page.text.count("204") >= 5 and "42" in page.text


def test_the_list_shows_only_the_managers_own_endpoints(client_for, manager, other_manager, endpoint):
    WebhookEndpoint.objects.create(owner=other_manager, url="https://hooks.example.org/", events=["event.created"])
    page = client_for(manager).get(reverse("webhooks:webhookendpoint_list"))
    assert list(page.context["object_list"]) == [endpoint]
