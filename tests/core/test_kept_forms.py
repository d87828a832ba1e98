"""`crispy_kept`: a filter form's crispy HTML, rendered once per content and then read from the cache."""

from datetime import date

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.http import QueryDict
from django.utils import translation

from core.filters import set_menu
from core.templatetags import kopru
from dashboard.forms import DashboardFilterForm
from partnership.models import Organization
from tests.factories import OrganizationFactory, ProtocolArticleFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def renders(monkeypatch):
    """How many times crispy itself rendered a form."""
    calls = []

    def counted(form):
        calls.append(form)
        return as_crispy_form(form)

    monkeypatch.setattr(kopru, "as_crispy_form", counted)
    return calls


ARTICLES = [ProtocolArticleFactory.build(pk=1, number=1, title="Ortak etkinlikler")]


def filter_form(query=""):
    organizations = list(Organization.objects.order_by("pk"))
    return DashboardFilterForm(QueryDict(query), organizations=organizations, articles=ARTICLES, today=TODAY)


def test_the_kept_html_is_crispy_html_rendered_once(renders, izmir_teknoloji, isbak):
    first = kopru.crispy_kept(filter_form(f"organization={isbak.pk}"))
    again = kopru.crispy_kept(filter_form(f"organization={isbak.pk}"))

    assert first == again == as_crispy_form(filter_form(f"organization={isbak.pk}"))
    assert len(renders) == 1
    assert f'<option value="{isbak.pk}" selected>' in again
    assert again.__html__() == again  # still safe HTML: the template does not escape it


def test_other_values_choices_or_language_render_afresh(renders, izmir_teknoloji, isbak):
    kopru.crispy_kept(filter_form())
    kopru.crispy_kept(filter_form("year=2025"))
    OrganizationFactory(short_name="Yeni Kurum")
    with_new_choice = kopru.crispy_kept(filter_form())
    with translation.override("en"):
        english = kopru.crispy_kept(filter_form())

    assert len(renders) == 4
    assert "Yeni Kurum" in with_new_choice
    assert "All organizations" in english


def test_a_form_with_errors_is_never_kept(renders):
    first = kopru.crispy_kept(filter_form("year=1900"))
    kopru.crispy_kept(filter_form("year=1900"))

    assert len(renders) == 2
    assert "is-invalid" in first


class ProjectPicker(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all())


def test_choices_from_a_query_are_not_kept(renders, izmir_teknoloji):
    kopru.crispy_kept(ProjectPicker())
    kopru.crispy_kept(ProjectPicker())

    assert len(renders) == 2


def test_a_menu_filled_from_records_already_read_is_kept(renders, izmir_teknoloji, isbak):
    def picker():
        form = ProjectPicker()
        set_menu(form.fields["organization"], [izmir_teknoloji, isbak])
        return form

    first = kopru.crispy_kept(picker())
    kopru.crispy_kept(picker())

    assert len(renders) == 1
    assert "İSBAK" in first


class Search(forms.Form):
    q = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "—"), ("a", "<b>A</b>")])


def test_a_search_typed_in_is_never_kept(renders):
    kopru.crispy_kept(Search({"q": "sinyal"}))
    kopru.crispy_kept(Search({"q": "sinyal"}))
    kopru.crispy_kept(Search({"kind": "a"}))
    kopru.crispy_kept(Search({"kind": "a"}))

    assert len(renders) == 3  # each search afresh; the same menu choice once


def test_a_kept_form_is_escaped_like_a_fresh_one(renders):
    kopru.crispy_kept(Search({"kind": "a"}))
    kept = kopru.crispy_kept(Search({"kind": "a"}))

    assert len(renders) == 1
    assert "&lt;b&gt;A&lt;/b&gt;" in kept and "<b>A</b>" not in kept


def test_forms_that_render_differently_are_kept_apart(renders):
    def variant(change):
        form = Search()
        change(form)
        return form

    changes = [
        lambda form: None,
        lambda form: setattr(form.fields["q"], "disabled", True),
        lambda form: form.fields["q"].widget.attrs.update(placeholder="Ara"),
        lambda form: setattr(form.fields["q"], "help_text", "Başlıkta arar"),
        lambda form: setattr(form, "prefix", "other"),
        lambda form: setattr(form, "auto_id", "search_%s"),
    ]
    htmls = {kopru.crispy_kept(variant(change)) for change in changes}

    assert len(renders) == len(htmls) == len(changes)
