"""Form base classes: every Köprü form knows its user and renders with crispy-forms."""

from datetime import timezone

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.attachments import max_bytes


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


class VersionedFormMixin:
    """Carries the version of the record as it was when the form was opened (optimistic locking).

    On save the model refuses to overwrite a newer version (see VersionedModel).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            # Not required: a post without it (a script, an old tab) saves without the check.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version, min_value=1, required=False
            )

    def save(self, commit=True):
        if "version" in self.fields and self.cleaned_data.get("version"):
            self.instance._expected_version = self.cleaned_data["version"]
        return super().save(commit=commit)


class KopruModelForm(VersionedFormMixin, forms.ModelForm):
    """A ModelForm that is given the requesting user and a crispy helper without its own <form> tag."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class InlineFormSetHelper(FormHelper):
    """Renders an inline formset as a table, one row per record."""

    template = "bootstrap5/table_inline_formset.html"
    form_tag = False
    disable_csrf = True


def attachment_help_text():
    return _("PDF, Word, Excel, PowerPoint, PNG or JPEG; at most %(limit)s.") % {"limit": filesizeformat(max_bytes())}


class AttachmentForm(forms.Form):
    """The upload's kind and size are checked once, by the service that stores it (attachment_add)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=lazy(attachment_help_text, str)())
