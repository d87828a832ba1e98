from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DateInput,
    InlineFormSetHelper,
    KopruModelForm,
    ModelMultipleChoiceField,
    VersionedFormMixin,
    constraint_message,
    use_kopru_length_message,
)
from core.roles import role_of
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner

# The staff rule's message, shared with the spreadsheet import (projects/imports.py).
LEAD_OR_PARTNER = _("Your organization (%(organization)s) must lead the project or be one of its partners.")


class ProjectForm(KopruModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "description",
            "lead_organization",
            "status",
            "articles",
            "products",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        field_classes = {"articles": ModelMultipleChoiceField, "products": ModelMultipleChoiceField}
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "articles": forms.CheckboxSelectMultiple,
            "products": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = self.fields["products"].queryset.select_related("organization")
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-3"), Column("title", css_class="col-md-9")),
            "description",
            Row(Column("lead_organization", css_class="col-md-6"), Column("status", css_class="col-md-6")),
            Row(Column("articles", css_class="col-md-6"), Column("products", css_class="col-md-6")),
            Row(
                Column("planned_start", css_class="col-sm-6 col-lg-3"),
                Column("planned_end", css_class="col-sm-6 col-lg-3"),
                Column("actual_start", css_class="col-sm-6 col-lg-3"),
                Column("actual_end", css_class="col-sm-6 col-lg-3"),
            ),
            *(["version"] if "version" in self.fields else []),  # the edit's optimistic lock (hidden)
        )

    def clean(self):
        cleaned_data = super().clean()
        # On the end date itself, not only above the form: the database's constraints say the same.
        for start, end, constraint in [
            ("planned_start", "planned_end", "project_planned_end_after_start"),
            ("actual_start", "actual_end", "project_actual_end_after_start"),
        ]:
            if cleaned_data.get(start) and cleaned_data.get(end) and cleaned_data[end] < cleaned_data[start]:
                self.add_error(end, constraint_message(Project, constraint))
        return cleaned_data


class ProjectPartnerForm(forms.ModelForm):
    class Meta:
        model = ProjectPartner
        fields = ["organization", "role", "contribution", "effort_person_months"]
        widgets = {"contribution": forms.TextInput()}


class MilestoneForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "completed_on", "deliverable"]
        widgets = {"due_on": DateInput(), "completed_on": DateInput()}


class MilestoneCompleteForm(forms.ModelForm):
    """The one-click completion on the project's page: a date, today unless changed.

    Each open milestone's row names its inputs with its own prefix (`milestone-<pk>`), as all
    rows post through the page's one form (templates/projects/project_detail.html).
    """

    class Meta:
        model = Milestone
        fields = ["completed_on"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].required = True

    def clean_completed_on(self):
        if self.instance.completed_on is not None:  # the stored value: the form has not set it yet
            raise ValidationError(_("This milestone is already completed."), code="completed")
        return self.cleaned_data["completed_on"]


class MilestoneConfirmForm(forms.Form):
    """The other side's answer to a joint milestone's completion, from the project's page (same prefix)."""

    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, strip=True)


class MilestoneDisputeForm(MilestoneConfirmForm):
    """A dispute says why: the comment is what both sides read while the milestone is open again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].error_messages["required"] = _("Say why the completion is disputed.")


class BaseProjectFormSet(forms.BaseInlineFormSet):
    title = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = InlineFormSetHelper()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        use_kopru_length_message(form)
        # A table row has column headers but no <label>s: name each input for screen readers.
        # The empty form's (index None) is numbered by static/js/formset.js when it is copied.
        row = "__row__" if index is None else index + 1
        for field in form.fields.values():
            if field.label and not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class BasePartnerFormSet(BaseProjectFormSet):
    title = _("Partners and contributions")

    @cached_property
    def organization_choices(self) -> list:
        """The organization menu, read once for all rows instead of once per row."""
        # iter(): list() of the iterator itself would first ask its len(), a COUNT query.
        return list(iter(self.form.base_fields["organization"].choices))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["organization"].choices = self.organization_choices

    def organizations(self):
        """Organizations named by the rows that will be kept."""
        return [
            form.cleaned_data["organization"]
            for form in self.forms
            if form.cleaned_data.get("organization") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        organizations = self.organizations()
        if len(organizations) != len(set(organizations)):
            raise ValidationError(_("Each organization can be listed as a partner only once."))


class BaseMilestoneFormSet(BaseProjectFormSet):
    title = _("Milestones")


# absolute_max: a forged TOTAL_FORMS of thousands would otherwise build (and render) thousands of
# rows and hold a worker for a minute; no real project has 200 partners or milestones.
PartnerFormSet = inlineformset_factory(
    Project,
    ProjectPartner,
    form=ProjectPartnerForm,
    formset=BasePartnerFormSet,
    extra=2,
    can_delete=True,
    max_num=200,
    absolute_max=200,
)
MilestoneFormSet = inlineformset_factory(
    Project,
    Milestone,
    form=MilestoneForm,
    formset=BaseMilestoneFormSet,
    extra=2,
    can_delete=True,
    max_num=200,
    absolute_max=200,
)


def check_staff_takes_part(user, form: ProjectForm, partners: BasePartnerFormSet) -> None:
    """Staff may only create or keep projects their own organization takes part in."""
    role = role_of(user)
    if role.is_manager or role.organization is None:
        return
    lead = form.cleaned_data.get("lead_organization")
    if lead != role.organization and role.organization not in partners.organizations():
        form.add_error(
            "lead_organization",
            LEAD_OR_PARTNER % {"organization": role.organization},
        )


class ProgressUpdateForm(KopruModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["reported_on", "percent_complete", "health", "done", "next_steps", "blockers"]
        widgets = {
            "reported_on": DateInput(),
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "done": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 2}),
        }
