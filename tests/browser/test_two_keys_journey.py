"""Issue 19's journey in a real Chromium, in Turkish: İzmir staff complete a joint milestone, İSBAK staff
confirm it from their home page, and the manager reads a closed quarter compared with the one before."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dashboard.queries import Period
from partnership.models import Organization
from projects.choices import ConfirmationState, PartnerRole, ProjectStatus
from projects.models import Milestone, Project, ProjectPartner


@pytest.fixture
def joint_milestone(demo):
    today = timezone.localdate()
    izmir, isbak = Organization.objects.get(short_name="İzmir Teknoloji"), Organization.objects.get(short_name="İSBAK")
    project = Project.objects.create(
        code="KPR-TR-19",
        title="Tarayıcı testi: ortak kavşak pilotu",
        lead_organization=izmir,
        status=ProjectStatus.ACTIVE,
        actual_start=today - timedelta(days=60),
    )
    ProjectPartner.objects.create(project=project, organization=isbak, role=PartnerRole.PARTNER)
    return Milestone.objects.create(project=project, title="Ortak saha testi", due_on=today + timedelta(days=5))


def test_a_joint_milestone_is_completed_confirmed_and_a_closed_quarter_compared(joint_milestone, open_page, tmp_path):
    page = open_page("izmir.staff")
    page.goto(joint_milestone.project.get_absolute_url())
    page.locator(f'button[formaction="{reverse("projects:milestone_complete", args=[joint_milestone.pk])}"]').click()
    row = page.locator(f"#milestone-{joint_milestone.pk}")
    expect(row).to_contain_text("İSBAK onayı bekleniyor")
    page.screenshot(path=tmp_path / "tamamlandi.png", full_page=True)

    page = open_page("isbak.staff")
    page.goto("/")
    box = page.locator("section[aria-labelledby=awaiting-heading]")
    expect(box).to_contain_text("Ortak saha testi")
    page.screenshot(path=tmp_path / "ana-sayfa.png", full_page=True)
    box.get_by_role("link", name="Ortak saha testi").click()
    page.locator(f"#id_milestone-{joint_milestone.pk}-comment").fill("Sahada gördük.")
    page.locator(f'button[formaction="{reverse("projects:milestone_confirm", args=[joint_milestone.pk])}"]').click()
    expect(page.locator(f"#milestone-{joint_milestone.pk}")).to_contain_text("İSBAK onayladı")
    joint_milestone.refresh_from_db()
    assert joint_milestone.confirmation_state == ConfirmationState.CONFIRMED

    closed = Period.quarter_of(timezone.localdate()).previous()  # the demo closed it, and the one before
    page = open_page("manager")
    page.goto(f"{reverse('dashboard:report')}?year={closed.year}&quarter={closed.quarter}")
    expect(page.locator("#baseline-notice")).to_contain_text("kapatıldı")
    expect(page.locator("#report-comparison")).to_be_visible()
    page.screenshot(path=tmp_path / "kapali-ceyrek.png", full_page=True)
    page.get_by_role("link", name="Bugünkü hâlini göster").click()
    expect(page.locator("#baseline-notice")).to_contain_text("bugünkü hâlidir")
