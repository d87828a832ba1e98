from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "content_type", "object_id", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["title", "original_name"]
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ["uploaded_by"]
    list_select_related = ["content_type", "uploaded_by"]
    # Files come in through the checked upload on each record's page, not through the admin.
    readonly_fields = ["content_type", "object_id", "file", "original_name", "kind", "size", "uploaded_by"]

    def has_add_permission(self, request):
        return False
