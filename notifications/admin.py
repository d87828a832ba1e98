"""The notifications app in the admin: notifications, preferences and organizations' defaults, digests sent."""

from django.contrib import admin

from notifications.models import Digest, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title_en", "recipient", "kind", "created_at", "read_at", "by_email", "emailed_at"]
    list_filter = ["kind", "by_email"]
    list_select_related = ["recipient"]
    search_fields = ["title_tr", "title_en", "recipient__username", "key"]
    date_hierarchy = "created_at"
    readonly_fields = ["key", "created_at", "emailed_at", "email_attempts", "sending_started_at"]
    raw_id_fields = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "language", "lead_days", "digest", "digest_day"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "week", "sent_at", "item_count", "attempts"]
    list_filter = ["week"]
    list_select_related = ["recipient"]
    readonly_fields = ["created_at", "sending_started_at", "sent_at", "attempts", "item_count"]
    raw_id_fields = ["recipient"]
