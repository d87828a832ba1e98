"""The project list's filters and its Turkish-aware search, through the page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.text import turkish_fold
from tests.factories import MilestoneFactory, ProjectFactory, ProjectPartnerFactory, ProtocolArticleFactory

pytestmark = pytest.mark.django_db


def codes(client, query):
    response = client.get(reverse("projects:project_list") + query)
    assert response.status_code == 200
    return sorted(row.record.code for row in response.context["table"].page.object_list)


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("istanbul", "İSTANBUL trafik merkezi"),
        ("istanbul", "İstanbul trafik merkezi"),
        ("ışık", "IŞIK sensörleri"),
        ("izmir", "İZMİR veri platformu"),
        ("İZMİR", "izmir veri platformu"),
        ("IŞIK", "ışık sensörleri"),
    ],
)
def test_search_ignores_case_the_turkish_way(signed_in, query, stored):
    ProjectFactory(code="HIT", title=stored)
    ProjectFactory(code="MISS", title="Başka bir proje")
    assert codes(signed_in, f"?q={query}") == ["HIT"]


def test_plain_lowercasing_would_get_it_wrong():
    # Python's own lower() turns "İ" into "i̇" (with a combining dot): the reason for turkish_fold.
    assert "İSTANBUL".lower() != "istanbul"
    assert turkish_fold("İSTANBUL") == turkish_fold("istanbul")
    assert turkish_fold("IŞIK") == turkish_fold("ışık")


def test_search_covers_code_title_and_description(signed_in):
    ProjectFactory(code="KOD-77", title="a")
    ProjectFactory(code="B", title="Sinyal optimizasyonu")
    ProjectFactory(code="C", title="c", description="Dijital ikiz çalışması")
    assert codes(signed_in, "?q=kod-77") == ["KOD-77"]
    assert codes(signed_in, "?q=sinyal") == ["B"]
    assert codes(signed_in, "?q=DİJİTAL") == ["C"]


def test_status_and_health_filters(signed_in):
    ProjectFactory(code="A", status="active", health="at_risk")
    ProjectFactory(code="B", status="completed")
    ProjectFactory(code="C", status="planned", health="off_track")
    assert codes(signed_in, "?status=active&status=planned") == ["A", "C"]
    assert codes(signed_in, "?health=off_track") == ["C"]


def test_organization_filter_includes_partner_projects(signed_in, izmir_teknoloji, isbak):
    ProjectFactory(code="LED", lead_organization=izmir_teknoloji)
    ProjectPartnerFactory(project=ProjectFactory(code="PART", lead_organization=isbak), organization=izmir_teknoloji)
    ProjectFactory(code="OTHER", lead_organization=isbak)
    assert codes(signed_in, f"?organization={izmir_teknoloji.pk}") == ["LED", "PART"]


def test_article_filter(signed_in):
    article = ProtocolArticleFactory()
    ProjectFactory(code="SERVES").articles.add(article)
    ProjectFactory(code="NOT")
    assert codes(signed_in, f"?article={article.pk}") == ["SERVES"]


def test_year_filter(signed_in):
    ProjectFactory(code="Y25", planned_start=date(2025, 3, 1), planned_end=date(2025, 9, 1))
    ProjectFactory(code="Y26", planned_start=date(2026, 3, 1), planned_end=date(2026, 9, 1))
    assert codes(signed_in, "?year=2025") == ["Y25"]


def test_has_overdue_milestones_filter(signed_in):
    MilestoneFactory(project=ProjectFactory(code="LATE"), due_on=timezone.localdate() - timedelta(days=1))
    MilestoneFactory(project=ProjectFactory(code="FINE"), due_on=timezone.localdate() + timedelta(days=1))
    assert codes(signed_in, "?overdue=true") == ["LATE"]


def test_filters_stay_in_the_url_and_combine(signed_in):
    ProjectFactory(code="A", title="İzmir sinyal", status="active")
    ProjectFactory(code="B", title="İzmir sinyal", status="planned")
    response = signed_in.get(reverse("projects:project_list") + "?q=izmir&status=active")
    assert [row.record.code for row in response.context["table"].page.object_list] == ["A"]
    # sortable headers keep the filters
    assert "q=izmir" in response.text and "status=active" in response.text


def test_a_malformed_filter_value_does_not_break_the_page(signed_in):
    ProjectFactory(code="A")
    response = signed_in.get(reverse("projects:project_list") + "?year=abc&organization=xyz&status=nope")
    assert response.status_code == 200
