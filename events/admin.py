"""The admin of events and calendar subscriptions."""

from django.contrib import admin
from django.db import models
from import_export.admin import ImportExportMixin

from core.admin import VersionedAdmin
from core.forms import SplitDateTimeField
from events.models import CalendarToken, Event
from events.resources import EventResource


@admin.register(Event)
class EventAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [EventResource]  # the same columns as the event list's export and import
    list_display = ["title", "kind", "starts_at", "city", "is_online", "planned_participants", "actual_participants"]
    list_filter = ["kind", "is_online", "city", "organizers"]
    search_fields = ["title", "description", "city", "venue"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organizers", "projects", "articles"]
    list_select_related = True
    # A moment with no UTC equivalent (year 1 in Istanbul) is a form error, not a server error.
    formfield_overrides = {models.DateTimeField: {"form_class": SplitDateTimeField}}


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    readonly_fields = ["key"]
