"""Issue 21: the project form's partner and milestone rows are added and removed in place."""

from playwright.sync_api import expect

from projects.models import Project


def test_rows_are_added_and_removed_without_saving_first(demo, open_page):
    page = open_page("izmir.staff", language="en")
    page.goto("/projects/new/")
    page.fill("[name=code]", "KPR-ROWS-1")
    page.fill("[name=title]", "Rows added in place")
    milestones = page.locator("[data-formset-body=milestones] [data-formset-row]")
    expect(milestones).to_have_count(2)
    expect(page.locator("[name=milestones-0-DELETE]")).to_have_count(0)  # nothing saved yet to delete

    add = page.get_by_role("button", name="Add a row").nth(1)  # partners come first, then milestones
    add.click()
    add.click()

    expect(milestones).to_have_count(4)
    expect(page.locator("#id_milestones-TOTAL_FORMS")).to_have_value("4")
    expect(page.locator("[name=milestones-3-title]")).to_be_focused()
    expect(page.locator("[name=milestones-3-title]")).to_have_attribute("aria-label", "Title (4)")
    for index in range(4):
        page.fill(f"[name=milestones-{index}-title]", f"Step {index + 1}")
        page.fill(f"[name=milestones-{index}-due_on]", f"2027-0{index + 1}-15")
    page.locator("#milestones-2-remove").click()  # changed my mind about step 3
    expect(milestones).to_have_count(3)
    expect(add).to_be_focused()

    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rows added in place")
    project = Project.objects.get(code="KPR-ROWS-1")
    assert list(project.milestones.values_list("title", flat=True)) == ["Step 1", "Step 2", "Step 4"]


def test_a_saved_row_keeps_its_delete_box_and_new_rows_come_after_it(demo, open_page):
    project = Project.objects.filter(milestones__isnull=False).order_by("code").first()
    saved = project.milestones.count()
    page = open_page("manager", language="en")
    page.goto(f"/projects/{project.pk}/edit/")

    expect(page.locator("[name=milestones-0-DELETE]")).to_have_count(1)
    page.get_by_role("button", name="Add a row").nth(1).click()
    new = saved + 2  # the two blank rows the page starts with, then the one added
    page.fill(f"[name=milestones-{new}-title]", "Added on the edit page")
    page.fill(f"[name=milestones-{new}-due_on]", "2027-06-30")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    assert project.milestones.filter(title="Added on the edit page").exists()
    assert project.milestones.count() == saved + 1
