"""The endpoint form: where to post, which events, and whether it is on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.forms import KopruModelForm
from webhooks.models import WebhookEndpoint
from webhooks.targets import UnsafeTarget, check_target


class WebhookEndpointForm(KopruModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=OutboundEventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The endpoint is told of these events only."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["active"]  # a new endpoint is on; it is switched off from its page

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_target(url)  # checked again at every delivery: DNS answers change
        except UnsafeTarget as error:
            raise forms.ValidationError(str(error), code="unsafe") from None
        return url
