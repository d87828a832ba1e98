"""axe-core on the main pages, in Turkish and in English: no WCAG 2.1 A or AA violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from projects.models import Project

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}

SIGNED_IN_PAGES = {
    "home": "/",
    "project list": "/projects/",
    "project detail": None,  # a demo project with partners, milestones and updates; see below
    "project form": "/projects/new/",
    "dashboard": "/dashboard/",
    "protocol": "/protocol/",
    "events list": "/events/",
    "transfers list": "/transfers/",
}


def describe(page_name, violations):
    lines = []
    for violation in violations:
        lines.append(f"{page_name}: {violation['id']} ({violation['impact']}) — {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return lines


@pytest.mark.parametrize("language", ["tr", "en"])
def test_main_pages_have_no_wcag_21_aa_violations(demo, open_page, language):
    axe = Axe()
    report = []

    page = open_page(language=language)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    report += describe("sign-in", axe.run(page, options=AXE_OPTIONS).response["violations"])

    page = open_page("manager", language=language)
    detail = Project.objects.filter(updates__isnull=False, milestones__isnull=False).order_by("code").first()
    for name, path in SIGNED_IN_PAGES.items():
        page.goto(path or detail.get_absolute_url())
        expect(page.locator("html")).to_have_attribute("lang", language)
        if name == "dashboard":
            page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length > 0")
        if name == "project detail":  # the related records, documents and history load after the page
            expect(page.locator("#history")).to_be_visible()
        report += describe(name, axe.run(page, options=AXE_OPTIONS).response["violations"])

    assert report == [], "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(report)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_public_page_has_no_wcag_21_aa_violations_on_a_desktop_and_a_phone(demo, open_page, language):
    report = []
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page = open_page(language=language, viewport=viewport)  # anonymous: no account needed
        for path in ("/public/", "/public/data/"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{path} scrolls sideways"
            )
            name = f"{path} at {viewport['width']} px"
            report += describe(name, Axe().run(page, options=AXE_OPTIONS).response["violations"])
    assert report == [], "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(report)
