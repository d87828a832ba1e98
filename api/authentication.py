"""`Authorization: Bearer <token>`: a personal API token stands for its owner."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, hash_key
from core.roles import MANAGERS_GROUP

# The last use is written at most this often, so a busy client does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may still sign the request in
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ”, with no spaces in it."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        # The user's organization and Managers flag come with the token, as MembershipBackend
        # loads them with a session's user: one query decides who the request is and what they may.
        managers = Group.objects.filter(name=MANAGERS_GROUP, user=OuterRef("user"))
        token = (
            ApiToken.objects.select_related("user__membership__organization")
            .annotate(in_managers_group=Exists(managers))
            .filter(key_hash=hash_key(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token was revoked."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is inactive."))
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        token.user.in_managers_group = token.in_managers_group
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer a missing or bad token with 401 (and this challenge) rather than 403.
        return self.keyword
