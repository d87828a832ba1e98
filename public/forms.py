"""The proposal form: pick a record not yet on (or on its way to) the public page."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event
from projects.models import Project
from public.choices import PublicationStatus
from transfers.models import ProductAdoption

KINDS = {"project": Project, "event": Event, "adoption": ProductAdoption}


def _free(model):
    """Records with no publication, or one that was unpublished (which may be proposed again)."""
    return model.objects.filter(Q(publication__isnull=True) | Q(publication__status=PublicationStatus.WITHDRAWN))


class PublicationProposalForm(forms.Form):
    record = forms.ChoiceField(label=_("Record to publish"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = _free(Project).order_by("code").values_list("pk", "code", "title")
        events = _free(Event).order_by("-starts_at").values_list("pk", "title", "starts_at")
        adoptions = _free(ProductAdoption).select_related("product", "adopter").order_by("-adopted_on")
        self.fields["record"].choices = [
            ("", "—"),
            (_("Projects"), [(f"project:{pk}", f"{code} — {title}") for pk, code, title in projects]),
            (_("Events"), [(f"event:{pk}", f"{title} ({starts:%Y-%m-%d})") for pk, title, starts in events]),
            (_("Product adoptions"), [(f"adoption:{adoption.pk}", str(adoption)) for adoption in adoptions]),
        ]

    def clean_record(self):
        kind, _sep, pk = self.cleaned_data["record"].partition(":")
        # An id the database's integer can hold, or no record: a bigger one would be a server error on SQLite.
        well_formed = kind in KINDS and pk.isascii() and pk.isdigit() and int(pk) < 2**63
        record = _free(KINDS[kind]).filter(pk=int(pk)).first() if well_formed else None
        if record is None:
            raise forms.ValidationError(_("Choose a record that is not already proposed or published."))
        return record
