"""Journeys 8 and 9: the project form with a keyboard alone, and the main pages on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import PHONE

FOCUSED = """() => {
  const element = document.activeElement;
  return element ? (element.name || element.id || element.tagName.toLowerCase()) + "|" + element.tagName : "";
}"""


def tab_to(page, name, *, limit=60):
    """Press Tab until the element named `name` has the focus; return the names passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused, _tag = page.evaluate(FOCUSED).split("|")
        passed.append(focused)
        if focused == name:
            return passed
    raise AssertionError(f"Tab never reached {name!r}; it went through {passed}")


def type_date(page, day):
    """Type a date into the focused date field, in the segment order this browser shows.

    Headless Chromium lays date fields out as mm/dd/yyyy whatever the page's language, a Turkish
    one as dd.mm.yyyy; a probe finds out which, then Shift+Tab goes back to the first segment.
    """
    page.keyboard.type("01022000")
    month_first = page.evaluate("document.activeElement.value") == "2000-01-02"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(day.strftime("%m%d%Y" if month_first else "%d%m%Y"))


def test_the_project_form_works_with_the_keyboard_alone(demo, open_page):
    page = open_page("izmir.staff")
    page.goto("/projects/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The skip link comes first and lands on the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    tab_to(page, "code")
    page.keyboard.type("KPR-KB-01")
    page.keyboard.press("Tab")
    page.keyboard.type("Klavye ile girilen proje")
    page.keyboard.press("Tab")
    page.keyboard.type("Fare kullanılmadan dolduruldu.")
    tab_to(page, "status")
    page.keyboard.press("ArrowDown")  # Önerildi → Planlandı
    tab_to(page, "articles")
    page.keyboard.press("Space")
    passed = tab_to(page, "milestones-0-title")
    assert "partners-0-organization" in passed  # the formset rows are in the tab order too
    page.keyboard.type("Klavye kilometre taşı")
    page.keyboard.press("Tab")
    due = timezone.localdate().replace(day=15) + timedelta(days=365)
    type_date(page, due)
    expect(page.locator("[name=milestones-0-due_on]")).to_have_value(due.isoformat())
    tab_to(page, "button")  # the Save button, after every field of the form
    expect(page.locator(":focus")).to_have_text("Kaydet")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Klavye ile girilen proje")
    project = Project.objects.get(code="KPR-KB-01")
    assert project.status == "planned"
    assert project.description == "Fare kullanılmadan dolduruldu."
    assert project.articles.count() == 1
    assert list(project.milestones.values_list("title", "due_on")) == [("Klavye kilometre taşı", due)]


PHONE_PAGES = [
    "/",
    "/protocol/",
    "/projects/",
    "/projects/new/",
    "/projects/milestones/",
    "/dashboard/",
    "/reports/",
    "/events/",
    "/transfers/",
]


@pytest.fixture
def a_project(demo):
    return Project.objects.order_by("code").first()


@pytest.mark.parametrize("language", ["tr", "en"])
def test_phone_width_collapses_the_menu_and_nothing_overflows(a_project, open_page, language):
    page = open_page("manager", language=language, viewport=PHONE)
    overflowing = {}
    for path in [*PHONE_PAGES, a_project.get_absolute_url()]:
        page.goto(path)
        expect(page.locator(".navbar-toggler")).to_be_visible()
        expect(page.locator("#main-nav")).to_be_hidden()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll("body *")]
                     .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                     .slice(0, 5).map(el => el.outerHTML.slice(0, 120))"""
            )
            overflowing[path] = (widths, culprits)
    assert overflowing == {}

    projects = {"tr": "Projeler", "en": "Projects"}[language]
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("#main-nav").get_by_role("link", name=projects)).to_be_visible()
    page.locator("#main-nav").get_by_role("link", name=projects).click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
