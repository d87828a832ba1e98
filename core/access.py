"""The one place that decides who may read and change what.

Read rule: signed-in members of an organization, managers and administrators
read every partnership record; anybody else (an outsider) reads nothing.
Write rule: managers and administrators change everything; staff change the
records their own organization takes part in. Each model's QuerySet has an
`editable_by(user)` method with the model-specific part of that rule; views use
`ReadAccessMixin` / `EditAccessMixin` below and never test roles themselves.
Confirm rule (the second key): a record one organization completed is confirmed or
disputed by staff or a manager of another organization taking part, never by its own;
models that ask for it say which records in `confirmable_by(user)`.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Value
from django.shortcuts import get_object_or_404

from core.roles import Role, role_of

__all__ = [
    "EditAccessMixin",
    "ManagerRequiredMixin",
    "ReadAccessMixin",
    "Role",
    "can_confirm",
    "can_edit",
    "role_of",
    "with_confirm_flag",
    "with_edit_flag",
]


def can_edit(user, obj) -> bool:
    """Whether `user` may change `obj`, by its model's `editable_by` rule.

    A record loaded through `with_edit_flag()` carries the answer, read in its own query.
    """
    role = role_of(user)
    if role.is_manager:
        return True
    if obj.pk is None:
        return role.can_read  # whoever may read may start a new record
    if getattr(obj, EDIT_FLAG_USER, None) == user.pk:
        return getattr(obj, EDIT_FLAG)
    return type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists()


EDIT_FLAG = "kopru_user_may_edit"
EDIT_FLAG_USER = "kopru_edit_flag_user"  # whose answer the flag is


def with_edit_flag(queryset, user):
    """`queryset` with each record's can_edit() answer for `user` read in the same query."""
    editable = queryset.model._default_manager.editable_by(user).filter(pk=OuterRef("pk"))
    return queryset.annotate(**{EDIT_FLAG: Exists(editable), EDIT_FLAG_USER: Value(user.pk)})


CONFIRM_FLAG = "kopru_user_may_confirm"
CONFIRM_FLAG_USER = "kopru_confirm_flag_user"


def can_confirm(user, obj) -> bool:
    """Whether `user` may confirm or dispute `obj` now, by its model's `confirmable_by` rule.

    Managers get no exception here: the second key is the other organization's, whoever holds it.
    """
    if obj.pk is None:
        return False
    if getattr(obj, CONFIRM_FLAG_USER, None) == user.pk:
        return getattr(obj, CONFIRM_FLAG)
    return type(obj)._default_manager.confirmable_by(user).filter(pk=obj.pk).exists()


def with_confirm_flag(queryset, user):
    """`queryset` with each record's can_confirm() answer for `user` read in the same query."""
    confirmable = queryset.model._default_manager.confirmable_by(user).filter(pk=OuterRef("pk"))
    return queryset.annotate(**{CONFIRM_FLAG: Exists(confirmable), CONFIRM_FLAG_USER: Value(user.pk)})


class ReadAccessMixin(AccessMixin):
    """Let in members of the parties, managers and administrators; 403 for outsiders."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not role_of(request.user).can_read:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ManagerRequiredMixin(ReadAccessMixin):
    """Managers' pages: dashboard, reports."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not role_of(request.user).is_manager:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditAccessMixin(ReadAccessMixin):
    """For update views: the object must exist (404) and be editable by the user (403)."""

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        obj = get_object_or_404(with_edit_flag(queryset, self.request.user), pk=self.kwargs["pk"])
        if not can_edit(self.request.user, obj):
            raise PermissionDenied
        return obj
