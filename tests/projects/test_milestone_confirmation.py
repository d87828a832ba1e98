"""The second key on joint milestones: one side completes, the other confirms or disputes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.access import can_confirm, with_confirm_flag
from notifications.models import Notification
from projects.choices import ConfirmationState
from projects.models import Milestone
from projects.notify import milestone_confirmation_notify
from projects.services import milestone_complete, milestone_confirm, milestone_dispute
from tests.factories import MembershipFactory, MilestoneFactory, ProjectFactory, ProjectPartnerFactory, UserFactory

TODAY = timezone.localdate


@pytest.fixture
def joint(izmir_teknoloji, isbak):
    """A project İzmir Teknoloji leads with İSBAK as partner, and one open milestone."""
    project = ProjectFactory(lead_organization=izmir_teknoloji, code="KPR-2026-01")
    ProjectPartnerFactory(project=project, organization=isbak)
    return MilestoneFactory(project=project, title="Pilot kavşak")


@pytest.fixture
def completed(joint, izmir_staff):
    """The joint milestone, completed yesterday by İzmir Teknoloji's staff."""
    return milestone_complete(milestone=joint, completed_on=timezone.localdate() - timedelta(days=1), by=izmir_staff)


def _answer(client, milestone, action, comment=None):
    data = {} if comment is None else {f"milestone-{milestone.pk}-comment": comment}
    return client.post(reverse(f"projects:milestone_{action}", args=[milestone.pk]), data)


@pytest.mark.django_db
def test_completing_a_joint_milestone_asks_the_other_side(completed, izmir_teknoloji):
    assert completed.confirmation_state == ConfirmationState.AWAITING
    assert completed.completed_by_organization == izmir_teknoloji
    assert [organization.short_name for organization in completed.awaiting_from] == ["İSBAK"]
    assert list(Milestone.objects.awaiting_confirmation()) == [completed]
    assert list(Milestone.objects.delivered()) == []


@pytest.mark.django_db
def test_a_project_of_one_organization_needs_no_second_key(izmir_teknoloji, izmir_staff):
    milestone = MilestoneFactory(project=ProjectFactory(lead_organization=izmir_teknoloji))
    milestone_complete(milestone=milestone, completed_on=timezone.localdate(), by=izmir_staff)
    assert milestone.confirmation_state == ""
    assert list(Milestone.objects.delivered()) == [milestone]


@pytest.mark.django_db
def test_who_may_confirm(completed, izmir_staff, isbak_staff, manager, administrator, outsider, isbak):
    isbak_manager = UserFactory(username="isbak.manager")
    MembershipFactory(user=isbak_manager, organization=isbak)
    assert can_confirm(isbak_staff, completed)
    assert can_confirm(isbak_manager, completed)
    # Nobody of the completing organization, not even its manager; nobody of no organization.
    for user in (izmir_staff, manager, administrator, outsider):
        assert not can_confirm(user, completed), user


@pytest.mark.django_db
def test_an_unsaved_milestone_is_nobodys_to_confirm(joint, isbak_staff):
    assert not can_confirm(isbak_staff, Milestone(project=joint.project, title="Henüz kaydedilmedi"))


@pytest.mark.django_db
def test_the_confirm_flag_read_with_the_milestones_answers_without_a_query(
    completed, isbak_staff, izmir_staff, django_assert_num_queries
):
    for user, expected in ((isbak_staff, True), (izmir_staff, False)):
        flagged = with_confirm_flag(Milestone.objects.filter(pk=completed.pk), user).get()
        with django_assert_num_queries(0):
            assert can_confirm(user, flagged) is expected


@pytest.mark.django_db
def test_other_side_staff_confirm_with_a_comment(client, completed, isbak_staff, isbak):
    client.force_login(isbak_staff)
    response = _answer(client, completed, "confirm", "Sahada gördük.")
    assert response.status_code == 302
    assert response["Location"] == completed.get_absolute_url()
    completed.refresh_from_db()
    assert completed.confirmation_state == ConfirmationState.CONFIRMED
    assert (completed.confirmed_by, completed.confirmed_by_organization) == (isbak_staff, isbak)
    assert completed.confirmation_comment == "Sahada gördük."
    assert completed.confirmed_at is not None
    assert list(Milestone.objects.delivered()) == [completed]
    # In the history, as every write of the row.
    assert completed.history.first().confirmation_state == ConfirmationState.CONFIRMED


@pytest.mark.django_db
def test_the_completing_side_may_not_confirm(client, completed, izmir_staff, manager):
    for user in (izmir_staff, manager):
        client.force_login(user)
        assert _answer(client, completed, "confirm").status_code == 403
        assert _answer(client, completed, "dispute", "Hayır").status_code == 403
    assert Milestone.objects.get(pk=completed.pk).confirmation_state == ConfirmationState.AWAITING


@pytest.mark.django_db
def test_self_confirmation_is_refused_by_the_database(completed, izmir_teknoloji):
    rows = Milestone.objects.filter(pk=completed.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(
            confirmation_state=ConfirmationState.CONFIRMED,
            confirmed_by_organization=izmir_teknoloji,
            confirmed_at=timezone.now(),
        )


@pytest.mark.django_db
def test_a_confirmation_names_the_confirming_organization_in_the_database(completed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=completed.pk).update(confirmation_state=ConfirmationState.CONFIRMED)


@pytest.mark.django_db
def test_a_dispute_reopens_the_milestone_and_a_later_completion_is_confirmed(completed, izmir_staff, isbak_staff):
    milestone_dispute(milestone=completed, user=isbak_staff, comment="Rapor eksik.")
    completed.refresh_from_db()
    assert completed.completed_on is None
    assert completed.confirmation_state == ConfirmationState.DISPUTED
    assert completed.confirmation_comment == "Rapor eksik."
    # The completing side hears of it.
    assert Notification.objects.filter(recipient=izmir_staff, key__contains="milestone_dispute").exists()

    milestone_complete(milestone=completed, completed_on=timezone.localdate(), by=izmir_staff)
    assert completed.confirmation_state == ConfirmationState.AWAITING
    milestone_confirm(milestone=completed, user=isbak_staff)
    completed.refresh_from_db()
    assert completed.confirmation_state == ConfirmationState.CONFIRMED
    states = list(completed.history.order_by("history_id").values_list("confirmation_state", flat=True))
    assert states == ["", "awaiting", "disputed", "awaiting", "confirmed"]


@pytest.mark.django_db
def test_a_dispute_needs_a_comment_and_saves_nothing_without(client_in_english, completed, isbak_staff):
    client_in_english.force_login(isbak_staff)
    response = _answer(client_in_english, completed, "dispute", "  ")
    assert response.status_code == 302
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "was not disputed" in message
    completed.refresh_from_db()
    assert (completed.confirmation_state, completed.version) == (ConfirmationState.AWAITING, 2)


@pytest.mark.django_db
def test_an_answered_milestone_is_not_answered_again(client, completed, isbak_staff):
    milestone_confirm(milestone=completed, user=isbak_staff)
    client.force_login(isbak_staff)
    assert _answer(client, completed, "dispute", "Geç kaldı").status_code == 403
    assert Milestone.objects.get(pk=completed.pk).confirmation_state == ConfirmationState.CONFIRMED


@pytest.mark.django_db
def test_the_other_side_is_notified_once_per_completion(isbak_staff, izmir_staff, joint):
    milestone_complete(milestone=joint, completed_on=timezone.localdate(), by=izmir_staff)
    asked = Notification.objects.filter(key__contains="milestone_confirm")
    assert list(asked.values_list("recipient", flat=True)) == [isbak_staff.pk]
    assert "awaiting your confirmation" in asked.get().title_en
    assert milestone_confirmation_notify(milestone=joint) == 0  # told already


@pytest.mark.django_db
def test_the_project_page_shows_the_wait_and_the_buttons_to_the_other_side(
    client_in_english, completed, izmir_staff, isbak_staff
):
    confirm_url = reverse("projects:milestone_confirm", args=[completed.pk])
    client_in_english.force_login(izmir_staff)
    page = client_in_english.get(completed.project.get_absolute_url()).text
    assert "awaiting confirmation by İSBAK" in page
    assert confirm_url not in page
    client_in_english.force_login(isbak_staff)
    page = client_in_english.get(completed.project.get_absolute_url()).text
    assert "awaiting confirmation by İSBAK" in page
    assert confirm_url in page
    assert f'name="milestone-{completed.pk}-comment"' in page


@pytest.mark.django_db
def test_both_sides_read_the_dispute_on_the_project_page(client_in_english, completed, izmir_staff, isbak_staff):
    milestone_dispute(milestone=completed, user=isbak_staff, comment="Rapor eksik.")
    client_in_english.force_login(izmir_staff)
    page = client_in_english.get(completed.project.get_absolute_url()).text
    assert "disputed by İSBAK" in page
    assert "Rapor eksik." in page
    assert reverse("projects:milestone_complete", args=[completed.pk]) in page  # open again


@pytest.mark.django_db
def test_a_completion_in_the_project_form_asks_the_other_side_too(client, joint, izmir_staff):
    project = joint.project
    client.force_login(izmir_staff)
    data = {
        "code": project.code,
        "title": project.title,
        "lead_organization": project.lead_organization_id,
        "status": project.status,
        "version": project.version,
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "1",
        "partners-0-id": project.partners.get().pk,
        "partners-0-organization": project.partners.get().organization_id,
        "partners-0-role": "partner",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-0-id": joint.pk,
        "milestones-0-title": joint.title,
        "milestones-0-due_on": joint.due_on.isoformat(),
        "milestones-0-completed_on": timezone.localdate().isoformat(),
        "milestones-0-version": joint.version,
    }
    response = client.post(reverse("projects:project_update", args=[project.pk]), data)
    assert response.status_code == 302, response.context and response.context["formsets"][1].errors
    joint.refresh_from_db()
    assert joint.confirmation_state == ConfirmationState.AWAITING
    assert joint.history.count() == 2  # one write, one history record


@pytest.mark.django_db
def test_the_home_page_of_the_other_side_lists_what_awaits_its_confirmation(
    client_in_english, completed, isbak_staff, izmir_staff, django_assert_num_queries
):
    overdue = MilestoneFactory(project=completed.project, due_on=timezone.localdate() - timedelta(days=2))
    client_in_english.force_login(isbak_staff)
    with django_assert_num_queries(7):  # the two lists of milestones, one query each
        response = client_in_english.get(reverse("dashboard:home"))
    assert list(response.context["awaiting_confirmation"]) == [completed]
    assert list(response.context["overdue_milestones"]) == [overdue]
    assert "awaiting confirmation by İSBAK" in response.text
    client_in_english.force_login(izmir_staff)
    response = client_in_english.get(reverse("dashboard:home"))
    assert list(response.context["awaiting_confirmation"]) == []
    assert list(response.context["overdue_milestones"]) == [overdue]


# --- completions made elsewhere than on the pages ask for the second key too ----------------


@pytest.mark.django_db
def test_a_completion_imported_from_a_spreadsheet_asks_the_other_side(client, joint, izmir_staff, isbak_staff):
    from tests.core.test_imports import confirm, preview
    from tests.projects.test_imports import milestone_csv

    client.force_login(izmir_staff)
    row = [joint.pk, joint.project.code, joint.title, joint.due_on, TODAY(), ""]
    response = preview(client, reverse("projects:milestone_import"), milestone_csv(row))
    joint.refresh_from_db()
    assert joint.confirmation_state == ""  # the preview writes nothing
    confirm(client, reverse("projects:milestone_import"), response)
    joint.refresh_from_db()
    assert joint.completed_on == TODAY()
    assert joint.confirmation_state == ConfirmationState.AWAITING
    assert joint.completed_by_organization == joint.project.lead_organization
    assert Notification.objects.filter(recipient=isbak_staff, url=joint.get_absolute_url()).count() == 1


@pytest.mark.django_db
def test_a_new_milestone_imported_as_completed_awaits_the_other_side(client, joint, isbak_staff, isbak):
    from tests.core.test_imports import confirm, preview
    from tests.projects.test_imports import milestone_csv

    client.force_login(isbak_staff)  # İSBAK takes part as the partner: it completes, İzmir confirms
    row = ["", joint.project.code, "Saha testi", TODAY(), TODAY(), ""]
    confirm(
        client,
        reverse("projects:milestone_import"),
        preview(client, reverse("projects:milestone_import"), milestone_csv(row)),
    )
    imported = Milestone.objects.get(title="Saha testi")
    assert imported.confirmation_state == ConfirmationState.AWAITING
    assert imported.completed_by_organization == isbak


@pytest.mark.django_db
def test_a_completion_in_the_admin_asks_the_other_side(client, joint, administrator, isbak_staff):
    from tests.test_conflicts import changed, edit_form

    client.force_login(administrator)
    url = reverse("admin:projects_milestone_change", args=[joint.pk])
    response = client.post(url, changed(edit_form(client.get(url)), completed_on=TODAY().isoformat()))
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.confirmation_state == ConfirmationState.AWAITING
    # The administrator belongs to no organization of the project: the lead completes it.
    assert joint.completed_by_organization == joint.project.lead_organization
    assert Notification.objects.filter(recipient=isbak_staff, url=joint.get_absolute_url()).count() == 1
    # Editing something else asks nobody again.
    response = client.post(url, changed(edit_form(client.get(url)), deliverable="Rapor"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=isbak_staff, url=joint.get_absolute_url()).count() == 1


@pytest.mark.django_db
def test_a_completion_in_the_admins_project_page_asks_the_other_side(client, joint, administrator, isbak_staff):
    from tests.test_conflicts import changed, edit_form

    client.force_login(administrator)
    url = reverse("admin:projects_project_change", args=[joint.project_id])
    form = edit_form(client.get(url))
    response = client.post(url, changed(form, **{"milestones-0-completed_on": TODAY().isoformat()}))
    assert response.status_code == 302, response.context and response.context["errors"]
    joint.refresh_from_db()
    assert joint.confirmation_state == ConfirmationState.AWAITING
    assert Notification.objects.filter(recipient=isbak_staff, url=joint.get_absolute_url()).count() == 1
