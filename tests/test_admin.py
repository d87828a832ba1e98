"""Administrators can open every admin list and add page, in Turkish."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import MilestoneFactory, ProgressUpdateFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db

# Köprü's own models and users; third-party admins (django-axes' read-only logs) are theirs to test.
OWN_APPS = {"partnership", "projects", "events", "transfers", "auth"}
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


# Attachments come in only through the checked upload on each record's page.
ADDABLE = [(model, model_admin) for model, model_admin in MODEL_ADMINS if model._meta.label != "partnership.Attachment"]


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
    assert client.get(reverse("admin:partnership_attachment_add")).status_code == 403
