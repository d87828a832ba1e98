"""The project form's partner and milestone rows: as many as the person adds, in place.

static/js/formset.js copies the formset's empty form and raises TOTAL_FORMS (the browser test
is tests/browser/test_form_rows.py); here, what the server makes of such a post and what it renders.
"""

import re

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import MilestoneFactory, OrganizationFactory, ProjectFactory
from tests.projects.test_views import formset_data, project_post

pytestmark = pytest.mark.django_db


def test_rows_added_in_the_browser_are_all_saved_even_after_one_was_removed(
    client, izmir_staff, izmir_teknoloji, isbak
):
    third = OrganizationFactory(short_name="Üçüncü")
    client.force_login(izmir_staff)
    milestones = [{"title": f"Adım {n}", "due_on": f"2026-0{n}-01"} for n in range(1, 6)]
    data = project_post(
        izmir_teknoloji,
        partners=[
            {"organization": izmir_teknoloji.pk, "role": "lead"},
            {"organization": isbak.pk, "role": "partner"},
            {"organization": third.pk, "role": "partner"},
        ],
        milestones=milestones,
    )
    # The third milestone row was added, then removed again: its fields are gone, TOTAL_FORMS stays.
    for name in ("title", "due_on"):
        del data[f"milestones-2-{name}"]

    response = client.post(reverse("projects:project_create"), data)

    assert response.status_code == 302
    project = Project.objects.get(code="NEW-1")
    assert project.partners.count() == 3
    assert list(project.milestones.values_list("title", flat=True)) == ["Adım 1", "Adım 2", "Adım 4", "Adım 5"]


def test_an_edit_adds_rows_after_the_saved_ones(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    saved = MilestoneFactory(project=project, title="Var olan", due_on="2026-02-01")
    client.force_login(izmir_staff)
    data = project_post(izmir_teknoloji, code=project.code, title=project.title)
    data.update({"version": str(project.version)})
    data.update(
        formset_data(
            "milestones",
            [
                {"id": saved.pk, "title": "Var olan", "due_on": "2026-02-01", "version": saved.version},
                {"title": "Yeni 1", "due_on": "2026-03-01"},
                {"title": "Yeni 2", "due_on": "2026-04-01"},
                {"title": "Yeni 3", "due_on": "2026-05-01"},
            ],
            initial=1,
        )
    )

    response = client.post(reverse("projects:project_update", args=[project.pk]), data)

    assert response.status_code == 302
    assert list(project.milestones.values_list("title", flat=True)) == ["Var olan", "Yeni 1", "Yeni 2", "Yeni 3"]


def test_only_saved_rows_offer_delete_and_the_empty_row_waits_in_a_template(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    saved = MilestoneFactory(project=project)
    client.force_login(izmir_staff)

    html = client.get(reverse("projects:project_update", args=[project.pk])).text

    assert re.findall(r'name="milestones-(\d+|__prefix__)-DELETE"', html) == ["0"]
    assert f'name="milestones-0-id" value="{saved.pk}"' in html
    assert 'id="milestones-1-remove" data-formset-remove hidden' in html  # shown by the script
    template = html.partition('<template data-formset-empty="milestones">')[2].partition("</template>")[0]
    assert 'name="milestones-__prefix__-title"' in template
    assert 'aria-label="Başlık (__row__)"' in template
    assert 'name="milestones-__prefix__-title"' not in html.replace(template, "")  # never posted
    assert 'data-formset-add="milestones" hidden' in html
    assert "/static/js/formset.js" in html
