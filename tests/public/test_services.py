"""Publishing needs both parties: propose, agree once per party, unpublish; all in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from public.choices import PublicationStatus
from public.models import Publication
from public.services import publication_agree, publication_propose, publication_unpublish
from tests.conftest import _member
from tests.factories import EventFactory, ProductAdoptionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_nothing_is_published_by_default(parties, izmir_teknoloji):
    ProjectFactory(lead_organization=izmir_teknoloji)
    assert not Publication.objects.published().exists()


def test_staff_of_a_party_can_propose(parties, isbak_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    publication = publication_propose(record=project, user=isbak_staff)
    assert publication.status == PublicationStatus.PROPOSED
    assert publication.proposed_by == isbak_staff


def test_outsiders_and_third_organizations_cannot_propose(parties, outsider, ankara):
    third_staff = _member("ankara.staff", ankara, "Staff")
    project = ProjectFactory(lead_organization=ankara)
    for user in (outsider, third_staff):
        with pytest.raises(PermissionDenied):
            publication_propose(record=project, user=user)
    assert not Publication.objects.exists()


def test_one_partys_consent_does_not_publish(parties, izmir_staff, manager, izmir_teknoloji):
    publication = publication_propose(record=ProjectFactory(lead_organization=izmir_teknoloji), user=izmir_staff)
    publication = publication_agree(publication=publication, user=manager)
    assert publication.status == PublicationStatus.PROPOSED
    assert publication.published_at is None


def test_consent_of_both_parties_publishes_with_who_and_when(parties, izmir_staff, manager, isbak_manager, isbak):
    publication = publication_propose(record=EventFactory(organizers=[isbak]), user=izmir_staff)
    publication_agree(publication=publication, user=manager)
    publication = publication_agree(publication=publication, user=isbak_manager)
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.published_at is not None
    consents = {(c.organization.short_name, c.manager.username) for c in publication.consents.all()}
    assert consents == {("İzmir Teknoloji", "manager"), ("İSBAK", "isbak.manager")}


def test_a_party_cannot_agree_twice(parties, izmir_staff, manager, izmir_teknoloji):
    publication = publication_propose(record=ProjectFactory(lead_organization=izmir_teknoloji), user=izmir_staff)
    publication_agree(publication=publication, user=manager)
    second_izmir_manager = _member("izmir.manager2", izmir_teknoloji, "Managers")
    with pytest.raises(ValidationError):
        publication_agree(publication=publication, user=second_izmir_manager)
    assert Publication.objects.get().status == PublicationStatus.PROPOSED


def test_staff_and_administrators_without_a_party_cannot_agree(parties, izmir_staff, administrator, izmir_teknoloji):
    publication = publication_propose(record=ProjectFactory(lead_organization=izmir_teknoloji), user=izmir_staff)
    for user in (izmir_staff, administrator):
        with pytest.raises(PermissionDenied):
            publication_agree(publication=publication, user=user)
    assert not publication.consents.exists()


def test_a_manager_can_unpublish_and_it_is_in_the_history(publish, manager, izmir_teknoloji):
    publication = publish(ProjectFactory(lead_organization=izmir_teknoloji))
    publication = publication_unpublish(publication=publication, user=manager)
    assert publication.status == PublicationStatus.WITHDRAWN
    assert not Publication.objects.published().exists()
    statuses = list(publication.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["proposed", "published", "withdrawn"]
    assert publication.history.latest().history_user == manager


def test_staff_cannot_unpublish(publish, izmir_staff, isbak_staff, izmir_teknoloji):
    publication = publish(ProjectFactory(lead_organization=izmir_teknoloji))
    for user in (izmir_staff, isbak_staff):
        with pytest.raises(PermissionDenied):
            publication_unpublish(publication=publication, user=user)
    assert Publication.objects.get().status == PublicationStatus.PUBLISHED


def test_proposing_again_after_unpublishing_needs_both_consents_anew(publish, manager, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    publication_unpublish(publication=publish(project), user=manager)
    publication = publication_propose(record=project, user=izmir_staff)
    assert publication.status == PublicationStatus.PROPOSED
    assert not publication.consents.exists()
    assert Publication.objects.count() == 1


def test_a_record_cannot_be_proposed_twice(parties, izmir_staff, izmir_teknoloji):
    adoption = ProductAdoptionFactory(adopter=izmir_teknoloji)
    publication_propose(record=adoption, user=izmir_staff)
    with pytest.raises(ValidationError):
        publication_propose(record=adoption, user=izmir_staff)


def test_the_database_refuses_a_publication_naming_no_record_or_two(izmir_teknoloji):
    project, event = ProjectFactory(lead_organization=izmir_teknoloji), EventFactory()
    for links in ({}, {"project": project, "event": event}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Publication.objects.create(**links)
