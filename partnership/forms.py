"""Form base classes: every Köprü form knows its user and renders with crispy-forms."""

from crispy_forms.helper import FormHelper
from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class KopruModelForm(forms.ModelForm):
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
