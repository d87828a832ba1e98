"""The one place that decides who may read and change what.

Read rule: signed-in members of an organization, managers and administrators
read every partnership record; anybody else (an outsider) reads nothing.
Write rule: managers and administrators change everything; staff change the
records their own organization takes part in. Each model's QuerySet has an
`editable_by(user)` method with the model-specific part of that rule; views use
`ReadAccessMixin` / `EditAccessMixin` below and never test roles themselves.
"""

from dataclasses import dataclass

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from partnership.choices import MANAGERS_GROUP


@dataclass(frozen=True)
class Role:
    organization: object | None
    is_admin: bool
    is_manager: bool

    @property
    def can_read(self) -> bool:
        return self.is_manager or self.organization is not None

    @property
    def can_create(self) -> bool:
        return self.can_read


def role_of(user) -> Role:
    """Return the user's role, cached on the user object for the request."""
    cached = getattr(user, "_kopru_role", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        role = Role(organization=None, is_admin=False, is_manager=False)
    else:
        membership = getattr(user, "membership", None)
        organization = membership.organization if membership is not None else None
        in_group = getattr(user, "in_managers_group", None)
        if in_group is None:  # a user not loaded through MembershipBackend
            in_group = user.groups.filter(name=MANAGERS_GROUP).exists()
        is_admin = user.is_staff or user.is_superuser
        role = Role(organization=organization, is_admin=is_admin, is_manager=is_admin or in_group)
    user._kopru_role = role
    return role


def can_edit(user, obj) -> bool:
    """Whether `user` may change `obj`, by its model's `editable_by` rule."""
    role = role_of(user)
    if role.is_manager:
        return True
    if obj.pk is None:
        return role.can_create
    return type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists()


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
        obj = get_object_or_404(queryset, pk=self.kwargs["pk"])
        if not can_edit(self.request.user, obj):
            raise PermissionDenied
        return obj
