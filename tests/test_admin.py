"""Administrators can open every admin list and add page, in Turkish; their progress-update edits keep projects true."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from core.apps import kopru_apps
from projects.services import progress_update_record
from tests.factories import MilestoneFactory, ProgressUpdateFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db

# Köprü's own models and users; third-party admins (django-axes' read-only logs) are theirs to test.
OWN_APPS = {config.label for config in kopru_apps()} | {"auth"}
MODEL_ADMINS = sorted(
    ((model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OWN_APPS),
    key=lambda item: item[0]._meta.label,
)
IDS = [model._meta.label for model, _ in MODEL_ADMINS]


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_changelist_answers_200(client, administrator, model, model_admin):
    ProjectPartnerFactory()
    MilestoneFactory()
    ProgressUpdateFactory()
    client.force_login(administrator)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


# Some records never come in through the admin, and their admin says so (`has_add_permission`
# returns False: attachments come through the checked upload, tokens and deliveries are made by
# Köprü); each has its own test that the add page is refused.
NOT_ADDABLE = {"core.Attachment", "api.ApiToken", "webhooks.WebhookDelivery"}
ADDABLE = [(model, model_admin) for model, model_admin in MODEL_ADMINS if model._meta.label not in NOT_ADDABLE]


@pytest.mark.parametrize(("model", "model_admin"), ADDABLE, ids=[model._meta.label for model, _ in ADDABLE])
def test_add_page_answers_200(client, administrator, model, model_admin):
    client.force_login(administrator)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert response.status_code == 200


def test_project_change_page_shows_inlines_and_history(client, administrator):
    partner = ProjectPartnerFactory()
    client.force_login(administrator)
    response = client.get(reverse("admin:projects_project_change", args=[partner.project.pk]))
    assert response.status_code == 200
    assert "partners-TOTAL_FORMS" in response.text
    assert "milestones-TOTAL_FORMS" in response.text
    assert "updates-TOTAL_FORMS" in response.text
    history = client.get(reverse("admin:projects_project_history", args=[partner.project.pk]))
    assert history.status_code == 200


def test_the_admin_speaks_turkish(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Site yönetimi" in response.text


def test_staff_cannot_open_the_admin(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_attachments_cannot_be_added_through_the_admin(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:core_attachment_add")).status_code == 403


@pytest.mark.parametrize("label", sorted(NOT_ADDABLE))
def test_records_made_by_kopru_itself_cannot_be_added_through_the_admin(client, administrator, label):
    client.force_login(administrator)
    app_label, model_name = label.lower().split(".")
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403


def update_form(update, **changes):
    """The admin change form's data for `update`, with `changes`."""
    data = {
        "project": update.project_id,
        "reported_on": update.reported_on.isoformat(),
        "percent_complete": update.percent_complete,
        "health": update.health,
        "done": update.done,
        "next_steps": "",
        "blockers": "",
        "author": "",
    }
    return {**data, **changes}


def project_figures(project):
    project.refresh_from_db()
    flagged = sorted(project.updates.filter(latest_in_month=True).values_list("pk", flat=True))
    return project.percent_complete, project.health, project.last_update_on, flagged


def test_admin_edits_of_progress_updates_refresh_the_projects_they_touch(client, administrator):
    project, other = ProjectFactory(), ProjectFactory()
    fields = {"health": "on_track", "done": "x"}
    march = progress_update_record(
        project=project, author=None, reported_on=date(2026, 3, 2), percent_complete=10, **fields
    )
    later = progress_update_record(
        project=project, author=None, reported_on=date(2026, 3, 20), percent_complete=30, **fields
    )
    client.force_login(administrator)
    change = reverse("admin:projects_progressupdate_change", args=[later.pk])

    # A changed date and percent: the project follows, and the March flag goes back to the other update.
    response = client.post(change, update_form(later, reported_on="2026-04-05", percent_complete=45, health="at_risk"))
    assert response.status_code == 302
    assert project_figures(project) == (45, "at_risk", date(2026, 4, 5), sorted([march.pk, later.pk]))

    # Moved to another project: both projects are refreshed.
    later.refresh_from_db()
    response = client.post(change, update_form(later, project=other.pk))
    assert response.status_code == 302
    assert project_figures(project) == (10, "on_track", date(2026, 3, 2), [march.pk])
    assert project_figures(other)[2:] == (date(2026, 4, 5), [later.pk])

    # Deleted one by one, or with the list's bulk action.
    response = client.post(reverse("admin:projects_progressupdate_delete", args=[march.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert project_figures(project)[2:] == (None, [])
    response = client.post(
        reverse("admin:projects_progressupdate_changelist"),
        {"action": "delete_selected", "_selected_action": [later.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert project_figures(other)[2:] == (None, [])


def test_progress_updates_added_in_the_project_inline_refresh_the_project(client, administrator):
    project = ProjectFactory()
    client.force_login(administrator)
    change = reverse("admin:projects_project_change", args=[project.pk])
    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data = {
        **{name: (value.pk if hasattr(value, "pk") else value) for name, value in data.items()},
        "articles": [article.pk for article in project.articles.all()],
        "products": [],
        "partners-TOTAL_FORMS": 0,
        "partners-INITIAL_FORMS": 0,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 1,
        "updates-INITIAL_FORMS": 0,
        "updates-0-reported_on": "2026-05-04",
        "updates-0-percent_complete": 70,
        "updates-0-health": "off_track",
        "updates-0-done": "Saha kurulumu",
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    update = project.updates.get()
    assert project_figures(project) == (70, "off_track", date(2026, 5, 4), [update.pk])


def test_reverting_a_moved_update_from_its_history_refreshes_the_project_it_leaves(client, administrator):
    project, other = ProjectFactory(), ProjectFactory()
    update = progress_update_record(
        project=project, author=None, reported_on=date(2026, 3, 2), percent_complete=10, health="on_track", done="x"
    )
    first_version = update.history.earliest()
    client.force_login(administrator)
    moved = client.post(
        reverse("admin:projects_progressupdate_change", args=[update.pk]), update_form(update, project=other.pk)
    )
    assert moved.status_code == 302
    assert project_figures(other)[2:] == (date(2026, 3, 2), [update.pk])

    # The revert form is built on the old version, which names the first project.
    revert = reverse("admin:projects_progressupdate_simple_history", args=[update.pk, first_version.history_id])
    response = client.post(revert, update_form(update, project=project.pk))
    assert response.status_code == 302
    assert project_figures(project)[2:] == (date(2026, 3, 2), [update.pk])
    assert project_figures(other)[2:] == (None, [])
