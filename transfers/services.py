"""Writes of the transfers app that reach beyond one record."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.outbox import webhook_event
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
