"""Template context that every page's layout needs."""

from core.roles import role_of


def access(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"role": role_of(user)}
