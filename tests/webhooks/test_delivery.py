"""Deliveries sent for real to a local HTTP receiver, by the task queue's worker run in-process.

These tests commit (`transaction=True`): events reach the queue on commit, as in production.
Time is moved by moving the rows' timestamps (the delivery's, the queued task's), never by sleeping.
"""

import hashlib
import hmac
import json
import socket
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.outbox import webhook_event
from tests.factories import ProjectFactory
from tests.tasks import run_tasks
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.targets import UnsafeTarget, check_target
from webhooks.tasks import retry_delay, webhook_endpoint_deliver

pytestmark = pytest.mark.django_db(transaction=True)


def happen(*projects, kind="project.created"):
    """Each project had `kind` happen to it, each in its own committed transaction."""
    for project in projects:
        with transaction.atomic():
            webhook_event(kind, project)


def later(**elapsed):
    """As if `elapsed` had passed: every queued task and every retry is due now."""
    shift = timedelta(**elapsed)
    DBTaskResult.objects.filter(run_after__gt=timezone.now()).update(run_after=timezone.now() - timedelta(seconds=1))
    for delivery in WebhookDelivery.objects.all():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=delivery.created_at - shift,
            next_attempt_at=None if delivery.next_attempt_at is None else timezone.now() - timedelta(seconds=1),
        )


def test_a_delivery_is_signed_with_the_endpoints_secret(endpoint, receiver):
    project = ProjectFactory()
    happen(project)
    run_tasks()
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Kopru-Event"] == "project.created"
    assert headers["X-Kopru-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json"
    timestamp = headers["X-Kopru-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Kopru-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "project.created"
    assert payload["record"]["type"] == "project"
    assert payload["record"]["data"]["id"] == project.pk
    assert payload["record"]["data"]["code"] == project.code
    assert payload["record"]["api_url"].endswith(f"/api/v1/projects/{project.pk}/")
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 1)
    assert delivery.duration_ms is not None and delivery.delivered_at is not None


def test_a_tampered_body_does_not_match_the_signature(endpoint, receiver):
    happen(ProjectFactory())
    run_tasks()
    [request] = receiver.requests
    timestamp = request["headers"]["X-Kopru-Timestamp"]
    tampered = request["body"].replace(b"project", b"projekt")
    digest = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + tampered, hashlib.sha256).hexdigest()
    assert request["headers"]["X-Kopru-Signature"] != f"sha256={digest}"


def test_an_endpoint_hears_only_the_events_it_chose(endpoint, receiver):
    happen(ProjectFactory(), kind="event.created")  # not among the endpoint's events
    run_tasks()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_500_answer_is_retried_after_a_minute_with_the_same_delivery(endpoint, receiver):
    receiver.statuses = [500]
    happen(ProjectFactory())
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.RETRYING, 500, 1)
    assert "HTTP 500" in delivery.error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    run_tasks()
    assert len(receiver.requests) == 1  # not before its time
    later(minutes=1)
    run_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 2)
    assert [request["headers"]["X-Kopru-Delivery"] for request in receiver.requests] == [str(delivery.pk)] * 2


def test_retries_wait_twice_as_long_each_time_up_to_an_hour():
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_deliveries_to_one_endpoint_go_out_in_the_order_the_events_happened(endpoint, receiver):
    first, second, third = ProjectFactory(), ProjectFactory(), ProjectFactory()
    receiver.statuses = [500]  # the first event fails once: the others must wait behind it
    happen(first, second, third)
    run_tasks()
    assert [request["json"]["record"]["id"] for request in receiver.requests] == [first.pk]
    later(minutes=1)
    run_tasks()
    ids = [request["json"]["record"]["id"] for request in receiver.requests]
    assert ids == [first.pk, first.pk, second.pk, third.pk]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_second_worker_leaves_an_endpoint_to_the_one_sending_to_it(endpoint, receiver):
    happen(ProjectFactory())
    DBTaskResult.objects.all().delete()
    held_until = timezone.now() + timedelta(seconds=30)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=held_until)
    assert webhook_endpoint_deliver.call(endpoint.pk) == "busy"
    assert receiver.requests == []
    # It comes back when the lease ends, in case the other worker stopped before this delivery.
    assert DBTaskResult.objects.get().run_after == held_until


def test_an_endpoint_failing_for_a_day_is_switched_off_and_its_owner_told(settings, manager, endpoint, receiver):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager.email = "merve@example.org"
    manager.save()
    receiver.statuses = [500] * 100
    happen(ProjectFactory(), ProjectFactory())
    run_tasks()
    later(hours=23)
    run_tasks()
    endpoint.refresh_from_db()
    assert endpoint.active  # a day has not passed yet
    later(hours=2)
    run_tasks()
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_at is not None and "HTTP 500" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    [message] = mail.outbox
    assert message.to == ["merve@example.org"]
    assert endpoint.url in message.body
    sent = len(receiver.requests)
    happen(ProjectFactory())
    run_tasks()
    assert len(receiver.requests) == sent  # nothing more goes to a switched-off endpoint


def test_private_addresses_are_refused_at_delivery_when_the_setting_is_off(settings, endpoint, receiver):
    settings.KOPRU_WEBHOOK_ALLOW_PRIVATE = False  # the endpoint was saved while it was on
    happen(ProjectFactory())
    run_tasks()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "(127.0.0.1)" in delivery.error and delivery.response_code is None  # refused before connecting


def test_a_host_whose_dns_now_answers_with_a_private_address_is_refused(settings, endpoint, receiver):
    settings.KOPRU_WEBHOOK_ALLOW_PRIVATE = False
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://hooks.example.org/kopru")

    def rebound(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))] + [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))
        ]

    happen(ProjectFactory())
    with mock.patch("webhooks.targets.socket.getaddrinfo", rebound):
        run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert "10.0.0.5" in delivery.error and delivery.status == DeliveryStatus.RETRYING


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address refused here, not one bound to
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_refused(settings, address):
    settings.KOPRU_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeTarget):
        check_target(f"https://[{address}]/" if ":" in address else f"https://{address}/")


def test_plain_http_is_refused_unless_allowed(settings):
    settings.KOPRU_WEBHOOK_ALLOW_HTTP = False
    settings.KOPRU_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(UnsafeTarget, match="https"):
        check_target("http://127.0.0.1:9/")
    assert check_target("https://127.0.0.1:9/x?y=1").path == "/x?y=1"
