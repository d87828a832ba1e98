"""The pages' access rule, asked by the API: `core.access` decides, this class only asks it.

Reading needs a role that may read (members of the parties, managers, administrators);
changing a record needs `can_edit`, which asks the model's `editable_by(user)`. A read-only
token may only read. A view with `managers_only = True` (the dashboard's figures) is for managers.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken
from core.access import can_edit, role_of


class KopruAccess(permissions.BasePermission):
    message = _("You do not have permission to do this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        role = role_of(user)
        if not role.can_read:
            return False
        if getattr(view, "managers_only", False) and not role.is_manager:
            return False
        writes = request.method not in permissions.SAFE_METHODS
        if writes and isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = _("This token is read-only.")
            return False
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit(request.user, obj)
