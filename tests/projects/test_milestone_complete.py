"""Completing a milestone from the project's page in one click, without the project's form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Milestone
from projects.services import milestone_complete
from tests.factories import MilestoneFactory, ProjectFactory


@pytest.fixture
def milestone(izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    return MilestoneFactory(project=project, title="Pilot", deliverable="Rapor")


def _complete(client, milestone, completed_on):
    url = reverse("projects:milestone_complete", args=[milestone.pk])
    data = {} if completed_on is None else {f"milestone-{milestone.pk}-completed_on": completed_on}
    return client.post(url, data)


@pytest.mark.django_db
def test_the_project_page_offers_one_click_completion_dated_today(client, izmir_staff, milestone):
    client.force_login(izmir_staff)
    page = client.get(milestone.project.get_absolute_url()).text
    assert reverse("projects:milestone_complete", args=[milestone.pk]) in page
    assert f'name="milestone-{milestone.pk}-completed_on"' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert 'id="milestone-complete"' in page  # the form with the CSRF token, outside the kept part


@pytest.mark.django_db
def test_staff_of_a_taking_part_organization_complete_a_milestone(client, izmir_staff, milestone):
    client.force_login(izmir_staff)
    response = _complete(client, milestone, timezone.localdate().isoformat())
    assert response.status_code == 302
    assert response["Location"] == milestone.get_absolute_url()
    milestone.refresh_from_db()
    assert (milestone.completed_on, milestone.title, milestone.deliverable) == (timezone.localdate(), "Pilot", "Rapor")
    assert milestone.version == 2
    assert milestone.history.count() == 2


@pytest.mark.django_db
def test_the_completion_date_can_be_changed_before_the_click(client, manager, milestone):
    client.force_login(manager)
    yesterday = timezone.localdate() - timedelta(days=1)
    assert _complete(client, milestone, yesterday.isoformat()).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).completed_on == yesterday


@pytest.mark.django_db
def test_readers_see_no_button_and_may_not_complete(client, isbak_staff, milestone):
    client.force_login(isbak_staff)
    page = client.get(milestone.project.get_absolute_url()).text
    assert reverse("projects:milestone_complete", args=[milestone.pk]) not in page
    assert 'id="milestone-complete"' not in page
    assert _complete(client, milestone, timezone.localdate().isoformat()).status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None


@pytest.mark.django_db
def test_outsiders_and_anonymous_visitors_may_not_complete(client, outsider, milestone):
    assert _complete(client, milestone, timezone.localdate().isoformat()).status_code == 302  # to sign-in
    client.force_login(outsider)
    assert _complete(client, milestone, timezone.localdate().isoformat()).status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "completed_on", [None, "", "31.02.2026", "0001-01-01"], ids=["missing", "empty", "bad", "early"]
)
def test_bad_input_saves_nothing_and_says_why(client_in_english, izmir_staff, milestone, completed_on):
    client_in_english.force_login(izmir_staff)
    response = _complete(client_in_english, milestone, completed_on)
    assert response.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None
    assert Milestone.objects.get(pk=milestone.pk).version == 1
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "was not marked completed" in message


@pytest.mark.django_db
def test_a_completed_milestone_is_not_completed_again(client, izmir_staff, milestone):
    earlier = timezone.localdate() - timedelta(days=3)
    milestone_complete(milestone=milestone, completed_on=earlier)
    client.force_login(izmir_staff)
    assert _complete(client, milestone, timezone.localdate().isoformat()).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).completed_on == earlier


@pytest.mark.django_db
def test_an_unknown_milestone_is_not_found(client, izmir_staff):
    client.force_login(izmir_staff)
    assert client.post(reverse("projects:milestone_complete", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_a_project_form_opened_before_the_completion_does_not_undo_it(client, izmir_staff, milestone):
    client.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[milestone.project.pk])
    form = client.get(url).context["formsets"][1].forms[0]
    assert form.instance == milestone
    milestone_complete(milestone=milestone, completed_on=timezone.localdate())
    project = milestone.project
    data = {
        "code": project.code,
        "title": project.title,
        "lead_organization": project.lead_organization_id,
        "status": project.status,
        "version": project.version,
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-0-id": milestone.pk,
        "milestones-0-title": "Pilot uygulama",
        "milestones-0-due_on": milestone.due_on.isoformat(),
        "milestones-0-deliverable": "Rapor",
        "milestones-0-version": 1,
    }
    merged = client.post(url, data)
    assert merged.status_code == 200  # refused, and merged: the completion date is now in the form
    assert merged.context["formsets"][1].forms[0].data["milestones-0-completed_on"] == timezone.localdate().isoformat()
