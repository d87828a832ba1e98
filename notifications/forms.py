"""The preferences form: how each kind of notification reaches the person, the language of mail, the lead
time, the weekly digest and its day. Managers fill the same form in for an organization's defaults."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.choices import NotificationKind
from notifications.models import NotificationPreference

LEAD_DAYS_ERROR = _("Warn between 1 and 60 days before a milestone is due.")


class NotificationPreferenceForm(forms.ModelForm):
    lead_days = forms.IntegerField(
        label=_("days of warning before a milestone is due"),
        min_value=1,
        max_value=NotificationPreference.LEAD_DAYS_MAX,
        error_messages={"min_value": LEAD_DAYS_ERROR, "max_value": LEAD_DAYS_ERROR},
    )

    class Meta:
        model = NotificationPreference
        fields = ["language", "lead_days", "digest", "digest_day", *NotificationKind.values]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # A choice left out keeps what was chosen before (a page opened before a kind was added):
        # only a value sent can be refused.
        for name in [*NotificationKind.values, "digest_day"]:
            self.fields[name].required = False
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned_data = super().clean()
        for name in [*NotificationKind.values, "digest_day"]:
            if name not in self.errors and cleaned_data.get(name) in (None, ""):
                cleaned_data[name] = getattr(self.instance, name)
        return cleaned_data
