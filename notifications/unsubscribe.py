"""One-click unsubscribe links: signed, per person and per kind of mail (each notification kind, the digest).

A link names a user and what they stop getting by e-mail, signed with SECRET_KEY through
`django.core.signing`, so it works without signing in and nobody can forge one for someone else.
The link is its own authority: it stays good until SECRET_KEY changes (old mails keep working).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from notifications.choices import NotificationKind

SALT = "notifications.unsubscribe"
# What a link may stop besides the kinds of notification.
DIGEST = "digest"


def unsubscribe_choices() -> list[str]:
    return [*NotificationKind.values, DIGEST]


def unsubscribe_token(user, what: str) -> str:
    return signing.dumps({"u": user.pk, "w": what}, salt=SALT)


def unsubscribe_url(user, what: str) -> str:
    """The absolute link a mail carries, in its footer and its List-Unsubscribe header."""
    return settings.KOPRU_SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user, what)])


def unsubscribe_headers(user, what: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail programs offer their own button, which POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, what)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def read_unsubscribe_token(token: str):
    """(user, what) named by a genuine token for an active user; None for anything else."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("w") not in unsubscribe_choices():
        return None
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None:
        return None
    return user, payload["w"]
