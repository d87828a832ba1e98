from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from public.models import Publication, PublicationConsent


class PublicationConsentInline(admin.TabularInline):
    model = PublicationConsent
    extra = 0
    autocomplete_fields = ["organization"]
    raw_id_fields = ["manager"]


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    """Administrators can see and correct publications; the managers' page is the normal way."""

    list_display = ["__str__", "status", "proposed_at", "published_at", "withdrawn_at"]
    list_filter = ["status"]
    raw_id_fields = ["project", "event", "adoption", "proposed_by"]
    inlines = [PublicationConsentInline]
    list_select_related = ["project", "event", "adoption__product", "adoption__adopter"]
