from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, KopruModelForm, ModelMultipleChoiceField, constraint_message
from core.roles import role_of
from transfers.models import KnowHowTransfer

# The staff rule's message, shared with the spreadsheet import (transfers/imports.py).
MUST_TAKE_PART = _("Your organization (%(organization)s) must be the provider or the recipient of the transfer.")


class ProductChoiceField(forms.ModelChoiceField):
    """A technology product, labelled with the organization it belongs to."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organization})"


class KnowHowTransferForm(KopruModelForm):
    class Meta:
        model = KnowHowTransfer
        fields = [
            "title",
            "provider",
            "recipient",
            "kind",
            "started_on",
            "ended_on",
            "hours",
            "participants",
            "product",
            "project",
            "articles",
            "outcome",
            "recipient_rating",
            "description",
        ]
        field_classes = {"product": ProductChoiceField, "articles": ModelMultipleChoiceField}
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "articles": forms.CheckboxSelectMultiple,
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = self.fields["product"].queryset.select_related("organization")
        self.fields["articles"].queryset = self.fields["articles"].queryset.select_related("protocol")
        # The model field is a PositiveSmallIntegerField, whose form field would offer 0 to 32767.
        self.fields["recipient_rating"].widget.attrs.update({"min": 1, "max": 5, "step": 1})

    def clean(self):
        cleaned_data = super().clean()
        provider = cleaned_data.get("provider")
        recipient = cleaned_data.get("recipient")
        started_on = cleaned_data.get("started_on")
        ended_on = cleaned_data.get("ended_on")
        # Reported on the fields themselves; the model's constraints then skip the fields in error.
        if provider and recipient and provider == recipient:
            self.add_error("recipient", constraint_message(KnowHowTransfer, "transfer_provider_not_recipient"))
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", constraint_message(KnowHowTransfer, "transfer_ends_after_start"))
        if provider and recipient:
            self.check_user_takes_part(provider, recipient)
        return cleaned_data

    def check_user_takes_part(self, provider, recipient) -> None:
        """Staff record only transfers their own organization gives or receives; managers record any."""
        role = role_of(self.user)
        if role.is_manager or role.organization in (provider, recipient):
            return
        self.add_error(
            "provider",
            MUST_TAKE_PART % {"organization": role.organization or "—"},
        )


class KnowHowTransferConfirmForm(forms.ModelForm):
    """The recipient's confirmation on the transfer's page: what it saw, and its rating (all required)."""

    class Meta:
        model = KnowHowTransfer
        fields = ["confirmed_hours", "confirmed_participants", "recipient_rating"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.widget.attrs["class"] = "form-control"
        self.fields["recipient_rating"].widget.attrs.update({"min": 1, "max": 5, "step": 1})
        self.fields["confirmed_hours"].widget.attrs.update({"min": 0, "step": "0.5"})
        self.fields["confirmed_participants"].widget.attrs.update({"min": 0})
