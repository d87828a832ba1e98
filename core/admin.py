"""The admin of core's own records, and the base every versioned record's admin builds on."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.forms import VersionedAdminForm
from core.models import Attachment, StaleEditError


class VersionedFormAdminMixin:
    """An admin (or inline) whose form carries the record's version, as the pages' forms do.

    `version` is the form's own hidden field: excluded as a model field, which no form may edit.
    """

    form = VersionedAdminForm

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), "version"]


class VersionedAdmin(VersionedFormAdminMixin, SimpleHistoryAdmin):
    """The admin of a VersionedModel: an edit that someone else's save overtook is not saved but
    shown merged with it (core.forms.merge_stale_edit), with the fields both changed to choose."""

    change_form_template = "admin/versioned_change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError:
            # Someone saved between the form's check and this save (the whole save was rolled back):
            # the form's check now sees their version and shows the merge.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        rows = [row for inline in context.get("inline_admin_formsets", ()) for row in inline.formset.forms]
        context["conflicts"] = [conflict for each in [form, *rows] for conflict in getattr(each, "conflicts", ())]
        context["stale_changes"] = getattr(form, "stale_changes", [])
        return super().render_change_form(request, context, *args, **kwargs)


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
