"""Form base classes: every Köprü form knows its user and renders with crispy-forms."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.attachments import validate_upload


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


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


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG; at most 20 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload
