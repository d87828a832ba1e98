from django.contrib import admin

from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title_en", "recipient", "kind", "created_at", "read_at", "by_email", "emailed_at"]
    list_filter = ["kind", "by_email"]
    list_select_related = ["recipient"]
    search_fields = ["title_tr", "title_en", "recipient__username", "key"]
    date_hierarchy = "created_at"
    readonly_fields = ["key", "created_at", "emailed_at", "email_attempts"]
    raw_id_fields = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "lead_days"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
