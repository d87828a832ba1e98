"""KnowHowTransferForm: who may record what, and the rules a transfer's fields obey."""

from datetime import date

import pytest
from django.utils import translation

from core.forms import constraint_message
from tests.factories import (
    KnowHowTransferFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    TechnologyProductFactory,
)
from transfers.forms import KnowHowTransferForm
from transfers.models import RATING_MESSAGE, KnowHowTransfer

pytestmark = pytest.mark.django_db


def data(provider, recipient, **overrides) -> dict:
    return {
        "title": "Sinyal planlama eğitimi",
        "provider": provider.pk,
        "recipient": recipient.pk,
        "kind": "training",
        "started_on": "2025-04-01",
        "ended_on": "",
        "hours": "6",
        "participants": "10",
        "recipient_rating": "",
        **overrides,
    }


def form_for(user, provider, recipient, instance=None, **overrides) -> KnowHowTransferForm:
    return KnowHowTransferForm(data(provider, recipient, **overrides), instance=instance, user=user)


def test_a_complete_transfer_saves_with_its_product_project_and_articles(izmir_staff, izmir_teknoloji, isbak):
    product = TechnologyProductFactory(organization=isbak)
    project = ProjectFactory(lead_organization=isbak)
    articles = ProtocolArticleFactory.create_batch(2)
    form = form_for(
        izmir_staff,
        isbak,
        izmir_teknoloji,
        product=product.pk,
        project=project.pk,
        articles=[article.pk for article in articles],
        ended_on="2025-04-03",
        recipient_rating="5",
        outcome="Ekip sinyal planlarını kendi hazırlıyor.",
    )
    assert form.is_valid(), form.errors
    transfer = form.save()
    assert transfer.product == product
    assert transfer.project == project
    assert set(transfer.articles.all()) == set(articles)
    assert transfer.ended_on == date(2025, 4, 3)


def test_staff_must_be_the_provider_or_the_recipient(izmir_staff, isbak, ankara):
    form = form_for(izmir_staff, isbak, ankara)
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["provider"] == [
            "Your organization (İzmir Teknoloji) must be the provider or the recipient of the transfer."
        ]


@pytest.mark.parametrize("side", ["provider", "recipient"])
def test_staff_may_be_either_side(isbak_staff, izmir_teknoloji, isbak, side):
    provider, recipient = (isbak, izmir_teknoloji) if side == "provider" else (izmir_teknoloji, isbak)
    assert form_for(isbak_staff, provider, recipient).is_valid()


@pytest.mark.parametrize("member", ["manager", "administrator"])
def test_managers_may_record_transfers_between_any_organizations(request, member, isbak, ankara):
    assert form_for(request.getfixturevalue(member), isbak, ankara).is_valid()


def test_staff_cannot_take_their_organization_out_of_a_transfer(izmir_staff, izmir_teknoloji, isbak, ankara):
    transfer = KnowHowTransferFactory(provider=isbak, recipient=izmir_teknoloji)
    form = form_for(izmir_staff, isbak, ankara, instance=transfer)
    assert not form.is_valid()
    assert "provider" in form.errors


def test_provider_and_recipient_must_differ(manager, isbak):
    form = form_for(manager, isbak, isbak)
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["recipient"] == [str(constraint_message(KnowHowTransfer, "transfer_provider_not_recipient"))]
        assert form.errors["recipient"] == ["The provider and the recipient must be different organizations."]


def test_a_transfer_cannot_end_before_it_starts(izmir_staff, izmir_teknoloji, isbak):
    form = form_for(izmir_staff, izmir_teknoloji, isbak, started_on="2025-04-10", ended_on="2025-04-09")
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["ended_on"] == ["A transfer cannot end before it starts."]


def test_a_transfer_may_end_the_day_it_starts(izmir_staff, izmir_teknoloji, isbak):
    assert form_for(izmir_staff, izmir_teknoloji, isbak, started_on="2025-04-10", ended_on="2025-04-10").is_valid()


@pytest.mark.parametrize("rating", ["1", "5", ""])
def test_a_rating_from_1_to_5_or_none_is_accepted(izmir_staff, izmir_teknoloji, isbak, rating):
    assert form_for(izmir_staff, izmir_teknoloji, isbak, recipient_rating=rating).is_valid()


@pytest.mark.parametrize("rating", ["0", "6", "-1", "4.5", "beş"])
def test_a_rating_outside_1_to_5_is_refused(izmir_staff, izmir_teknoloji, isbak, rating):
    form = form_for(izmir_staff, izmir_teknoloji, isbak, recipient_rating=rating)
    assert not form.is_valid()
    assert "recipient_rating" in form.errors
    if rating in ("0", "6"):
        assert form.errors["recipient_rating"] == [str(RATING_MESSAGE)]


def test_the_rating_input_offers_only_1_to_5(izmir_staff):
    html = str(KnowHowTransferForm(user=izmir_staff)["recipient_rating"])
    assert 'min="1"' in html
    assert 'max="5"' in html


def test_negative_hours_are_refused(izmir_staff, izmir_teknoloji, isbak):
    form = form_for(izmir_staff, izmir_teknoloji, isbak, hours="-1")
    assert not form.is_valid()
    assert "hours" in form.errors


def test_required_fields_are_named(izmir_staff):
    form = KnowHowTransferForm({}, user=izmir_staff)
    assert not form.is_valid()
    assert {"title", "provider", "recipient", "kind", "started_on"} <= set(form.errors)


def test_an_invalid_form_saves_nothing(izmir_staff, isbak, ankara):
    form = form_for(izmir_staff, isbak, ankara)
    assert not form.is_valid()
    with pytest.raises(ValueError):
        form.save()
    assert KnowHowTransfer.objects.count() == 0


def test_products_are_labelled_with_their_organization(django_assert_num_queries, izmir_staff, isbak, izmir_teknoloji):
    TechnologyProductFactory(name="Adaptif sinyal", organization=isbak)
    TechnologyProductFactory(name="Kent veri platformu", organization=izmir_teknoloji)
    form = KnowHowTransferForm(user=izmir_staff)
    with django_assert_num_queries(1):
        labels = [label for _value, label in form.fields["product"].choices][1:]
    assert sorted(labels) == ["Adaptif sinyal (İSBAK)", "Kent veri platformu (İzmir Teknoloji)"]
