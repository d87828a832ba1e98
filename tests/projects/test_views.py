"""Project pages: list, detail, create/edit with formsets, and logging progress."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectPartnerFactory,
)

pytestmark = pytest.mark.django_db

READERS = ["izmir_staff", "isbak_staff", "manager", "administrator"]


@pytest.fixture
def izmir_project(izmir_teknoloji):
    """A project İzmir Teknoloji leads alone."""
    return ProjectFactory(code="IZT-1", title="Kent veri platformu", lead_organization=izmir_teknoloji)


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def project_post(lead, partners=(), milestones=(), **overrides):
    data = {
        "code": "NEW-1",
        "title": "Yeni ortak proje",
        "description": "Açıklama",
        "lead_organization": str(lead.pk),
        "status": "planned",
        "planned_start": "2026-01-10",
        "planned_end": "2026-12-31",
        **overrides,
    }
    data.update(formset_data("partners", list(partners)))
    data.update(formset_data("milestones", list(milestones)))
    return data


# --- list -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("projects:project_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsiders_cannot_read_projects(client, outsider, izmir_project):
    client.force_login(outsider)
    assert client.get(reverse("projects:project_list")).status_code == 403
    assert client.get(izmir_project.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("reader", READERS)
def test_every_member_sees_every_project_in_the_list(client, request, reader, izmir_project, isbak):
    ProjectFactory(code="ISB-1", title="Sinyal pilotu", lead_organization=isbak)
    client.force_login(request.getfixturevalue(reader))
    response = client.get(reverse("projects:project_list"))
    assert response.status_code == 200
    assert "IZT-1" in response.text
    assert "ISB-1" in response.text
    assert "2" in response.text  # the count line


def test_the_list_shows_an_add_button_to_members(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.get(reverse("projects:project_list"))
    assert reverse("projects:project_create") in response.text


def test_the_list_pages_by_25(client, manager, izmir_teknoloji):
    ProjectFactory.create_batch(30, lead_organization=izmir_teknoloji)
    client.force_login(manager)
    first = client.get(reverse("projects:project_list"))
    assert len(first.context["table"].page.object_list) == 25
    second = client.get(reverse("projects:project_list") + "?page=2")
    assert len(second.context["table"].page.object_list) == 5


def test_the_list_sorts_by_a_column(client, manager, izmir_teknoloji):
    ProjectFactory(code="B-1", lead_organization=izmir_teknoloji)
    ProjectFactory(code="A-1", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    response = client.get(reverse("projects:project_list") + "?sort=-code")
    codes = [row.record.code for row in response.context["table"].page.object_list]
    assert codes == ["B-1", "A-1"]


def _list_queries(client, django_assert_num_queries, user, count, organization):
    for index in range(count):
        project = ProjectFactory(lead_organization=organization)
        if index % 2:
            ProjectPartnerFactory(project=project)
    client.force_login(user)
    # session, user (with membership and role), organizations and articles for the
    # filter form, count, page of rows.
    with django_assert_num_queries(6):
        response = client.get(reverse("projects:project_list") + "?sort=lead_organization")
    assert response.status_code == 200


def test_the_list_runs_a_fixed_number_of_queries_at_5_rows(
    client, django_assert_num_queries, izmir_staff, izmir_teknoloji
):
    _list_queries(client, django_assert_num_queries, izmir_staff, 5, izmir_teknoloji)


def test_the_list_runs_a_fixed_number_of_queries_at_50_rows(
    client, django_assert_num_queries, izmir_staff, izmir_teknoloji
):
    _list_queries(client, django_assert_num_queries, izmir_staff, 50, izmir_teknoloji)


# --- detail ---------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_every_member_reads_a_project(client, request, reader, izmir_project):
    ProjectPartnerFactory(project=izmir_project, contribution="Saha ekibi")
    MilestoneFactory(project=izmir_project, title="Pilot kurulum")
    ProgressUpdateFactory(project=izmir_project, done="Analiz bitti")
    client.force_login(request.getfixturevalue(reader))
    response = client.get(izmir_project.get_absolute_url())
    assert response.status_code == 200
    for text in ("Kent veri platformu", "Saha ekibi", "Pilot kurulum", "Analiz bitti"):
        assert text in response.text


def test_the_detail_page_highlights_overdue_milestones(client, izmir_staff, izmir_project):
    late = MilestoneFactory(project=izmir_project, due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(izmir_staff)
    response = client.get(izmir_project.get_absolute_url())
    assert f'id="milestone-{late.pk}" class="table-overdue"' in response.text


def test_the_detail_page_shows_edit_buttons_only_to_those_who_may_edit(client, izmir_staff, isbak_staff, izmir_project):
    edit_url = reverse("projects:project_update", args=[izmir_project.pk])
    client.force_login(izmir_staff)
    assert edit_url in client.get(izmir_project.get_absolute_url()).text
    client.force_login(isbak_staff)
    assert edit_url not in client.get(izmir_project.get_absolute_url()).text


def test_the_detail_page_loads_related_records_documents_and_history_after_it_is_shown(client, manager, izmir_project):
    related_url = reverse("projects:project_related", args=[izmir_project.pk])
    client.force_login(manager)
    page = client.get(izmir_project.get_absolute_url())
    assert f'data-kopru-load="{related_url}"' in page.text
    assert f'<a href="{related_url}">' in page.text  # without JavaScript, a link

    part = client.get(related_url, headers={"X-Kopru-Fragment": "1"})
    assert "<html" not in part.text
    assert 'id="attachments"' in part.text
    assert 'id="history"' in part.text
    assert "X-Kopru-Fragment" in part["Vary"]
    whole = client.get(related_url)
    assert "<html" in whole.text
    assert 'id="history"' in whole.text


def test_the_related_part_shows_the_change_history(client, manager, izmir_project):
    client.force_login(manager)
    izmir_project.title = "Yeni başlık"
    izmir_project.save()
    response = client.get(reverse("projects:project_related", args=[izmir_project.pk]))
    assert "Kent veri platformu" in response.text  # the old value
    assert "Yeni başlık" in response.text


@pytest.mark.parametrize("reader", ["izmir_staff", "isbak_staff", "manager"])
def test_the_detail_page_runs_at_most_8_queries_and_3_when_seen_again(
    client, request, reader, izmir_project, django_assert_num_queries
):
    for _ in range(3):
        ProjectPartnerFactory(project=izmir_project)
        MilestoneFactory(project=izmir_project)
        ProgressUpdateFactory(project=izmir_project)
    client.force_login(request.getfixturevalue(reader))
    # session, user (with the data version), project (with whether the user may edit it),
    # partners, milestones, updates, articles, products.
    with django_assert_num_queries(8):
        first = client.get(izmir_project.get_absolute_url())
    with django_assert_num_queries(3):  # the rest is the cached HTML
        again = client.get(izmir_project.get_absolute_url())
    assert first.status_code == again.status_code == 200
    marker = b'<section class="card mb-4"'
    assert marker in again.content
    assert again.content.partition(marker)[2] == first.content.partition(marker)[2]


@pytest.mark.parametrize("reader", ["izmir_staff", "isbak_staff", "manager"])
def test_the_related_part_runs_8_queries(client, request, reader, izmir_project, django_assert_num_queries):
    client.force_login(request.getfixturevalue(reader))
    # session, user, project (with the edit flag), related events, related transfers,
    # documents, history, the articles and products each history record links to.
    with django_assert_num_queries(8):
        response = client.get(reverse("projects:project_related", args=[izmir_project.pk]))
    assert response.status_code == 200


def test_an_unknown_project_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/projects/999999/").status_code == 404
    assert client.get("/projects/abc/").status_code == 404
    assert client.get("/projects/999999/edit/").status_code == 404


# --- create and edit --------------------------------------------------------


def test_staff_create_a_project_with_partners_and_milestones(client, izmir_staff, izmir_teknoloji, isbak):
    client.force_login(izmir_staff)
    data = project_post(
        izmir_teknoloji,
        partners=[
            {"organization": izmir_teknoloji.pk, "role": "lead", "contribution": "Yönetim"},
            {"organization": isbak.pk, "role": "partner", "contribution": "Ürün", "effort_person_months": "3.5"},
        ],
        milestones=[
            {"title": "Analiz", "due_on": "2026-03-01"},
            {"title": "Pilot", "due_on": "2026-06-01"},
        ],
    )
    response = client.post(reverse("projects:project_create"), data)
    project = Project.objects.get(code="NEW-1")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.owner == izmir_staff
    assert set(project.partners.values_list("organization__short_name", flat=True)) == {"İzmir Teknoloji", "İSBAK"}
    assert list(project.milestones.values_list("title", flat=True)) == ["Analiz", "Pilot"]


def test_staff_cannot_create_a_project_their_organization_takes_no_part_in(client, izmir_staff, isbak):
    client.force_login(izmir_staff)
    response = client.post(reverse("projects:project_create"), project_post(isbak))
    assert response.status_code == 200
    assert "must lead the project or be one of its partners" in response.text or "ortaklarından" in response.text
    assert not Project.objects.exists()


def test_a_half_valid_formset_saves_nothing(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    data = project_post(
        izmir_teknoloji,
        milestones=[{"title": "Analiz", "due_on": "2026-03-01"}, {"title": "Tarihsiz", "due_on": ""}],
    )
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert response.context["formsets"][1].errors[1]["due_on"]
    assert not Project.objects.exists()
    assert not Milestone.objects.exists()


def test_bad_input_shows_errors_and_saves_nothing(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    data = project_post(izmir_teknoloji, code="", planned_start="2026-05-01", planned_end="2026-01-01")
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "code" in form.errors
    assert not Project.objects.exists()


def test_errors_are_in_turkish_by_default(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    response = client.post(reverse("projects:project_create"), project_post(izmir_teknoloji, code=""))
    assert "Bu alan zorunludur." in response.text


def test_a_duplicate_project_code_is_refused(client, izmir_staff, izmir_teknoloji, izmir_project):
    client.force_login(izmir_staff)
    response = client.post(reverse("projects:project_create"), project_post(izmir_teknoloji, code="IZT-1"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Project.objects.count() == 1


def test_the_same_partner_twice_is_refused(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    row = {"organization": izmir_teknoloji.pk, "role": "partner"}
    response = client.post(reverse("projects:project_create"), project_post(izmir_teknoloji, partners=[row, row]))
    assert response.status_code == 200
    assert response.context["formsets"][0].non_form_errors()
    assert not Project.objects.exists()


def test_a_milestone_completed_before_the_project_start_is_refused(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    data = project_post(
        izmir_teknoloji,
        actual_start="2026-02-01",
        milestones=[{"title": "Erken", "due_on": "2026-03-01", "completed_on": "2026-01-15"}],
    )
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert "completed_on" in response.context["formsets"][1].errors[0]
    assert not Project.objects.exists()


def test_staff_edit_a_project_their_organization_takes_part_in(client, isbak_staff, isbak, izmir_project):
    ProjectPartnerFactory(project=izmir_project, organization=isbak)
    client.force_login(isbak_staff)
    url = reverse("projects:project_update", args=[izmir_project.pk])
    assert client.get(url).status_code == 200
    partner = izmir_project.partners.get()
    data = project_post(izmir_project.lead_organization, code="IZT-1", title="Güncellendi")
    data.update(
        formset_data(
            "partners",
            [{"id": partner.pk, "organization": isbak.pk, "role": "advisor", "project": izmir_project.pk}],
            initial=1,
        )
    )
    response = client.post(url, data)
    assert response.status_code == 302
    izmir_project.refresh_from_db()
    assert izmir_project.title == "Güncellendi"
    assert izmir_project.partners.get().role == "advisor"


def test_staff_cannot_edit_other_organizations_project(client, isbak_staff, izmir_project):
    client.force_login(isbak_staff)
    url = reverse("projects:project_update", args=[izmir_project.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "Access denied" in response.text or "Erişim reddedildi" in response.text
    forged = client.post(url, project_post(izmir_project.lead_organization, code="IZT-1", title="Ele geçirildi"))
    assert forged.status_code == 403
    izmir_project.refresh_from_db()
    assert izmir_project.title == "Kent veri platformu"


def test_managers_edit_every_project(client, manager, isbak):
    project = ProjectFactory(lead_organization=isbak, code="ISB-9")
    client.force_login(manager)
    data = project_post(isbak, code="ISB-9", title="Yönetici düzenledi")
    response = client.post(reverse("projects:project_update", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Yönetici düzenledi"


def test_outsiders_cannot_create_projects(client, outsider, izmir_teknoloji):
    client.force_login(outsider)
    assert client.get(reverse("projects:project_create")).status_code == 403
    assert client.post(reverse("projects:project_create"), project_post(izmir_teknoloji)).status_code == 403
    assert not Project.objects.exists()


@pytest.mark.parametrize("partner_rows", [1, 6])
def test_the_edit_form_runs_a_fixed_number_of_queries_however_many_partners(
    client, manager, izmir_project, partner_rows, django_assert_num_queries
):
    for _ in range(partner_rows):
        ProjectPartnerFactory(project=izmir_project)
    MilestoneFactory.create_batch(3, project=izmir_project)
    client.force_login(manager)
    # session, user, project, the project's articles and products, the partner and milestone
    # rows, and one query per menu: lead organization, articles, products, and the partners'
    # organization menu shared by every row.
    with django_assert_num_queries(11):
        response = client.get(reverse("projects:project_update", args=[izmir_project.pk]))
    assert response.status_code == 200
    # The shared menu still marks each row's own organization.
    first_row = response.context["formsets"][0].forms[0]
    assert f'<option value="{first_row.instance.organization_id}" selected>' in str(first_row["organization"])


# --- log progress -----------------------------------------------------------


def test_staff_log_progress_and_the_project_follows_it(client, izmir_staff, izmir_project):
    client.force_login(izmir_staff)
    url = reverse("projects:progressupdate_create", args=[izmir_project.pk])
    assert client.get(url).status_code == 200
    data = {
        "reported_on": timezone.localdate().isoformat(),
        "percent_complete": "65",
        "health": "at_risk",
        "done": "Saha kurulumu",
        "next_steps": "Test",
        "blockers": "Tedarik gecikmesi",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    izmir_project.refresh_from_db()
    assert (izmir_project.percent_complete, izmir_project.health) == (65, "at_risk")
    assert izmir_project.updates.get().author == izmir_staff
    page = client.get(izmir_project.get_absolute_url())
    assert "Tedarik gecikmesi" in page.text


def test_a_percent_over_100_is_refused_and_nothing_saved(client, izmir_staff, izmir_project):
    client.force_login(izmir_staff)
    url = reverse("projects:progressupdate_create", args=[izmir_project.pk])
    response = client.post(url, {"reported_on": "2026-01-01", "percent_complete": "140", "health": "on_track"})
    assert response.status_code == 200
    assert "percent_complete" in response.context["form"].errors
    assert "done" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_staff_cannot_log_progress_on_other_organizations_project(client, isbak_staff, izmir_project):
    client.force_login(isbak_staff)
    url = reverse("projects:progressupdate_create", args=[izmir_project.pk])
    assert client.get(url).status_code == 403
    data = {"reported_on": "2026-01-01", "percent_complete": "50", "health": "on_track", "done": "x"}
    assert client.post(url, data).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_logging_progress_on_an_unknown_project_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/projects/424242/updates/new/").status_code == 404


def test_the_edit_form_keeps_partner_rows_of_other_projects_untouched(client, izmir_staff, izmir_project):
    other = ProjectPartnerFactory(organization=OrganizationFactory())
    client.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[izmir_project.pk])
    data = project_post(izmir_project.lead_organization, code="IZT-1")
    data.update(formset_data("partners", [{"id": other.pk, "organization": other.organization.pk}], initial=1))
    client.post(url, data)
    assert ProjectPartner.objects.get(pk=other.pk).project == other.project


def test_planned_dates_in_the_past_are_fine(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    data = project_post(izmir_teknoloji, planned_start=str(date(2024, 9, 1)), planned_end=str(date(2025, 1, 1)))
    assert client.post(reverse("projects:project_create"), data).status_code == 302


def test_a_forged_huge_formset_is_refused_quickly_and_saves_nothing(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    data = project_post(izmir_teknoloji)
    data["milestones-TOTAL_FORMS"] = "100000"
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert response.context["formsets"][1].non_form_errors()
    assert not Project.objects.exists()


def test_hidden_version_inputs_carry_no_stray_label(client, izmir_staff, izmir_project):
    MilestoneFactory(project=izmir_project)
    client.force_login(izmir_staff)
    page = client.get(reverse("projects:project_update", args=[izmir_project.pk])).text
    assert 'aria-label="None' not in page
