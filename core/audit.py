"""Audit log of sign-ins, failed sign-ins and denied accesses (logger `kopru.audit`).

Only usernames, ids, paths and IP addresses are written: never a password, a
session key or a calendar token.
"""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.middleware import LAST_SEEN, SIGNED_IN_AT

audit = logging.getLogger("kopru.audit")


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs):
    now = int(time.time())
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
    audit.info("sign-in user=%s username=%s ip=%s", user.pk, user.get_username(), client_ip(request))


@receiver(user_logged_out)
def log_sign_out(sender, request, user, **kwargs):
    audit.info("sign-out user=%s ip=%s", getattr(user, "pk", None), client_ip(request))


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    # `credentials` has the password masked by Django; log the username alone all the same.
    username = str(credentials.get("username", ""))[:150]
    audit.warning("failed sign-in username=%r ip=%s", username, client_ip(request))


def log_denied(request, reason: str = "") -> None:
    user = getattr(request, "user", None)
    audit.warning(
        "access denied user=%s path=%s method=%s ip=%s %s",
        getattr(user, "pk", None),
        request.path,
        request.method,
        client_ip(request),
        reason,
    )
