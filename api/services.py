"""Creating and revoking personal API tokens: each one named function."""

from django.db import transaction
from django.utils import timezone

from api.models import PREFIX_LENGTH, ApiToken, hash_key


@transaction.atomic
def api_token_create(*, user, name: str, read_only: bool = False, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key exists outside the caller."""
    key = ApiToken.new_key()
    token = ApiToken(user=user, name=name, read_only=read_only, key_hash=hash_key(key), prefix=key[:PREFIX_LENGTH])
    if expires_at is not None:
        token.expires_at = expires_at
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of `user`'s own tokens; False when they have no such usable token."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )
