"""Writes of the transfers app that reach beyond one record."""

from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.outbox import webhook_event
from core.roles import role_of
from projects.notify import partner_activity_notify
from transfers.models import KnowHowTransfer


@transaction.atomic
def knowhowtransfer_save(*, form, user: AbstractBaseUser) -> KnowHowTransfer:
    """Save a valid transfer form; a new transfer is told to other systems (core.outbox) as logged."""
    created = form.instance.pk is None
    transfer = form.save()
    if created:
        webhook_event(OutboundEventKind.TRANSFER_LOGGED, transfer)
    return transfer


def knowhowtransfer_partners_notify(*, transfer: KnowHowTransfer, author: AbstractBaseUser) -> bool:
    """Tell the owner of the transfer's project that someone of the other organization logged it."""
    if transfer.project is None:
        return False
    title = _("{organization} logged a know-how transfer on {project}")
    return partner_activity_notify(project=transfer.project, actor=author, record=transfer, title=title)


@transaction.atomic
def knowhowtransfer_confirm(
    *, transfer: KnowHowTransfer, user: AbstractBaseUser, hours: Decimal, participants: int, rating: int
) -> KnowHowTransfer:
    """Confirm, as the recipient, that the transfer took place: the hours and participants the recipient
    saw (kept beside the provider's figures) and its rating.

    The caller has checked `core.access.can_confirm`; the database refuses a confirmation that does
    not name the recipient (`transfer_confirmed_by_recipient`).
    """
    # Two confirmations at once take turns; the second finds it confirmed.
    if KnowHowTransfer.objects.select_for_update().filter(pk=transfer.pk, confirmed_at__isnull=False).exists():
        raise ValidationError(_("This transfer is confirmed already."), code="confirmed")
    transfer.confirmed_by = user
    transfer.confirmed_by_organization = role_of(user).organization
    transfer.confirmed_at = timezone.now()
    transfer.confirmed_hours = hours
    transfer.confirmed_participants = participants
    transfer.recipient_rating = rating
    transfer.save(
        update_fields=[
            "confirmed_by",
            "confirmed_by_organization",
            "confirmed_at",
            "confirmed_hours",
            "confirmed_participants",
            "recipient_rating",
            "updated_at",
        ]
    )
    return transfer
