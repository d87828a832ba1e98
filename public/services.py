"""The writes of publishing: propose, agree (once per party), unpublish.

Each checks who may act and raises PermissionDenied otherwise, and ValidationError when the
publication is not in a state the action applies to. The parties are the organizations that
signed a protocol (`Organization.objects.parties()`); a record goes out only when a manager of
every one of them has agreed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import role_of
from partnership.models import Organization
from public.choices import PublicationStatus
from public.models import Publication, PublicationConsent


def party_ids() -> set[int]:
    return set(Organization.objects.parties().values_list("pk", flat=True))


def may_propose(user) -> bool:
    """Staff of a party and managers may propose; outsiders and third organizations may not."""
    role = role_of(user)
    organization = getattr(role.organization, "pk", None)
    return role.is_manager or (organization is not None and organization in party_ids())


def may_agree(user) -> bool:
    """Only a manager who belongs to a party can agree, and only for that party."""
    role = role_of(user)
    return role.is_manager and role.organization is not None and role.organization.pk in party_ids()


def may_unpublish(user) -> bool:
    return role_of(user).is_manager


@transaction.atomic
def publication_propose(*, record, user) -> Publication:
    """Propose `record` (a Project, Event or ProductAdoption) for the public page.

    Proposing again what was unpublished starts over: the earlier consents are removed (the
    history keeps them), and both parties must agree anew.
    """
    if not may_propose(user):
        raise PermissionDenied
    field = {"project": "project", "event": "event", "productadoption": "adoption"}[record._meta.model_name]
    publication = Publication.objects.select_for_update().filter(**{field: record}).first()
    if publication is not None and publication.status != PublicationStatus.WITHDRAWN:
        raise ValidationError(_("This record has already been proposed."))
    if publication is None:
        publication = Publication(**{field: record})
    if publication.pk:
        publication.consents.all().delete()
    publication.status = PublicationStatus.PROPOSED
    publication.proposed_by = user
    publication.proposed_at = timezone.now()
    publication.published_at = None
    publication.withdrawn_at = None
    publication._history_user = user
    publication.save()
    return publication


@transaction.atomic
def publication_agree(*, publication: Publication, user) -> Publication:
    """Record the user's party's consent; publish once every party has agreed."""
    if not may_agree(user):
        raise PermissionDenied
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status != PublicationStatus.PROPOSED:
        raise ValidationError(_("Only a proposed record can be agreed to."))
    organization = role_of(user).organization
    if publication.consents.filter(organization=organization).exists():
        raise ValidationError(_("%(organization)s has already agreed.") % {"organization": organization})
    consent = PublicationConsent(publication=publication, organization=organization, manager=user)
    consent._history_user = user
    consent.save()
    agreed = set(publication.consents.values_list("organization_id", flat=True))
    if party_ids() <= agreed:  # may_agree() let in a party's manager, so there is at least one party
        publication.status = PublicationStatus.PUBLISHED
        publication.published_at = timezone.now()
        publication._history_user = user
        publication.save(update_fields=["status", "published_at"])
    return publication


@transaction.atomic
def publication_unpublish(*, publication: Publication, user) -> Publication:
    """Take a record off the public page, or withdraw a proposal not yet agreed to."""
    if not may_unpublish(user):
        raise PermissionDenied
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status == PublicationStatus.WITHDRAWN:
        raise ValidationError(_("This record is not published."))
    publication.status = PublicationStatus.WITHDRAWN
    publication.withdrawn_at = timezone.now()
    publication._history_user = user
    publication.save(update_fields=["status", "withdrawn_at"])
    return publication
