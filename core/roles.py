"""Who a user is to Köprü: their organization and whether they manage or administer.

Kept apart from the access mixins so that models can ask for a role without
importing view machinery (django.contrib.auth.views) while the app registry loads.
"""

from dataclasses import dataclass

# Names of the auth groups that carry Köprü's roles.
STAFF_GROUP = "Staff"
MANAGERS_GROUP = "Managers"


@dataclass(frozen=True)
class Role:
    organization: object | None
    is_admin: bool
    is_manager: bool

    @property
    def can_read(self) -> bool:
        return self.is_manager or self.organization is not None


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
