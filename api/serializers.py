"""What the API reads and writes, and how a write is validated: by the pages' own forms.

A write first passes DRF's type checks (a date is a date, an id an integer), then the
app's ModelForm (`projects.forms.ProjectForm` …) validates the same data exactly as the
page does: its clean() rules, the staff rule, the model's full_clean() and its named
constraints. The form's errors come back as field errors and nothing is saved. A project's
partners and milestones go through the page's inline formsets. Records without a form of
their own (product adoptions) are checked with the model's full_clean().
"""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from core.access import can_edit
from events.forms import EventForm
from events.models import Event
from events.services import event_save
from partnership.models import Organization, Protocol, ProtocolArticle, ProtocolParty, TechnologyProduct
from projects.forms import MilestoneFormSet, PartnerFormSet, ProgressUpdateForm, ProjectForm, check_staff_takes_part
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from projects.services import progress_update_record, project_save
from transfers.forms import KnowHowTransferForm
from transfers.models import KnowHowTransfer, ProductAdoption
from transfers.services import knowhowtransfer_save

UNKNOWN_FIELD = _("Unknown field.")
NOT_THIS_PROJECTS = _("No row of this project has this id.")


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's field, except that an id beyond the database's integer range is an invalid id, not a 500.

    SQLite cannot bind an integer above 2**63 - 1 (core.forms.ModelMultipleChoiceField has the same fix).
    """

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class StrictModelSerializer(serializers.ModelSerializer):
    """Refuses fields it does not know, rather than silently dropping a misspelt one."""

    serializer_related_field = PrimaryKeyRelatedField

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(dict.fromkeys(unknown, [UNKNOWN_FIELD]))
        return super().to_internal_value(data)

    def get_validators(self):
        # Uniqueness is the form's and the model's to check, in their words (violation_error_message).
        return []

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)  # the form runs the model's validators, with its messages
        return field_class, kwargs


def form_value(value):
    """A model value as a bound form expects it: records by their id."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [form_value(item) for item in value]
    return value


def form_errors(form) -> dict:
    """A form's errors as DRF field errors ("__all__" becomes non_field_errors)."""
    return {
        ("non_field_errors" if name == "__all__" else name): list(messages) for name, messages in form.errors.items()
    }


class FormSerializer(StrictModelSerializer):
    """A serializer whose writes are validated and saved by the page's ModelForm (`form_class`).

    The form is bound to the record's current values overlaid with what the client sent, so
    a PATCH that names one field is validated like a page that changed one field.
    """

    form_class = None
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read. If the record has changed since, nothing is saved and you get 409."),
    )

    def form_data(self) -> dict:
        fields = self.form_class.base_fields
        data = {}
        if self.instance is not None:
            data = {name: form_value(value) for name, value in model_to_dict(self.instance, fields=fields).items()}
        sent = self.initial_data if isinstance(self.initial_data, Mapping) else {}
        data.update({name: value for name, value in sent.items() if name in fields or name == "version"})
        return data

    def build_form(self, data):
        return self.form_class(data=data, instance=self.instance, user=self.context["request"].user)

    def validate(self, attrs):
        self.form = self.build_form(self.form_data())
        if not self.form.is_valid():
            raise serializers.ValidationError(form_errors(self.form))
        return attrs

    def save_form(self):
        """Save the validated form; a record whose writes go through a service says so here."""
        return self.form.save()

    def create(self, validated_data):
        return self.save_form()

    def update(self, instance, validated_data):
        return self.save_form()


# --- the agreement (read only) --------------------------------------------------------------------


class OrganizationSerializer(StrictModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "parent", "city", "description"]


class ProtocolArticleSerializer(StrictModelSerializer):
    class Meta:
        model = ProtocolArticle
        fields = ["id", "protocol", "number", "title", "text"]


class ProtocolPartySerializer(StrictModelSerializer):
    class Meta:
        model = ProtocolParty
        fields = ["organization", "signatory_name", "signatory_title"]


class ProtocolSerializer(StrictModelSerializer):
    parties = ProtocolPartySerializer(many=True, read_only=True)
    articles = ProtocolArticleSerializer(many=True, read_only=True)

    class Meta:
        model = Protocol
        fields = [
            "id",
            "title",
            "number",
            "signed_on",
            "signed_place",
            "effective_on",
            "term_months",
            "expires_on",
            "status",
            "summary",
            "version",
            "parties",
            "articles",
        ]


class TechnologyProductSerializer(StrictModelSerializer):
    class Meta:
        model = TechnologyProduct
        fields = ["id", "organization", "name", "category", "description"]


# --- the work -------------------------------------------------------------------------------------


class ProjectPartnerSerializer(StrictModelSerializer):
    id = serializers.IntegerField(required=False, help_text=_("Leave out for a new partner."))

    class Meta:
        model = ProjectPartner
        fields = ["id", "organization", "role", "contribution", "effort_person_months"]


class MilestoneInProjectSerializer(StrictModelSerializer):
    id = serializers.IntegerField(required=False, help_text=_("Leave out for a new milestone."))
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "completed_on", "deliverable", "version"]


def formset_for(formset_class, *, project, prefix: str, rows: list | None):
    """The page's inline formset for `project`, bound to `rows` as the page would post them.

    `rows` replace the project's rows: a row with an `id` changes that row, one without adds a
    row, and a current row left out is deleted. `None` keeps the rows as they are. An `id` that
    is not one of this project's rows is an error: the formset itself would silently skip it.
    Returns the formset and, for each of its forms, the index of the row it came from (None: left out).
    """
    existing = {row.pk: row for row in formset_class(instance=project, prefix=prefix).get_queryset()}
    strangers = [
        {"id": [NOT_THIS_PROJECTS]} if row.get("id") is not None and row["id"] not in existing else {}
        for row in rows or ()
    ]
    if any(strangers):
        raise serializers.ValidationError({prefix: strangers})
    fields = formset_class.form.base_fields
    if rows is None:
        rows = [{"id": pk, **model_to_dict(row, fields=fields)} for pk, row in existing.items()]
    kept = [(index, row) for index, row in enumerate(rows) if row.get("id") is not None]
    added = [(index, row) for index, row in enumerate(rows) if row.get("id") is None]
    named = {row["id"] for _index, row in kept}
    left_out = [(None, {"id": pk, "DELETE": "on"}) for pk in existing if pk not in named]
    forms = [*kept, *left_out, *added]
    data = {
        f"{prefix}-TOTAL_FORMS": len(forms),
        f"{prefix}-INITIAL_FORMS": len(kept) + len(left_out),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for position, (_index, row) in enumerate(forms):
        current = existing.get(row.get("id"))
        values = {}
        if current is not None and "DELETE" not in row:
            values = model_to_dict(current, fields=fields)
            if hasattr(current, "version"):
                values["version"] = current.version  # a row sent without its version is saved unchecked
        values.update(row)
        for name, value in values.items():
            data[f"{prefix}-{position}-{name}"] = "" if value is None else form_value(value)
    return formset_class(data, instance=project, prefix=prefix), [index for index, _row in forms]


def formset_errors(formset, origins: list) -> list:
    """A formset's errors as a list aligned with the rows the client sent."""
    sent = max((index for index in origins if index is not None), default=-1) + 1
    rows = [{} for _row in range(sent)]
    for form, index in zip(formset.forms, origins, strict=True):
        if form.errors:
            errors = form_errors(form)
            if index is None:  # a row the client left out, so deleted: it has no place in their list
                rows.append(errors)
            else:
                rows[index] = errors
    if any(rows):
        return rows
    return list(formset.non_form_errors())


class ProjectSerializer(FormSerializer):
    form_class = ProjectForm
    partners = ProjectPartnerSerializer(
        many=True, required=False, help_text=_("The full list: partners left out are removed.")
    )
    milestones = MilestoneInProjectSerializer(
        many=True, required=False, help_text=_("The full list: milestones left out are removed.")
    )

    class Meta:
        model = Project
        # What may be written is the page form's own field list; the rest is read only.
        fields = [
            "id",
            *ProjectForm.Meta.fields,
            "percent_complete",
            "health",
            "last_update_on",
            "owner",
            "version",
            "created_at",
            "updated_at",
            "partners",
            "milestones",
        ]
        read_only_fields = ["percent_complete", "health", "last_update_on", "owner", "created_at", "updated_at"]

    def validate(self, attrs):
        errors = {}
        self.form = self.build_form(self.form_data())
        project = self.form.instance
        sent = self.initial_data
        self.formsets, origins = [], []
        for name, formset_class in (("partners", PartnerFormSet), ("milestones", MilestoneFormSet)):
            formset, origin = formset_for(formset_class, project=project, prefix=name, rows=sent.get(name))
            self.formsets.append(formset)
            origins.append(origin)
        # As on the page: the project first (the milestones read its start date), then every formset.
        form_valid = self.form.is_valid()
        valid = [formset.is_valid() for formset in self.formsets]
        if form_valid and all(valid):
            check_staff_takes_part(self.context["request"].user, self.form, self.formsets[0])
        if not self.form.is_valid():
            errors.update(form_errors(self.form))
        for name, formset, origin, ok in zip(("partners", "milestones"), self.formsets, origins, valid, strict=True):
            if not ok:
                errors[name] = formset_errors(formset, origin)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def save_project(self):
        return project_save(form=self.form, formsets=self.formsets, user=self.context["request"].user)

    def create(self, validated_data):
        return self.save_project()

    def update(self, instance, validated_data):
        return self.save_project()


class MilestoneSerializer(StrictModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "due_on", "completed_on", "deliverable", "version"]


class ProgressUpdateSerializer(FormSerializer):
    """A progress update is logged, never edited (as on the page); the project takes its figures."""

    form_class = ProgressUpdateForm
    version = None  # an update has no version: it is never edited
    project = PrimaryKeyRelatedField(queryset=Project.objects.all())

    class Meta:
        model = ProgressUpdate
        fields = ["id", "project", *ProgressUpdateForm.Meta.fields, "author", "created_at"]
        read_only_fields = ["author", "created_at"]

    def validate(self, attrs):
        user = self.context["request"].user
        if not can_edit(user, attrs["project"]):
            raise exceptions.PermissionDenied(_("You may not log progress on this project."))
        return super().validate(attrs)

    def create(self, validated_data):
        return progress_update_record(
            project=validated_data["project"], author=self.context["request"].user, **self.form.cleaned_data
        )


class EventSerializer(FormSerializer):
    form_class = EventForm

    def save_form(self):
        return event_save(form=self.form, user=self.context["request"].user)

    class Meta:
        model = Event
        fields = ["id", *EventForm.Meta.fields, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class KnowHowTransferSerializer(FormSerializer):
    form_class = KnowHowTransferForm

    def save_form(self):
        return knowhowtransfer_save(form=self.form, user=self.context["request"].user)

    class Meta:
        model = KnowHowTransfer
        fields = ["id", *KnowHowTransferForm.Meta.fields, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ProductAdoptionSerializer(StrictModelSerializer):
    """No page edits adoptions, so there is no form: the model's full_clean() and constraints decide,
    and the one access rule (ProductAdoption.objects.editable_by) must let the user keep the result."""

    class Meta:
        model = ProductAdoption
        fields = ["id", "product", "adopter", "adopter_city", "status", "adopted_on", "transfer", "project", "notes"]

    def save_checked(self, instance):
        user = self.context["request"].user
        instance.full_clean()
        with transaction.atomic():
            instance.save()
            # Saved, then asked, so the rule is the model's own and not a second copy of it here.
            if not ProductAdoption.objects.editable_by(user).filter(pk=instance.pk).exists():
                raise serializers.ValidationError(
                    {"non_field_errors": [_("Your organization must be the adopter or own the product.")]}
                )
        return instance

    def create(self, validated_data):
        return self.save_checked(ProductAdoption(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_checked(instance)
