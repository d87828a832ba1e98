"""The token page's form: a name, read-only or not, and when the token expires."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from core.forms import DateInput, KopruModelForm

# Longer-lived keys are a standing risk; a user who needs more makes a new token.
MAX_DAYS = 2 * 365


class ApiTokenForm(KopruModelForm):
    expires_on = forms.DateField(
        label=_("Expires on"), widget=DateInput(), help_text=_("At most two years from today.")
    )

    class Meta:
        model = ApiToken
        fields = ["name", "read_only"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=settings.KOPRU_API_TOKEN_DAYS)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("A token must expire after today."))
        if day > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("A token may live at most two years."))
        # Valid through the whole of that day, Istanbul time.
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
