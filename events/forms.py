from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DateTimeField,
    DateTimeInput,
    KopruModelForm,
    ModelMultipleChoiceField,
    constraint_message,
)
from core.roles import role_of
from events.models import Event

# The staff rule's message, shared with the spreadsheet import (events/imports.py).
MUST_ORGANIZE = _("Your organization (%(organization)s) must be one of the organizers.")


class EventForm(KopruModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "city",
            "venue",
            "is_online",
            "online_url",
            "organizers",
            "planned_participants",
            "actual_participants",
            "projects",
            "articles",
            "outcome",
        ]
        field_classes = {
            **dict.fromkeys(["organizers", "projects", "articles"], ModelMultipleChoiceField),
            **dict.fromkeys(["starts_at", "ends_at"], DateTimeField),
        }
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "organizers": forms.CheckboxSelectMultiple,
            "articles": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "planned_participants": forms.NumberInput(attrs={"min": 0}),
            "actual_participants": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = self.fields["projects"].queryset.order_by("code")

    def clean(self):
        cleaned_data = super().clean()
        starts_at, ends_at = cleaned_data.get("starts_at"), cleaned_data.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", constraint_message(Event, "event_ends_after_start"))
        # The same rules as the model's constraints, but next to the field that breaks them.
        if not cleaned_data.get("is_online") and not cleaned_data.get("city") and not cleaned_data.get("venue"):
            self.add_error("city", constraint_message(Event, "event_has_place"))
        self.check_staff_organizes(cleaned_data.get("organizers"))
        return cleaned_data

    def check_staff_organizes(self, organizers) -> None:
        """Staff record only events their own organization organizes; managers record any."""
        role = role_of(self.user)
        if organizers is None or role.is_manager:
            return
        if role.organization not in organizers:
            self.add_error(
                "organizers",
                MUST_ORGANIZE % {"organization": role.organization},
            )
