"""The admin of know-how transfers and product adoptions."""

from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin
from transfers.models import KnowHowTransfer, ProductAdoption
from transfers.resources import KnowHowTransferResource


@admin.register(KnowHowTransfer)
class KnowHowTransferAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [KnowHowTransferResource]  # the same columns as the transfer list's export and import
    list_display = ["title", "provider", "recipient", "kind", "started_on", "hours", "participants", "recipient_rating"]
    list_filter = ["kind", "provider", "recipient"]
    search_fields = ["title", "description", "outcome"]
    date_hierarchy = "started_on"
    autocomplete_fields = ["provider", "recipient", "product", "project", "articles"]
    list_select_related = ["provider", "recipient"]


@admin.register(ProductAdoption)
class ProductAdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["product", "adopter", "adopter_city", "status", "adopted_on"]
    list_filter = ["status", "adopter"]
    search_fields = ["product__name", "adopter__name", "adopter_city", "notes"]
    date_hierarchy = "adopted_on"
    autocomplete_fields = ["product", "adopter", "transfer", "project"]
    list_select_related = ["product", "adopter"]
