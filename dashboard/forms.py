"""The dashboard's filters and the report's period: plain GET forms, so every choice stays in the URL."""

from datetime import date

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import year_choices
from dashboard.queries import Period, Scope

QUARTER_CHOICES = [
    ("", _("Whole year")),
    (1, _("Q1 (January–March)")),
    (2, _("Q2 (April–June)")),
    (3, _("Q3 (July–September)")),
    (4, _("Q4 (October–December)")),
]


class PeriodForm(forms.Form):
    """A year, or a quarter of it. Without a year in the URL, the form stands for the default period."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, required=False, empty_value=None, choices=QUARTER_CHOICES
    )

    def __init__(self, query: QueryDict | None = None, *, today: date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        data = query.copy() if query is not None else QueryDict(mutable=True)
        if not data.get("year"):
            default = self.default_period()
            data["year"] = str(default.year)
            data["quarter"] = str(default.quarter or "")
        super().__init__(data, **kwargs)

    def default_period(self) -> Period:
        return Period(self.today.year)

    def period(self) -> Period:
        """The chosen period; the default one while the form has errors."""
        if not self.is_valid():
            return self.default_period()
        return Period(self.cleaned_data["year"], self.cleaned_data["quarter"])


class ReportPeriodForm(PeriodForm):
    """The report's period; the current quarter unless another is chosen."""

    def default_period(self) -> Period:
        return Period.quarter_of(self.today)


class DashboardFilterForm(PeriodForm):
    """Organization, protocol article and period.

    The choices come from lists the view has already loaded (it needs them anyway), so
    validating and rendering the form costs no further queries.
    """

    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int, required=False, empty_value=None)
    article = forms.TypedChoiceField(label=_("Protocol article"), coerce=int, required=False, empty_value=None)

    field_order = ["organization", "article", "year", "quarter"]

    def __init__(self, query=None, *, organizations, articles, **kwargs):
        self.organizations = {organization.pk: organization for organization in organizations}
        self.articles = {article.pk: article for article in articles}
        super().__init__(query, **kwargs)
        self.fields["organization"].choices = [("", _("All organizations"))] + [
            (pk, str(organization)) for pk, organization in self.organizations.items()
        ]
        self.fields["article"].choices = [("", _("All articles"))] + [
            (pk, str(article)) for pk, article in self.articles.items()
        ]

    def scope(self) -> Scope:
        """What the dashboard shows: the chosen filters, or everything this year while the form has errors."""
        if not self.is_valid():
            return Scope(period=self.default_period())
        return Scope(
            period=self.period(),
            organization=self.organizations.get(self.cleaned_data["organization"]),
            article=self.articles.get(self.cleaned_data["article"]),
        )


class BaselineReopenForm(ReportPeriodForm):
    """The period to reopen, and why (required: the reason stays with the old baseline)."""

    reason = forms.CharField(label=_("Reason for reopening"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
