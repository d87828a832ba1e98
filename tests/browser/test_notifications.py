"""The notification centre in a browser: the bell leads to it, a notification's link leads to its
record, marking it read takes it off the count; axe finds nothing on it or on the preferences page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from notifications.models import Notification
from tests.browser.test_accessibility import AXE_OPTIONS, describe


def test_the_bell_leads_to_a_notification_its_record_and_back_to_mark_it_read(demo, open_page):
    user = demo.user("izmir.staff")
    unread = Notification.objects.for_user(user).unread()
    before = unread.count()
    assert before > 0, "the demo gives İzmir Teknoloji's staff member notifications"
    newest = unread.first()

    page = open_page(user)
    page.goto("/")
    bell = page.get_by_role("link", name=re.compile("Bildirimler"))
    expect(bell).to_contain_text(str(before))
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))

    item = page.locator("li.list-group-item").filter(has=page.get_by_role("link", name=newest.title_tr))
    item.get_by_role("link", name=newest.title_tr).click()
    expect(page).to_have_url(re.compile(re.escape(newest.url.split("#")[0])))

    page.go_back()
    item.get_by_role("button", name=re.compile("Okundu")).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(item.get_by_role("button", name=re.compile("Okundu"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Bildirimler"))).to_contain_text(str(before - 1))
    newest.refresh_from_db()
    assert newest.read_at is not None


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_notification_pages_have_no_wcag_21_aa_violations(demo, open_page, language):
    axe = Axe()
    report = []
    page = open_page("manager", language=language)
    for name, path in {"notifications": "/notifications/", "preferences": "/notifications/preferences/"}.items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        report += describe(name, axe.run(page, options=AXE_OPTIONS).response["violations"])
    assert report == [], "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(report)
