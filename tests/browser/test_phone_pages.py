"""Every main page fits a 390 px phone: nothing makes the page itself scroll sideways.

A wide table may scroll inside its own `.table-responsive` box; the page may not. The project
list keeps its essential columns on a phone and folds its filters away behind a button.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Event
from projects.models import Project
from tests.browser.conftest import PHONE
from transfers.models import KnowHowTransfer

# What sticks out past the right edge, for the failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const culprits = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-responsive"))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 160));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits};
}"""


def main_paths() -> list[str]:
    project = Project.objects.filter(milestones__isnull=False).order_by("code").first()
    event = Event.objects.order_by("starts_at").first()
    transfer = KnowHowTransfer.objects.order_by("started_on").first()
    return [
        reverse("dashboard:home"),
        reverse("partnership:protocol_detail"),
        reverse("projects:project_list"),
        project.get_absolute_url(),
        reverse("projects:project_create"),
        reverse("projects:project_update", args=[project.pk]),
        reverse("projects:progressupdate_create", args=[project.pk]),
        reverse("projects:milestone_list"),
        reverse("projects:project_import"),
        reverse("events:event_list"),
        event.get_absolute_url(),
        reverse("events:event_create"),
        reverse("events:event_update", args=[event.pk]),
        reverse("events:calendar_subscription"),
        reverse("events:event_import"),
        reverse("transfers:knowhowtransfer_list"),
        transfer.get_absolute_url(),
        reverse("transfers:knowhowtransfer_create"),
        reverse("transfers:knowhowtransfer_update", args=[transfer.pk]),
        reverse("dashboard:dashboard"),
        reverse("dashboard:report"),
        reverse("password_change"),
        "/projects/999999/",  # 404
    ]


@pytest.mark.parametrize("language", ["tr", "en"])
def test_no_main_page_scrolls_sideways_on_a_phone(demo, open_page, console, language):
    console.allow(r"404 \(Not Found\)")
    page = open_page("manager", language=language, viewport=PHONE)
    overflowing = {}
    for path in main_paths():
        page.goto(path)
        page.wait_for_load_state("networkidle")  # the project page loads its related part afterwards
        if (found := page.evaluate(OVERFLOW)) is not None:
            overflowing[path] = found
    assert overflowing == {}


def test_the_sign_in_and_403_pages_fit_a_phone_too(demo, open_page, console):
    console.allow(r"403 \(Forbidden\)")
    visitor = open_page(viewport=PHONE)
    visitor.goto(reverse("login"))
    assert visitor.evaluate(OVERFLOW) is None
    staff = open_page("izmir.staff", viewport=PHONE)
    staff.goto(reverse("dashboard:dashboard"))
    assert staff.evaluate(OVERFLOW) is None


def test_the_project_list_on_a_phone_shows_project_status_health_and_progress_without_scrolling(demo, open_page):
    page = open_page("manager", language="en", viewport=PHONE)
    page.goto(reverse("projects:project_list"))

    headers = [text.strip() for text in page.locator("table thead th:visible").all_inner_texts()]
    assert headers == ["Title", "Status", "Health", "Progress"]
    table = page.locator(".table-responsive").first
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert page.evaluate(OVERFLOW) is None

    # The filters wait behind a button, and open and close with it.
    search = page.get_by_role("searchbox").or_(page.locator("#id_q"))
    expect(search).to_be_hidden()
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(search).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_the_project_list_on_a_desktop_shows_every_column_and_the_filters(demo, open_page):
    page = open_page("manager", language="en")
    page.goto(reverse("projects:project_list"))

    assert len(page.locator("table thead th:visible").all()) == 8
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.get_by_role("button", name="Filters")).to_be_hidden()


def test_a_filtered_list_on_a_phone_shows_its_filters_open(demo, open_page):
    page = open_page("manager", language="en", viewport=PHONE)
    page.goto(reverse("projects:project_list") + "?status=active")

    expect(page.locator("#id_q")).to_be_visible()
