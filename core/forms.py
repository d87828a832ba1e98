"""Form base classes: every Köprü form knows its user and renders with crispy-forms.

Also the three-way merge of an edit that someone else's save overtook (`merge_stale_edit`),
which every versioned form uses: the pages, the admin and, when it lands, the API.
"""

from dataclasses import dataclass
from datetime import timezone

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.widgets import ChoiceWidget
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.attachments import max_bytes
from core.history import changes_since


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def storable_in_utc(field: forms.Field, moment):
    """`moment`, or the field's "invalid" error when it has no UTC equivalent Python can hold.

    Istanbul is ahead of UTC: 0001-01-01 00:00 there falls in year 0 in UTC, which Python cannot
    represent, so Django's own fields let it through to a server error when it is saved.
    """
    if moment is not None:
        try:
            moment.astimezone(timezone.utc)
        except OverflowError:
            raise forms.ValidationError(field.error_messages["invalid"], code="invalid") from None
    return moment


class DateTimeField(forms.DateTimeField):
    """Django's field, except that a moment the database cannot store in UTC is a form error."""

    def to_python(self, value):
        return storable_in_utc(self, super().to_python(value))


class SplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date-and-time field, with the same check as `DateTimeField`."""

    def compress(self, data_list):
        return storable_in_utc(self, super().compress(data_list))


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that an id beyond the database's integer range is an invalid choice.

    SQLite cannot bind an integer above 2**63 - 1, so Django's own field answers such an
    id (only a tampered POST sends one) with a server error instead of a form error.
    """

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": max(value, key=len)}
            ) from None


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked before anyone looks the name up.

    Django sets the field's max_length only for the browser; without the check a 300-character
    name reaches django-axes, whose failed-attempt row (varchar 255) then fails on PostgreSQL.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))


def constraint_message(model, name: str):
    """The violation message of one of `model`'s named constraints, so form and database say the same."""
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


# --- optimistic locking and the merge of a stale edit ---------------------------------

# The radio next to a field both people changed: "mine" keeps the typing, "saved" takes the other's.
CHOICE_SUFFIX = "__keep"
KEEP_MINE, TAKE_SAVED = "mine", "saved"
_UNKNOWN = object()  # a value history does not hold (many-to-many fields)


@dataclass
class Conflict:
    """A field that both the user and someone else changed, to differing values."""

    label: str
    mine: object  # as shown
    saved: object  # as shown
    choice_name: str  # the radio's name in the form
    record: str = ""  # the formset row's record, when the field belongs to a row


def _comparable(value):
    """A value as it can be compared across a form, a record and its history."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        return frozenset(_comparable(item) for item in value)
    return None if value == "" else value


def _inner_widget(widget):
    # The admin wraps its selects in a widget that adds the "+" link and delegates the rest.
    inner = getattr(widget, "widget", None)
    return inner if isinstance(inner, forms.Widget) else widget


def put_field_value(data, form, name: str, value) -> None:
    """Write a model value into `data` as the browser would post it for `form[name]`."""
    field = form.fields[name]
    key = form.add_prefix(name)
    widget = _inner_widget(field.widget)
    prepared = field.prepare_value(value)
    if isinstance(widget, forms.MultiWidget):  # the admin's date and time pair
        parts = widget.decompress(prepared)
        for suffix, part_widget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
            data[key + suffix] = part_widget.format_value(part) or ""
    elif isinstance(widget, forms.CheckboxInput):
        if prepared:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(widget, ChoiceWidget):
        values = widget.format_value(prepared)
        if widget.allow_multiple_selected and hasattr(data, "setlist"):
            data.setlist(key, values)
        elif widget.allow_multiple_selected:
            data[key] = values
        else:
            data[key] = values[0] if values else ""
    else:
        shown = widget.format_value(prepared)
        data[key] = "" if shown is None else str(shown)


def _shown(form, name: str, value):
    """A model value as a person reads it: a name for a record, the label of a choice."""
    field = form.fields[name]
    if value in (None, "", [], ()):
        return "—"
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        pks = _comparable(value)
        pks = pks if isinstance(pks, frozenset) else [pks]
        return ", ".join(str(record) for record in queryset.filter(pk__in=pks)) or "—"
    choices = getattr(field, "choices", None)
    if choices is not None:  # grouped choices are not used by these forms' choice fields
        return {key: label for key, label in choices if not isinstance(label, (list, tuple))}.get(value, value)
    return value


def _record_at(obj, version: int):
    """The history record of `obj` as it was at `version`, or None when history does not hold it."""
    return obj.history.filter(version=version).order_by("-history_date", "-history_id").first()


def _base_value(record, model_field):
    """`model_field`'s value in a history record, comparable; _UNKNOWN where history keeps none."""
    if record is None:
        return _UNKNOWN
    if not model_field.many_to_many:
        return _comparable(getattr(record, model_field.attname))
    if model_field.name not in {tracked.name for tracked in getattr(record, "_history_m2m_fields", ())}:
        return _UNKNOWN
    # simple-history keeps the record's links as rows of a copy of the through table.
    return frozenset(getattr(record, model_field.name).values_list(model_field.m2m_reverse_field_name(), flat=True))


def merge_stale_edit(form, current, opened_version: int, *, record_label: str = "") -> list[Conflict]:
    """Merge a valid edit that began at `opened_version` with `current`, the record saved since.

    Three-way, field by field, with the record as it was opened (from its history) as the base:
    a field the user left alone takes the newer saved value; a field only the user changed keeps
    the typing; a field both changed to differing values keeps the typing and is returned as a
    Conflict, to be shown next to the saved value with a choice. The form's data is rewritten to
    the merge and to the current version, so the next save goes through once the user has seen it.
    A field whose base history does not hold (links history does not track) counts as changed by
    both when the two values differ: never silently overwritten either way.
    """
    base = _record_at(current, opened_version)
    data = form.data.copy()
    conflicts = []
    for name in form.fields:
        if name == "version" or name not in form.cleaned_data:
            continue
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field: nothing saved to merge with
            continue
        if getattr(model_field, "upload_to", None) is not None:  # files are not re-posted by a browser
            continue
        saved = model_field.value_from_object(current)
        mine, theirs = _comparable(form.cleaned_data[name]), _comparable(saved)
        if mine == theirs:
            continue
        then = _base_value(base, model_field)
        if then is not _UNKNOWN and mine == then:
            put_field_value(data, form, name, saved)
        elif then is _UNKNOWN or theirs != then:
            conflicts.append(
                Conflict(
                    label=str(form.fields[name].label or model_field.verbose_name),
                    mine=_shown(form, name, form.cleaned_data[name]),
                    saved=_shown(form, name, saved),
                    choice_name=form.add_prefix(name + CHOICE_SUFFIX),
                    record=record_label,
                )
            )
    data[form.add_prefix("version")] = current.version
    form.data = data
    form.conflicts = conflicts
    return conflicts


STALE_EDIT_MESSAGE = _(
    "Someone else changed this record while you were editing it. Your changes are not saved yet: "
    "the form now holds their saved values with your changes on top; check what changed, then save again."
)


class VersionedFormMixin:
    """Carries the version of the record as it was when the form was opened (optimistic locking).

    On save the model refuses to overwrite a newer version (see VersionedModel); the view then
    merges the edit with the newer record (`merge_stale_edit`). A bound form honours the choice
    made for each field both people changed: "saved" takes the stored value over the typing.
    """

    # The admin has no view around its form to catch the refused save: it checks in clean().
    check_version_in_clean = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = []
        self.stale_changes = []
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            # Not required: a post without it (a script, an old tab) saves without the check.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version, min_value=1, required=False
            )
            if self.is_bound:
                self._take_saved_values()

    def _take_saved_values(self) -> None:
        taken = [name for name in self.fields if self.data.get(self.add_prefix(name + CHOICE_SUFFIX)) == TAKE_SAVED]
        if taken:
            self.data = self.data.copy()
            for name in taken:
                saved = self.instance._meta.get_field(name).value_from_object(self.instance)
                put_field_value(self.data, self, name, saved)

    def clean(self):
        cleaned_data = super().clean()
        opened = cleaned_data.get("version")
        stored = self.stored_record() if self.check_version_in_clean and opened else None
        if stored is not None and opened != stored.version:
            self.stale_changes = changes_since(stored, opened)
            merge_stale_edit(self, stored, opened, record_label=str(stored) if self.prefix else "")
            raise forms.ValidationError(STALE_EDIT_MESSAGE, code="stale")
        return cleaned_data

    def stored_record(self):
        """The record as it is stored now (the form's instance, unless a subclass builds on another)."""
        return self.instance

    def save(self, commit=True):
        if "version" in self.fields and self.cleaned_data.get("version"):
            self.instance._expected_version = self.cleaned_data["version"]
        return super().save(commit=commit)


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    """The admin's form for a versioned record (see core.admin.VersionedAdmin).

    The lock is on the stored record, read once more: reverting from history builds the form on
    the old version, whose own `version` is long gone.
    """

    check_version_in_clean = True
    # Declared, so that the admin's fieldsets (read from the form class) carry it.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = None
        if "version" in self.fields:
            self._stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if self._stored is not None:
                self.fields["version"].initial = self._stored.version

    def stored_record(self):
        return self._stored


class LengthValidator(MaxLengthValidator):
    """Django's length check in Köprü's words, with the numbers written the reader's way:
    "En fazla 250 karakter; şu an 10.000." """

    message = _("At most %(limit_value)s characters; now %(show_value)s.")

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            params = {
                "limit_value": number_format(self.limit_value, force_grouping=True),
                "show_value": number_format(length, force_grouping=True),
                "value": value,
            }
            raise forms.ValidationError(self.message, code=self.code, params=params)


def use_kopru_length_message(form) -> None:
    """Swap each field's Django length check for LengthValidator (the fields are the form's own copies)."""
    for field in form.fields.values():
        field.validators = [
            LengthValidator(validator.limit_value) if type(validator) is MaxLengthValidator else validator
            for validator in field.validators
        ]


class KopruModelForm(VersionedFormMixin, forms.ModelForm):
    """A ModelForm that is given the requesting user and a crispy helper without its own <form> tag."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        use_kopru_length_message(self)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class InlineFormSetHelper(FormHelper):
    """Renders an inline formset as a table, one row per record, with rows added in place.

    Its own template rather than crispy's table_inline_formset.html, which puts hidden inputs
    straight into <tr> and `for` on <th> (invalid HTML) and posts its hidden empty row.
    """

    template = "includes/formset_table.html"
    form_tag = False
    disable_csrf = True


def attachment_help_text():
    return _("PDF, Word, Excel, PowerPoint, PNG or JPEG; at most %(limit)s.") % {"limit": filesizeformat(max_bytes())}


class AttachmentForm(forms.Form):
    """The upload's kind and size are checked once, by the service that stores it (attachment_add)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=lazy(attachment_help_text, str)())
