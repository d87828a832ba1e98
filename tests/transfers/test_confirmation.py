"""The recipient confirms that a know-how transfer took place, with what it saw and its rating."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.access import can_confirm
from core.cache import bump_data_version
from tests.factories import KnowHowTransferFactory
from transfers.models import KnowHowTransfer
from transfers.services import knowhowtransfer_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(izmir_teknoloji, isbak):
    """İzmir Teknoloji trained İSBAK's staff: İSBAK confirms it."""
    return KnowHowTransferFactory(
        title="Veri mühendisliği eğitimi",
        provider=izmir_teknoloji,
        recipient=isbak,
        started_on=date(timezone.localdate().year, 1, 10),
        hours=Decimal("12"),
        participants=8,
    )


def _confirm(client, transfer, **data):
    fields = {"confirmed_hours": "10.5", "confirmed_participants": "7", "recipient_rating": "4"} | data
    return client.post(reverse("transfers:knowhowtransfer_confirm", args=[transfer.pk]), fields)


def test_only_the_recipient_may_confirm(training, izmir_staff, isbak_staff, manager, administrator, outsider):
    assert can_confirm(isbak_staff, training)
    for user in (izmir_staff, manager, administrator, outsider):  # the provider's people, and nobody's
        assert not can_confirm(user, training), user


def test_the_recipient_confirms_with_what_it_saw_and_its_rating(client, training, isbak_staff, isbak):
    client.force_login(isbak_staff)
    response = _confirm(client, training)
    assert response.status_code == 302
    assert response["Location"] == training.get_absolute_url()
    training.refresh_from_db()
    assert training.is_confirmed
    assert (training.confirmed_by, training.confirmed_by_organization) == (isbak_staff, isbak)
    assert (training.confirmed_hours, training.confirmed_participants) == (Decimal("10.5"), 7)
    assert training.recipient_rating == 4
    assert (training.hours, training.participants) == (Decimal("12"), 8)  # the provider's figures stay
    assert training.history.first().confirmed_hours == Decimal("10.5")


def test_the_provider_may_not_confirm_its_own_transfer(client, training, izmir_staff, manager):
    for user in (izmir_staff, manager):
        client.force_login(user)
        assert _confirm(client, training).status_code == 403
    assert not KnowHowTransfer.objects.get(pk=training.pk).is_confirmed


def test_a_confirmation_by_the_provider_is_refused_by_the_database(training, izmir_teknoloji):
    rows = KnowHowTransfer.objects.filter(pk=training.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(
            confirmed_at=timezone.now(),
            confirmed_by_organization=izmir_teknoloji,
            confirmed_hours=1,
            confirmed_participants=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(confirmed_at=timezone.now(), confirmed_hours=1, confirmed_participants=1)  # names nobody


@pytest.mark.parametrize(
    "bad",
    [{"confirmed_hours": "-1"}, {"recipient_rating": "9"}, {"confirmed_participants": ""}, {"recipient_rating": ""}],
    ids=["negative-hours", "rating-out-of-range", "no-participants", "no-rating"],
)
def test_bad_input_saves_nothing_and_says_why(client_in_english, training, isbak_staff, bad):
    client_in_english.force_login(isbak_staff)
    response = _confirm(client_in_english, training, **bad)
    assert response.status_code == 302
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "was not confirmed" in message
    training.refresh_from_db()
    assert (training.is_confirmed, training.version) == (False, 1)


def test_a_confirmed_transfer_is_not_confirmed_again(client, training, isbak_staff):
    knowhowtransfer_confirm(transfer=training, user=isbak_staff, hours=Decimal("12"), participants=8, rating=5)
    client.force_login(isbak_staff)
    assert _confirm(client, training).status_code == 403
    assert KnowHowTransfer.objects.get(pk=training.pk).recipient_rating == 5


def test_the_page_list_dashboard_and_report_mark_the_unconfirmed(
    client_in_english, training, isbak_staff, manager, isbak
):
    from partnership.models import Organization
    from tests.factories import ProtocolFactory, ProtocolPartyFactory

    protocol = ProtocolFactory()
    for organization in Organization.objects.all():
        ProtocolPartyFactory(protocol=protocol, organization=organization)
    client_in_english.force_login(isbak_staff)
    page = client_in_english.get(training.get_absolute_url()).text
    assert reverse("transfers:knowhowtransfer_confirm", args=[training.pk]) in page
    assert "not confirmed by İSBAK" in page
    assert "not confirmed by İSBAK" in client_in_english.get(reverse("transfers:knowhowtransfer_list")).text

    client_in_english.force_login(manager)
    year = training.started_on.year
    dashboard = client_in_english.get("/dashboard/", {"year": year})
    [flow] = [flow for flow in dashboard.context["figures"].transfers.flows if flow.recipient == isbak]
    assert (flow.count, flow.unconfirmed) == (1, 1)
    assert "1 not confirmed by İSBAK yet" in dashboard.text
    report = client_in_english.get("/reports/", {"year": year, "quarter": 1})
    assert "not confirmed by İSBAK" in report.text

    knowhowtransfer_confirm(transfer=training, user=isbak_staff, hours=Decimal("12"), participants=8, rating=5)
    bump_data_version()  # what the write's commit does; this test never commits
    dashboard = client_in_english.get("/dashboard/", {"year": year})
    assert dashboard.context["figures"].transfers.unconfirmed == 0
    assert "not confirmed by" not in client_in_english.get("/reports/", {"year": year, "quarter": 1}).text
