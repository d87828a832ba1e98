from django.contrib import admin

from webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Administrators see every endpoint and can switch one on or off; the secret stays out of sight."""

    list_display = ["url", "owner", "active", "created_at", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["url", "owner__username", "description"]
    fields = ["owner", "url", "description", "events", "active", "created_at", "disabled_at", "disabled_reason"]
    readonly_fields = ["created_at", "disabled_at", "disabled_reason"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "endpoint", "event", "status", "attempts", "response_code", "duration_ms", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False  # deliveries come from events, never by hand
