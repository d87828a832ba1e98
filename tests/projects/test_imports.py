"""Importing projects and milestones: preview first, then all or nothing, as the importing user."""

import io
import os
import time
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from core.import_views import SESSION_KEY
from core.models import StaleEditError
from core.resources import ImportRejected, import_apply, read_sheet
from partnership.models import Organization, ProtocolArticle, TechnologyProduct
from projects.models import Milestone, Project
from projects.resources import MilestoneResource, ProjectResource
from tests.core.test_imports import confirm, csv_bytes, form_errors, headers, preview, upload
from tests.factories import (
    MilestoneFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolPartyFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_IMPORT = reverse("projects:project_import")
MILESTONE_IMPORT = reverse("projects:milestone_import")
COLUMNS = ("code", "title", "lead_organization.short_name", "status", "planned_start", "planned_end", "articles")


@pytest.fixture
def article():
    return ProtocolArticleFactory(number=5, title="Akıllı şehir teknolojileri")


def project_csv(*rows, encoding="utf-8-sig", delimiter=","):
    return csv_bytes([headers(ProjectResource, *COLUMNS), *rows], encoding=encoding, delimiter=delimiter)


def snapshot():
    """What a round trip must keep, by project code."""
    return {
        project.code: (
            project.title,
            project.status,
            project.planned_start,
            project.planned_end,
            project.actual_start,
            project.actual_end,
            project.lead_organization.short_name,
            sorted(article.number for article in project.articles.all()),
            project.description,
        )
        for project in Project.objects.select_related("lead_organization").prefetch_related("articles")
    }


# --- Round trip ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_projects_exported_from_the_demo_import_into_an_empty_database_as_the_same_records(
    client, settings, file_format
):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    manager = get_user_model().objects.get(username="manager")
    client.force_login(manager)
    export = client.get(reverse("projects:project_list") + f"?export={file_format}")
    content = b"".join(export.streaming_content)
    before = snapshot()
    reference = (Organization.objects.count(), ProtocolArticle.objects.count(), TechnologyProduct.objects.count())
    Project.objects.all().delete()  # what is left is the reference data
    assert (Organization.objects.count(), ProtocolArticle.objects.count(), TechnologyProduct.objects.count()) == (
        reference
    )

    response = preview(client, PROJECT_IMPORT, content, f"projects.{file_format}")
    assert response.context["plan"].errors == []
    assert response.context["counts"]["creates"] == len(before) >= 12
    assert confirm(client, PROJECT_IMPORT, response).status_code == 302

    assert snapshot() == before
    assert set(Project.objects.values_list("owner__username", flat=True)) == {"manager"}


# --- All or nothing ------------------------------------------------------------------------------


def test_a_file_with_one_bad_row_among_100_writes_nothing_and_reports_that_row(client_in_english, manager, isbak):
    rows = [[f"T-{n:03d}", f"Proje {n}", "İSBAK", "Active", "2026-01-01", "2026-12-31", ""] for n in range(100)]
    rows[56][5] = "2025-06-30"  # ends before it starts: the database's check constraint says so
    client = client_in_english
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(*rows))

    errors = response.context["plan"].errors
    assert [(error.row, error.message) for error in errors] == [
        (58, "The planned end cannot be before the planned start.")  # row 1 is the header
    ]
    assert response.context["counts"]["creates"] == 99
    assert not response.context["can_confirm"]
    assert b"The planned end cannot be before the planned start." in response.content

    refused = confirm(client, PROJECT_IMPORT, response)  # even when posted by hand
    assert refused.status_code == 200
    assert Project.objects.count() == 0
    with pytest.raises(ImportRejected):
        import_apply(resource=ProjectResource(user=manager), sheet=read_sheet(project_csv(*rows)))
    assert Project.objects.count() == 0


def test_a_windows_1254_csv_with_turkish_letters_imports_correctly(client, manager, isbak, article):
    content = project_csv(
        ["IŞK-1", "Işıklı şehir: ğüşöç İı", "isbak", "Aktif", "01.02.2026", "31.12.2026", "Md. 5"],
        encoding="cp1254",
        delimiter=";",
    )
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, content)
    assert response.context["plan"].errors == []
    confirm(client, PROJECT_IMPORT, response)

    project = Project.objects.get()
    assert (project.code, project.title) == ("IŞK-1", "Işıklı şehir: ğüşöç İı")
    assert project.lead_organization == isbak
    assert project.status == "active"
    assert project.planned_start == date(2026, 2, 1)
    assert list(project.articles.all()) == [article]


def test_preview_writes_nothing(client, manager, isbak):
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    assert response.context["counts"]["creates"] == 1
    assert not Project.objects.exists()
    assert not Project.history.exists()


def test_confirm_writes_in_one_go_and_history_carries_the_importing_user(client, manager, isbak):
    existing = ProjectFactory(code="E-1", title="Eski başlık", lead_organization=isbak)
    client.force_login(manager)
    content = project_csv(
        ["E-1", "Yeni başlık", "İSBAK", "Active", existing.planned_start, existing.planned_end, ""],
        ["N-1", "Yeni proje", "İSBAK", "Planned", "", "", ""],
    )
    response = confirm(client, PROJECT_IMPORT, preview(client, PROJECT_IMPORT, content, "liste.csv"))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project_list")

    created = Project.objects.get(code="N-1")
    assert created.owner == manager
    record = created.history.get()
    assert (record.history_type, record.history_user) == ("+", manager)
    assert "liste.csv" in record.history_change_reason
    latest = existing.history.latest()
    assert (latest.history_type, latest.history_user, latest.title) == ("~", manager, "Yeni başlık")


def test_the_service_sets_the_history_user_outside_a_request_too(manager, isbak):
    import_apply(
        resource=ProjectResource(user=manager),
        sheet=read_sheet(project_csv(["N-1", "Yeni proje", "İSBAK", "", "", "", ""])),
    )
    assert Project.objects.get().history.get().history_user == manager


def test_update_rows_show_only_the_fields_that_change(client_in_english, manager, isbak, article):
    project = ProjectFactory(
        code="E-1", title="Eski", lead_organization=isbak, planned_start=date(2026, 1, 1), planned_end=None
    )
    client = client_in_english
    client.force_login(manager)
    content = project_csv(["e-1", "Yeni", "İSBAK", "Active", "2026-01-01", "", "5"])
    response = preview(client, PROJECT_IMPORT, content)

    (row,) = response.context["updates"]
    changes = [(change.column, change.old, change.new) for change in row.changes]
    assert changes == [
        ("Code", "E-1", "e-1"),
        ("Title", "Eski", "Yeni"),
        ("Protocol articles", "—", str(article)),
    ]
    assert b"Eski" in response.content and b"Yeni" in response.content
    project.refresh_from_db()
    assert project.title == "Eski"  # still only a preview


def test_rows_that_change_nothing_are_left_alone(client, manager, isbak):
    project = ProjectFactory(code="E-1", title="Aynı", lead_organization=isbak, status="active")
    client.force_login(manager)
    content = project_csv(["E-1", "Aynı", "İSBAK", "Aktif", project.planned_start, project.planned_end, ""])
    response = preview(client, PROJECT_IMPORT, content)
    assert response.context["counts"] == {"creates": 0, "updates": 0, "unchanged": 1, "error_rows": 0}
    assert not response.context["can_confirm"]


def test_the_same_code_twice_in_a_file_is_an_error(client_in_english, manager, isbak):
    client = client_in_english
    client.force_login(manager)
    content = project_csv(["D-1", "Bir", "İSBAK", "", "", "", ""], ["d-1", "İki", "İSBAK", "", "", "", ""])
    (error,) = preview(client, PROJECT_IMPORT, content).context["plan"].errors
    assert (error.row, error.column) == (3, "Code")
    assert "row 2" in error.message


def test_errors_name_their_row_and_column_in_the_users_language(client, manager, isbak):
    client.force_login(manager)  # Turkish, the default
    content = project_csv(["B-1", "Başlık", "Ankara AŞ", "Bitmedi", "31.02.2026", "", ""])
    errors = preview(client, PROJECT_IMPORT, content).context["plan"].errors
    by_column = {error.column: error.message for error in errors}
    assert by_column["Planlanan başlangıç"] == "Geçerli bir tarih girin."  # Django's own Turkish message
    assert set(by_column) == {"Lider kurum", "Durum", "Planlanan başlangıç"}
    assert all(error.row == 2 for error in errors)


# --- The staff rule ------------------------------------------------------------------------------


def test_staff_importing_rows_for_another_organization_get_errors_not_writes(client_in_english, izmir_staff, isbak):
    theirs = ProjectFactory(code="ISB-1", title="İSBAK'ın", lead_organization=isbak)
    client = client_in_english
    client.force_login(izmir_staff)
    content = project_csv(
        ["ISB-1", "Değiştirildi", "İSBAK", "", theirs.planned_start, theirs.planned_end, ""],
        ["ISB-2", "Yeni, İSBAK'ın", "İSBAK", "", "", "", ""],
    )
    response = preview(client, PROJECT_IMPORT, content)
    errors = response.context["plan"].errors
    assert {(error.row, error.column) for error in errors} == {
        (2, "Code"),
        (2, "Lead organization"),
        (3, "Lead organization"),
    }
    assert "Your organization (İzmir Teknoloji) must lead the project" in errors[-1].message

    confirm(client, PROJECT_IMPORT, response)
    theirs.refresh_from_db()
    assert theirs.title == "İSBAK'ın"
    assert not Project.objects.filter(code="ISB-2").exists()


def test_staff_may_import_projects_their_organization_leads_or_partners(client, izmir_staff, izmir_teknoloji, isbak):
    partnered = ProjectFactory(code="ISB-1", title="Ortak", lead_organization=isbak)
    ProjectPartnerFactory(project=partnered, organization=izmir_teknoloji)
    client.force_login(izmir_staff)
    content = project_csv(
        ["ISB-1", "Ortak, güncel", "İSBAK", "", partnered.planned_start, partnered.planned_end, ""],
        ["IZT-1", "Bizim", "İzmir Teknoloji", "", "", "", ""],
    )
    response = preview(client, PROJECT_IMPORT, content)
    assert response.context["plan"].errors == []
    confirm(client, PROJECT_IMPORT, response)
    partnered.refresh_from_db()
    assert partnered.title == "Ortak, güncel"
    assert Project.objects.get(code="IZT-1").owner == izmir_staff


def test_staff_may_reimport_a_full_export_whose_other_rows_are_unchanged(client, izmir_staff, izmir_teknoloji, isbak):
    ProjectFactory(code="ISB-1", lead_organization=isbak)
    ours = ProjectFactory(code="IZT-1", title="Eski", lead_organization=izmir_teknoloji)
    client.force_login(izmir_staff)
    export = client.get(reverse("projects:project_list") + "?export=csv")
    content = b"".join(export.streaming_content).replace(b"Eski", b"Yeni")
    response = preview(client, PROJECT_IMPORT, content)
    assert response.context["plan"].errors == []
    assert response.context["counts"]["unchanged"] == 1
    confirm(client, PROJECT_IMPORT, response)
    ours.refresh_from_db()
    assert ours.title == "Yeni"


# --- Files the form refuses ----------------------------------------------------------------------


def test_an_oversized_file_gets_a_clear_message(client_in_english, manager, settings):
    settings.KOPRU_IMPORT_MAX_BYTES = 100
    client_in_english.force_login(manager)
    response = upload(client_in_english, PROJECT_IMPORT, project_csv(*[["A", "B", "C", "", "", "", ""]] * 20))
    assert "the limit is 100" in form_errors(response)
    assert b"the limit is 100" in response.content


def test_a_binary_file_renamed_csv_gets_a_clear_message(client_in_english, manager):
    client_in_english.force_login(manager)
    response = upload(client_in_english, PROJECT_IMPORT, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "projeler.csv")
    assert "not a spreadsheet" in form_errors(response)


def test_an_empty_file_gets_a_clear_message(client_in_english, manager):
    client_in_english.force_login(manager)
    assert "empty" in form_errors(upload(client_in_english, PROJECT_IMPORT, b""))


def test_missing_columns_get_a_clear_message(client_in_english, manager):
    client_in_english.force_login(manager)
    response = upload(client_in_english, PROJECT_IMPORT, csv_bytes([["Code", "Status"], ["A-1", "Active"]]))
    assert "lacks these required columns: Title, Lead organization" in form_errors(response)


def test_too_many_rows_get_a_clear_message(client_in_english, manager, settings):
    settings.KOPRU_IMPORT_MAX_ROWS = 3
    client_in_english.force_login(manager)
    response = upload(client_in_english, PROJECT_IMPORT, project_csv(*[["A", "B", "C", "", "", "", ""]] * 4))
    assert "more than 3 rows" in form_errors(response)


def test_other_file_types_are_refused_by_name(client_in_english, manager):
    client_in_english.force_login(manager)
    assert ".csv or .xlsx" in form_errors(upload(client_in_english, PROJECT_IMPORT, b"Kod\nA\n", "projeler.pdf"))


# --- The waiting upload --------------------------------------------------------------------------


def test_the_upload_waits_in_private_storage_and_is_deleted_after_confirm(client, manager, isbak):
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    entry = client.session[SESSION_KEY][response.context["handle"]]
    assert entry["name"].startswith("imports/") and entry["user"] == manager.pk
    assert response.context["handle"] not in entry["name"]  # the URL's handle does not reveal the file
    assert default_storage.exists(entry["name"])
    confirm(client, PROJECT_IMPORT, response)
    assert not default_storage.exists(entry["name"])
    assert client.session[SESSION_KEY] == {}


def test_cancelling_discards_the_upload(client, manager, isbak):
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    name = client.session[SESSION_KEY][response.context["handle"]]["name"]
    client.post(PROJECT_IMPORT, {"action": "cancel", "handle": response.context["handle"]})
    assert not default_storage.exists(name)
    assert confirm(client, PROJECT_IMPORT, response).status_code == 302  # back to the form
    assert not Project.objects.exists()


def test_an_upload_of_another_user_cannot_be_confirmed(client, manager, administrator, isbak):
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    session = client.session
    session[SESSION_KEY][response.context["handle"]]["user"] = administrator.pk
    session.save()
    assert confirm(client, PROJECT_IMPORT, response).status_code == 302
    assert not Project.objects.exists()


def test_confirm_validates_again_and_writes_nothing_when_the_records_changed(client_in_english, manager, isbak):
    client = client_in_english
    client.force_login(manager)
    response = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    assert response.context["counts"]["creates"] == 1
    ProjectFactory(code="N-1", title="Başkası ekledi", lead_organization=isbak)  # meanwhile

    again = confirm(client, PROJECT_IMPORT, response)
    assert again.status_code == 200  # the new preview, to confirm again
    assert again.context["counts"]["updates"] == 1
    assert Project.objects.get(code="N-1").title == "Başkası ekledi"
    assert b"changed since the preview" in again.content


# --- Access --------------------------------------------------------------------------------------


IMPORT_PAGES = [
    "projects:project_import",
    "projects:project_import_template",
    "projects:milestone_import",
    "projects:milestone_import_template",
    "events:event_import",
    "events:event_import_template",
    "transfers:knowhowtransfer_import",
    "transfers:knowhowtransfer_import_template",
]


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_outsiders_may_not_import(client, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {}).status_code == 403


@pytest.mark.parametrize("role", ["izmir_staff", "isbak_staff", "manager", "administrator"])
@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_staff_managers_and_administrators_may_import(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 200


def test_the_lists_offer_import_to_members_only(client, izmir_staff):
    client.force_login(izmir_staff)
    for list_name, import_name in [
        ("projects:project_list", "projects:project_import"),
        ("projects:milestone_list", "projects:milestone_import"),
        ("events:event_list", "events:event_import"),
        ("transfers:knowhowtransfer_list", "transfers:knowhowtransfer_import"),
    ]:
        response = client.get(reverse(list_name))
        assert response.context["import_url"] == reverse(import_name)
        assert reverse(import_name).encode() in response.content


def test_the_form_page_explains_the_columns(client_in_english, manager):
    client_in_english.force_login(manager)
    response = client_in_english.get(PROJECT_IMPORT)
    assert b"Upload and preview" in response.content
    assert [column["header"] for column in response.context["column_help"]][:3] == [
        "Code",
        "Title",
        "Lead organization",
    ]
    assert b'enctype="multipart/form-data"' in response.content


# --- The template --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template_name", "import_name"),
    [
        ("projects:project_import_template", "projects:project_import"),
        ("projects:milestone_import_template", "projects:milestone_import"),
        ("events:event_import_template", "events:event_import"),
        ("transfers:knowhowtransfer_import_template", "transfers:knowhowtransfer_import"),
    ],
)
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_template_has_the_headers_and_an_example_row_that_imports(
    client, manager, izmir_teknoloji, isbak, template_name, import_name, file_format
):
    for organization in (izmir_teknoloji, isbak):
        ProtocolPartyFactory(organization=organization)
    ProtocolArticleFactory()
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    client.force_login(manager)
    response = client.get(reverse(template_name) + f"?format={file_format}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]

    response = preview(client, reverse(import_name), response.content, f"template.{file_format}")
    plan = response.context["plan"]
    assert plan.errors == [] and plan.ignored == []
    assert response.context["counts"]["creates"] == 1


def test_the_xlsx_template_headers_are_the_export_headers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("projects:project_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header_row = [cell.value for cell in sheet[1]]
    assert header_row == [str(column.header) for column in ProjectResource().columns()]
    assert header_row[0] == "Kod"


# --- Milestones ----------------------------------------------------------------------------------


def milestone_csv(*rows):
    columns = ("pk", "project.code", "title", "due_on", "completed_on", "deliverable")
    return csv_bytes([headers(MilestoneResource, *columns), *rows])


def test_milestones_are_added_to_projects_named_by_code_and_updated_by_id(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji, actual_start=None)
    milestone = MilestoneFactory(project=project, title="Eski")
    client.force_login(izmir_staff)
    content = milestone_csv(
        [milestone.pk, "izt-1", "Yeni ad", milestone.due_on, "", ""],
        ["", "IZT-1 — whatever the title was", "Pilot", "15.09.2026", "", "Rapor"],
    )
    response = preview(client, MILESTONE_IMPORT, content)
    assert response.context["plan"].errors == []
    assert response.context["counts"]["creates"] == 1 and response.context["counts"]["updates"] == 1
    confirm(client, MILESTONE_IMPORT, response)
    milestone.refresh_from_db()
    assert milestone.title == "Yeni ad"
    assert Milestone.objects.get(title="Pilot").due_on == date(2026, 9, 15)
    assert Milestone.objects.get(title="Pilot").history.get().history_user == izmir_staff


def test_a_milestone_row_with_an_unknown_id_adds_a_new_milestone(client_in_english, manager, izmir_teknoloji):
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji)
    client_in_english.force_login(manager)
    response = preview(
        client_in_english, MILESTONE_IMPORT, milestone_csv([987654, "IZT-1", "Pilot", "2026-09-15", "", ""])
    )
    (row,) = response.context["creates"]
    assert "No record has ID 987654" in row.note


def test_a_milestone_completed_before_its_project_started_is_an_error(client_in_english, manager, izmir_teknoloji):
    ProjectFactory(code="IZT-1", lead_organization=izmir_teknoloji, actual_start=date(2026, 3, 1))
    client_in_english.force_login(manager)
    content = milestone_csv(["", "IZT-1", "Erken", "2026-04-01", "2026-02-01", ""])
    (error,) = preview(client_in_english, MILESTONE_IMPORT, content).context["plan"].errors
    assert error.column == "Completed on"
    assert "cannot be completed before its project starts" in error.message


def test_staff_cannot_import_milestones_of_another_organizations_project(client_in_english, izmir_staff, isbak):
    ProjectFactory(code="ISB-1", lead_organization=isbak)
    client_in_english.force_login(izmir_staff)
    content = milestone_csv(["", "ISB-1", "Bizim değil", "2026-09-15", "", ""])
    response = preview(client_in_english, MILESTONE_IMPORT, content)
    (error,) = response.context["plan"].errors
    assert error.column == "Project code"
    confirm(client_in_english, MILESTONE_IMPORT, response)
    assert not Milestone.objects.exists()


class RacingProjectResource(ProjectResource):
    """Someone saves E-1 between the confirm's reading of the records and its writes."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        Project.objects.filter(code="E-1").update(version=F("version") + 1)


def test_a_record_changed_while_the_import_runs_stops_it_and_nothing_is_written(manager, isbak):
    existing = ProjectFactory(code="E-1", title="Eski", lead_organization=isbak)
    sheet = read_sheet(
        project_csv(
            ["N-1", "Önce yazılan satır", "İSBAK", "", "", "", ""],
            ["E-1", "Yeni", "İSBAK", "", existing.planned_start, existing.planned_end, ""],
        )
    )
    with pytest.raises(StaleEditError):
        import_apply(resource=RacingProjectResource(user=manager), sheet=sheet)
    assert not Project.objects.filter(code="N-1").exists()
    existing.refresh_from_db()
    assert existing.title == "Eski"


def test_imported_records_keep_what_their_save_keeps_version_search_text_times_and_links(manager, isbak):
    old_article, new_article = ProtocolArticleFactory(number=1), ProtocolArticleFactory(number=2)
    project = ProjectFactory(code="E-1", title="Eski başlık", lead_organization=isbak)
    project.articles.add(old_article)
    before = Project.objects.get(pk=project.pk)
    sheet = read_sheet(
        project_csv(
            ["E-1", "Işıklı yeni başlık", "İSBAK", "", project.planned_start, project.planned_end, "2"],
            ["N-1", "Çağrı merkezi", "İSBAK", "", "", "", "1; 2"],
        )
    )
    assert len(import_apply(resource=ProjectResource(user=manager), sheet=sheet).updates) == 1

    updated = Project.objects.get(pk=project.pk)
    assert updated.version == before.version + 1
    assert updated.updated_at > before.updated_at
    assert list(updated.articles.all()) == [new_article]
    assert list(Project.objects.search("isikli yeni")) == [updated]
    assert list(Project.objects.search("çağrı")) == [Project.objects.get(code="N-1")]
    assert Project.objects.get(code="N-1").created_at is not None
    assert set(Project.objects.get(code="N-1").articles.all()) == {old_article, new_article}
    record = updated.history.latest()
    assert (record.history_type, record.history_user, record.title) == ("~", manager, "Işıklı yeni başlık")


def test_uploads_left_waiting_for_a_day_expire_and_are_swept_at_the_next_upload(client, manager, isbak):
    client.force_login(manager)
    first = preview(client, PROJECT_IMPORT, project_csv(["N-1", "Yeni", "İSBAK", "", "", "", ""]))
    handle = first.context["handle"]
    name = client.session[SESSION_KEY][handle]["name"]
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(name), (two_days_ago, two_days_ago))
    session = client.session
    session[SESSION_KEY][handle]["at"] = two_days_ago
    session.save()

    assert confirm(client, PROJECT_IMPORT, first).status_code == 302  # expired: back to the form
    assert not Project.objects.exists()
    orphan = default_storage.save("imports/orphan.upload", ContentFile(b"Kod\n"))
    os.utime(default_storage.path(orphan), (two_days_ago, two_days_ago))
    preview(client, PROJECT_IMPORT, project_csv(["N-2", "Yeni", "İSBAK", "", "", "", ""]))
    assert not default_storage.exists(orphan)
