"""The preferences form: how each kind of notification reaches the person, the language of mail, the lead time."""

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
        fields = ["language", "lead_days", *NotificationKind.values]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
