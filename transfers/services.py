"""Writes of the transfers app that reach beyond one record."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from projects.notify import partner_activity_notify
from transfers.models import KnowHowTransfer


def knowhowtransfer_partners_notify(*, transfer: KnowHowTransfer, author: AbstractBaseUser) -> bool:
    """Tell the owner of the transfer's project that someone of the other organization logged it."""
    if transfer.project is None:
        return False
    title = _("{organization} logged a know-how transfer on {project}")
    return partner_activity_notify(project=transfer.project, actor=author, record=transfer, title=title)
