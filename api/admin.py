from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke tokens; the keys themselves exist only as hashes."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["read_only"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "read_only", "expires_at", *readonly_fields]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def has_add_permission(self, request):
        return False  # a token made here would have no key anyone ever saw
