"""The main journeys of issue 7, clicked through in a real Chromium against the demo data.

Each journey is one test. The project that staff create in the first journey is, for the
others, created beforehand by `journey_project` exactly as that journey leaves it, so every
test stands alone and can run by itself. Its partners are İzmir Teknoloji and the İzmir
metropolitan municipality: İSBAK takes no part in it, so İSBAK staff may read it but not change it.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from partnership.models import Organization
from projects.choices import Health, PartnerRole, ProjectStatus
from projects.models import Milestone, Project, ProjectPartner
from projects.services import progress_update_record

IZT, ISBAK, IZMIR_BB = "İzmir Teknoloji", "İSBAK", "İzmir BB"
NEW_CODE = "KPR-TR-01"
NEW_TITLE = "Tarayıcı testi: kavşak verisi paylaşım köprüsü"

# A canvas whose every pixel is transparent has drawn nothing.
CANVAS_HAS_DRAWING = """
canvas => {
  if (!canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) { if (pixels[alpha] !== 0) return true; }
  return false;
}
"""


@pytest.fixture
def journey_project(demo):
    """The project of journey 1, as its staff left it: two partners, two milestones, one progress update."""
    today = timezone.localdate()
    izmir, municipality = Organization.objects.get(short_name=IZT), Organization.objects.get(short_name=IZMIR_BB)
    staff = demo.user("izmir.staff")
    project = Project.objects.create(
        code=NEW_CODE,
        title=NEW_TITLE,
        lead_organization=izmir,
        owner=staff,
        status=ProjectStatus.ACTIVE,
        planned_start=today - timedelta(days=30),
        planned_end=today + timedelta(days=300),
        actual_start=today - timedelta(days=30),
    )
    ProjectPartner.objects.create(project=project, organization=izmir, role=PartnerRole.LEAD)
    ProjectPartner.objects.create(project=project, organization=municipality, role=PartnerRole.PARTNER)
    Milestone.objects.create(project=project, title="Veri sözlüğü", due_on=today + timedelta(days=60))
    Milestone.objects.create(project=project, title="Pilot kavşak", due_on=today + timedelta(days=200))
    progress_update_record(
        project=project, author=staff, reported_on=today, percent_complete=35, health=Health.OFF_TRACK, done="Kurulum."
    )
    return project


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giriş yap")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Giriş yap").click()
    page.wait_for_url(re.compile(r"/$"))


def test_izmir_staff_sign_in_create_a_project_and_log_progress(demo, open_page):
    page = open_page()
    sign_in(page, "izmir.staff", demo.password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hoş geldiniz")

    page.get_by_role("navigation", name="Ana menü").get_by_role("link", name="Projeler").click()
    page.get_by_role("link", name="Yeni proje").click()
    expect(page).to_have_url(re.compile(r"/projects/new/$"))
    today = timezone.localdate()
    page.fill("#id_code", NEW_CODE)
    page.fill("#id_title", NEW_TITLE)
    page.fill("#id_description", "Tarayıcı testinin oluşturduğu proje.")
    expect(page.locator("#id_lead_organization option:checked")).to_have_text(IZT)
    page.select_option("#id_status", "active")
    page.locator("input[name=articles]").first.check()
    page.fill("#id_planned_start", (today - timedelta(days=30)).isoformat())
    page.fill("#id_planned_end", (today + timedelta(days=300)).isoformat())
    page.select_option("[name=partners-0-organization]", label=IZT)
    page.select_option("[name=partners-0-role]", "lead")
    page.fill("[name=partners-0-contribution]", "Veri platformu ve proje yönetimi")
    page.select_option("[name=partners-1-organization]", label=IZMIR_BB)
    page.select_option("[name=partners-1-role]", "partner")
    page.fill("[name=partners-1-effort_person_months]", "4.5")
    page.fill("[name=milestones-0-title]", "Veri sözlüğü")
    page.fill("[name=milestones-0-due_on]", (today + timedelta(days=60)).isoformat())
    page.fill("[name=milestones-1-title]", "Pilot kavşak")
    page.fill("[name=milestones-1-due_on]", (today + timedelta(days=200)).isoformat())
    page.get_by_role("button", name="Kaydet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    project = Project.objects.get(code=NEW_CODE)
    assert project.partners.count() == 2
    assert project.milestones.count() == 2
    expect(page.locator("#milestones-heading + .table-responsive tbody tr")).to_have_count(2)

    page.get_by_role("link", name="İlerleme raporu gir").click()
    page.fill("#id_percent_complete", "35")
    page.select_option("#id_health", "at_risk")
    page.fill("#id_done", "Veri sözlüğünün ilk taslağı hazır.")
    page.fill("#id_blockers", "Kavşak verisine erişim izni bekleniyor.")
    page.get_by_role("button", name="Raporu kaydet").click()

    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/#timeline$"))
    expect(page.locator("#progress-heading")).to_have_text("İlerleme: %35")
    expect(page.locator("progress.kopru-progress")).to_have_attribute("value", "35")
    expect(page.locator("h1 + p .badge").last).to_have_text("Riskli")
    expect(page.locator("#timeline .timeline-item").first).to_contain_text("Kavşak verisine erişim izni bekleniyor.")
    # Loaded after the page: the documents and the change history, which names the new percent.
    expect(page.locator("#attachments")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("35")
    expect(page.locator("#project-related")).not_to_have_attribute("aria-busy", "true")


def test_isbak_staff_read_the_project_but_cannot_edit_it(journey_project, open_page, console):
    page = open_page("isbak.staff")
    page.goto("/projects/")
    page.get_by_role("link", name=NEW_CODE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(page.locator("#partners-heading + .table-responsive")).to_contain_text(IZMIR_BB)
    expect(page.get_by_role("link", name="Düzenle")).to_have_count(0)
    expect(page.get_by_role("link", name="İlerleme raporu gir")).to_have_count(0)

    console.allow(r"Failed to load resource: the server responded with a status of 403")
    response = page.goto(f"/projects/{journey_project.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Erişim reddedildi")
    expect(page.locator("form#id_code, #id_code")).to_have_count(0)


def test_manager_dashboard_draws_its_charts_and_counts_the_new_project(journey_project, open_page):
    page = open_page("manager")
    page.goto("/")
    page.get_by_role("link", name="Gösterge paneli").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gösterge paneli")

    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(6)
    for index in range(canvases.count()):
        canvas = canvases.nth(index)
        key = canvas.get_attribute("data-chart")
        page.wait_for_function(CANVAS_HAS_DRAWING, arg=canvas.element_handle(), timeout=5_000)
        assert page.evaluate("canvas => Boolean(window.Chart.getChart(canvas))", canvas.element_handle()), key

    active = Project.objects.filter(status=ProjectStatus.ACTIVE).count()
    expect(page.locator("#tile-active")).to_have_text(str(active))
    expect(page.locator("#list-at-risk")).to_contain_text(f"{NEW_CODE} — {NEW_TITLE}")
    status_counts = page.locator("#table-status tbody tr", has_text="Aktif").locator("td").first
    expect(status_counts).to_have_text(str(active))


def test_manager_exports_exactly_the_filtered_rows_to_excel(journey_project, open_page, tmp_path):
    page = open_page("manager")
    page.goto("/projects/")
    filters = page.get_by_role("search")
    filters.get_by_label("Aktif").check()
    filters.get_by_label("Kurum").select_option(label=IZT)
    filters.get_by_role("button", name="Filtrele").click()
    expect(page).to_have_url(re.compile(r"status=active"))

    shown = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert NEW_CODE in shown
    assert len(shown) < Project.objects.count()  # the filter did filter
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path, read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Kod"
    assert [row[0] for row in rows] == shown


def test_admin_changes_the_status_and_the_project_history_shows_it(journey_project, open_page):
    page = open_page("admin")
    page.goto(f"/admin/projects/project/{journey_project.pk}/change/")
    page.select_option("#id_status", "on_hold")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text(NEW_CODE)

    page.goto(journey_project.get_absolute_url())
    expect(page.locator("h1 + p .badge").first).to_have_text("Beklemede")
    latest = page.locator("#history .list-group-item").first
    expect(latest).to_contain_text("Yönetici Köprü")
    expect(latest).to_contain_text("değiştirdi")
    expect(latest.locator("li", has_text="Durum")).to_contain_text("Aktif → Beklemede")


def test_switching_to_english_translates_the_page_and_its_dates(demo, open_page):
    page = open_page("izmir.staff")
    page.goto("/protocol/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    signed = page.locator("time[datetime='2024-08-30']").first
    expect(signed).to_have_text("30 Ağustos 2024")

    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/protocol/$"))
    expect(page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Projects")).to_be_visible()
    expect(page.get_by_role("button", name="EN")).to_have_attribute("aria-pressed", "true")
    expect(signed).to_have_text("30 August 2024")  # partnership/formats/en: day first, never US order

    page.get_by_role("link", name="Projects").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects")
    # Short dates in the list follow the English format too ("27 May 2027"), not Turkish (d.m.Y).
    planned_end = page.locator("table tbody tr td").filter(has_text=re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")).first
    expect(planned_end).to_be_visible()
    expect(page.locator("table tbody")).not_to_contain_text(re.compile(r"\d{2}\.\d{2}\.\d{4}"))


def test_a_csp_violation_or_console_error_is_caught(demo, open_page, console):
    """Journey 7's safety net works: the watcher sees what a broken template or script would cause."""
    page = open_page("izmir.staff")
    page.goto("/")
    assert console.unexpected() == []
    page.evaluate("""() => { document.body.insertAdjacentHTML("beforeend", '<p style="color: red">inline</p>'); }""")
    page.evaluate("() => { setTimeout(() => { throw new Error('boom from a test'); }); }")
    page.wait_for_timeout(200)
    problems = "\n".join(console.unexpected())
    assert "style-src" in problems
    assert "boom from a test" in problems
    console.clear()


def test_visitors_can_switch_the_sign_in_page_to_english(transactional_db, open_page):
    page = open_page()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=3_000)
