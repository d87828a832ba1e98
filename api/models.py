"""Personal API tokens: a secret shown once, kept only as its SHA-256 hash."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every key starts with this, so a leaked key is recognisable (secret scanners, logs).
KEY_PREFIX = "kopru_"
PREFIX_LENGTH = len(KEY_PREFIX) + 6  # what the token page shows to tell tokens apart


def hash_key(key: str) -> str:
    # A plain hash, not a password hasher: the key is 256 random bits, so nothing can be
    # guessed from its hash, and every API request must be able to look it up cheaply.
    return hashlib.sha256(key.encode()).hexdigest()


def default_expiry():
    return timezone.now() + timedelta(days=settings.KOPRU_API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens that open the API: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A user's personal key to the API; it may do what its owner may do in the pages, or only read."""

    affects_cached_pages = False  # no kept page shows a token; its last use must not empty the cache

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “BI dashboard”."))
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("A read-only token can read but never change anything.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash"],
                name="api_token_key_hash_unique",
                violation_error_code="unique",
                violation_error_message=_("This API key is already in use."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self):
        return reverse("api_tokens:apitoken_list")

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def new_key(cls) -> str:
        return KEY_PREFIX + secrets.token_urlsafe(32)
