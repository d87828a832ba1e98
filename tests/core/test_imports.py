"""The import pipeline shared by every list: reading files, parsing cells, matching headers and names.

Also holds the small helpers the per-list import tests use (`csv_bytes`, `upload`, `preview`, `confirm`).
"""

import codecs
import csv
import io
import os
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from core import resources
from core.resources import ImportFileError, read_sheet
from events.resources import EventResource
from partnership import resources as partnership_resources
from projects.resources import MilestoneResource, ProjectResource
from tests.factories import OrganizationFactory, ProtocolArticleFactory, TechnologyProductFactory
from transfers.resources import KnowHowTransferResource

PROJECT_COLUMNS = (
    "code",
    "title",
    "lead_organization.short_name",
    "status",
    "planned_start",
    "planned_end",
    "articles",
)
IMPORTERS = [ProjectResource, MilestoneResource, EventResource, KnowHowTransferResource]
LISTS = {
    ProjectResource: ("projects:project_list", "projects:project_import"),
    MilestoneResource: ("projects:milestone_list", "projects:milestone_import"),
    EventResource: ("events:event_list", "events:event_import"),
    KnowHowTransferResource: ("transfers:knowhowtransfer_list", "transfers:knowhowtransfer_import"),
}


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English, so the tests do not depend on the Turkish catalogue."""
    with translation.override("en"):
        yield


# --- Helpers for the per-list tests -------------------------------------------------------------


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def headers(importer_class, *accessors, language="tr") -> list[str]:
    with translation.override(language):
        return [importer_class().header(accessor) for accessor in accessors]


def upload(client, url, content: bytes, name="import.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def preview(client, url, content: bytes, name="import.csv"):
    """Upload and follow to the preview page."""
    response = upload(client, url, content, name)
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"])


def confirm(client, url, preview_response):
    return client.post(
        url,
        {
            "action": "confirm",
            "handle": preview_response.context["handle"],
            "fingerprint": preview_response.context["fingerprint"],
        },
    )


def form_errors(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("file", []))


# --- Reading files -------------------------------------------------------------------------------

TURKISH_ROWS = [["Kod", "Başlık"], ["IŞK-1", "Işıklı şehir: ğüşöç İı"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1254", "utf-16"])
def test_csv_is_read_in_utf8_with_or_without_bom_in_windows_1254_and_in_utf16(encoding):
    sheet = read_sheet(csv_bytes(TURKISH_ROWS, encoding=encoding))
    assert sheet.headers == ["Kod", "Başlık"]
    assert sheet.rows == [(2, ["IŞK-1", "Işıklı şehir: ğüşöç İı"])]


def test_semicolon_separated_csv_from_turkish_excel_is_read():
    sheet = read_sheet(csv_bytes([["Kod", "Saat"], ["A-1", "12,5"]], encoding="cp1254", delimiter=";"))
    assert sheet.headers == ["Kod", "Saat"]
    assert sheet.rows[0][1] == ["A-1", "12,5"]


def test_xlsx_keeps_dates_and_numbers_as_typed_values():
    sheet = read_sheet(xlsx_bytes([["Kod", "Tarih", "Saat"], ["A-1", date(2026, 2, 1), 12.5]]))
    code, day, hours = sheet.rows[0][1]
    assert code == "A-1" and day.date() == date(2026, 2, 1) and hours == 12.5


def test_blank_rows_are_skipped_but_row_numbers_stay_those_excel_shows():
    sheet = read_sheet(csv_bytes([["Kod"], ["A-1"], [""], ["A-2"]]))
    assert [number for number, _cells in sheet.rows] == [2, 4]


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"PK\x03\x04 this is not really a zip archive",
        b"Kod,Ba\x00lik\n",
    ],
    ids=["random-bytes", "png", "broken-zip", "nul-byte"],
)
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(content):
    with pytest.raises(ImportFileError) as caught:
        read_sheet(content)
    assert "not a spreadsheet" in str(caught.value.message)


def test_an_old_xls_file_is_told_to_be_saved_as_xlsx():
    with pytest.raises(ImportFileError, match=".xls"):
        read_sheet(codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\x00" * 512)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"], ids=["empty", "bom-only", "blank-lines"])
def test_an_empty_file_is_refused(content):
    with pytest.raises(ImportFileError, match="empty"):
        read_sheet(content)


def test_a_file_with_headers_only_has_no_rows_to_import():
    with pytest.raises(ImportFileError, match="no rows"):
        read_sheet(csv_bytes([["Kod", "Başlık"]]))


def test_more_rows_than_the_cap_are_refused():
    rows = [["Kod"], *[[f"A-{n}"] for n in range(4)]]
    assert len(read_sheet(csv_bytes(rows), row_limit=4).rows) == 4
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_sheet(csv_bytes(rows), row_limit=3)


def test_the_caps_default_to_10_mb_and_10000_rows_and_follow_the_settings(settings):
    # The defaults live in partnership/settings.py (env overridable); tests run with them.
    assert resources.max_bytes() == 10 * 1024 * 1024
    assert resources.max_rows() == 10_000
    settings.KOPRU_IMPORT_MAX_ROWS = 5
    assert resources.max_rows() == 5


# --- Parsing cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31.03.2026", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("2026-03-31 00:00", date(2026, 3, 31)),
        (datetime(2026, 3, 31, 0, 0), date(2026, 3, 31)),
        (None, None),
    ],
)
def test_dates_are_read_in_iso_or_turkish_order(raw, expected):
    assert resources.DateWidget().clean(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2026", "next week", "2026-13-01", 10**9])
def test_a_date_that_is_not_one_is_an_error(raw):
    with pytest.raises(ValidationError):
        resources.DateWidget().clean(raw)


@pytest.mark.parametrize("raw", ["01.01.0001 00:00", "yarın", 10**12])
def test_a_time_that_is_not_one_or_cannot_be_stored_is_an_error(raw):
    with pytest.raises(ValidationError):
        resources.DateTimeWidget().clean(raw)


def test_datetimes_without_a_zone_are_istanbul_time():
    parsed = resources.DateTimeWidget().clean("27.04.2026 09:30")
    assert parsed == datetime(2026, 4, 27, 9, 30, tzinfo=timezone.get_default_timezone())
    assert resources.DateTimeWidget().clean("2026-04-27 09:30") == parsed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12,5", "12.5"), ("12.5", "12.5"), ("1.234,5", "1234.5"), ("1,234.5", "1234.5"), (8, "8"), (12.5, "12.5")],
)
def test_decimals_take_a_comma_or_a_point(raw, expected):
    assert resources.DecimalWidget().clean(raw) == Decimal(expected)


def test_whole_numbers_refuse_fractions():
    assert resources.IntegerWidget().clean("40") == 40
    assert resources.IntegerWidget().clean(40.0) == 40
    with pytest.raises(ValidationError):
        resources.IntegerWidget().clean("4,5")


@pytest.mark.parametrize(("raw", "expected"), [("Evet", True), ("hayır", False), ("True", True), ("0", False)])
def test_booleans_take_turkish_and_english_words(raw, expected):
    assert resources.BooleanWidget().clean(raw) is expected


# --- Headers and names ---------------------------------------------------------------------------


@pytest.mark.parametrize("importer_class", IMPORTERS)
def test_every_importer_reads_columns_its_list_exports(importer_class):
    importer = importer_class()
    exported = [column.column_name for column in importer.get_export_fields()]
    cells = {column.column_name: column for column in importer.columns()}
    assert set(cells) <= set(exported)
    assert {name for name, column in cells.items() if column.required} <= set(cells)
    assert importer.key.column_name in cells
    for column in cells.values():
        importer.model_field(column)  # names a real field
        assert column.attribute


@pytest.mark.parametrize("importer_class", IMPORTERS)
def test_no_header_of_one_column_reads_as_another_column_in_the_other_language(importer_class):
    importer = importer_class()
    owners = {}
    for column in importer.get_export_fields():
        for text in resources.in_each_language(lambda column=column: column.header):
            folded = resources.turkish_fold(text)
            assert owners.setdefault(folded, column.column_name) == column.column_name, text


def test_headers_match_in_either_language_in_any_order_and_case():
    positions = ProjectResource().match_headers(["TITLE", "kod", "Lead organization", "Sağlık", "Notlar"])
    assert positions == {"title": 0, "code": 1, "lead_organization.short_name": 2}


def test_missing_required_columns_are_named_in_the_users_language():
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        ProjectResource().match_headers(["Code", "Status"])
    assert "Title" in caught.value.message and "Lead organization" in caught.value.message


def test_a_column_given_twice_is_refused():
    with pytest.raises(ImportFileError, match="more than once"):
        ProjectResource().match_headers(["Code", "Kod", "Title", "Lead organization"])


@pytest.mark.django_db
def test_organizations_are_found_by_name_or_short_name_the_turkish_way(isbak, izmir_teknoloji):
    lookup = partnership_resources.OrganizationLookup()
    for text in [
        "İSBAK",
        "isbak",
        "ISBAK",
        "İstanbul Bilişim ve Akıllı Kent Teknolojileri A.Ş.",
        "istanbul bilisim ve akilli kent teknolojileri a.s.",
    ]:
        assert lookup.resolve(text) == isbak
    assert lookup.resolve("İZMİR TEKNOLOJİ") == izmir_teknoloji
    with pytest.raises(ValidationError):
        lookup.resolve("Ankara Teknoloji")


@pytest.mark.django_db
def test_articles_are_found_as_exported_in_either_language_by_title_or_by_number():
    article = ProtocolArticleFactory(number=5, title="Akıllı şehir teknolojileri")
    lookup = partnership_resources.ArticleLookup()
    for text in [
        "Md. 5 — Akıllı şehir teknolojileri",
        "Art. 5 — Akıllı şehir teknolojileri",
        "AKILLI ŞEHİR TEKNOLOJİLERİ",
        "5",
    ]:
        assert lookup.resolve(text) == article


@pytest.mark.django_db
def test_a_name_two_records_share_is_ambiguous_unless_written_in_full():
    first = TechnologyProductFactory(name="Sensör Ağı", organization=OrganizationFactory(short_name="A"))
    TechnologyProductFactory(name="Sensör Ağı", organization=OrganizationFactory(short_name="B"))
    lookup = partnership_resources.ProductLookup()
    with pytest.raises(ValidationError, match="more than one"):
        lookup.resolve("sensör ağı")
    assert lookup.resolve("Sensör Ağı (A)") == first


# --- Every list: its own export comes back unchanged ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_lists_export_of_the_demo_data_imports_back_as_unchanged_rows(client, settings, file_format):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    client.force_login(get_demo_user("manager"))
    for importer_class, (list_name, import_name) in LISTS.items():
        export = client.get(reverse(list_name) + f"?export={file_format}&when=all")
        content = b"".join(export.streaming_content)
        response = preview(client, reverse(import_name), content, f"export.{file_format}")
        plan = response.context["plan"]
        assert plan.errors == [], (importer_class.__name__, plan.errors[:3])
        assert plan.creates == [] and plan.updates == [], (importer_class.__name__, plan.updates[:1])
        assert len(plan.unchanged) == importer_class._meta.model.objects.count()


def get_demo_user(username):
    return get_user_model().objects.get(username=username)


# --- Validation without a query per row ------------------------------------------------------------


def django_says(constraint, instance) -> bool:
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


def our_check_says(constraint, instance) -> bool:
    try:
        resources._validate_check(constraint, type(instance), instance, set(), "default")
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
def test_check_constraints_evaluated_in_python_agree_with_the_database(izmir_teknoloji, isbak):
    from events.models import Event
    from projects.models import Project
    from transfers.models import KnowHowTransfer

    day, later = date(2026, 1, 1), date(2026, 6, 1)
    start = datetime(2026, 1, 1, 9, tzinfo=timezone.get_default_timezone())
    samples = [
        Project(planned_start=a, planned_end=b, actual_start=b, actual_end=a, percent_complete=p)
        for a in (None, day, later)
        for b in (None, day, later)
        for p in (0, 100, 101)
    ]
    samples += [
        Project(status=status, health=health)
        for status in ("active", "cancelled", "finished", "")
        for health in ("on_track", "off_track", "fine")
    ]
    samples += [
        Event(starts_at=start, ends_at=end, is_online=online, city=city, venue=venue)
        for end in (start, start.replace(hour=8))
        for online in (True, False)
        for city in ("", "İzmir")
        for venue in ("", "Kültürpark")
    ]
    samples += [
        KnowHowTransfer(
            provider=izmir_teknoloji, recipient=recipient, started_on=day, ended_on=end, hours=hours, recipient_rating=r
        )
        for recipient in (izmir_teknoloji, isbak)
        for end in (None, day, date(2025, 1, 1))
        for hours in (Decimal("0"), Decimal("-1"), Decimal("2.5"))
        for r in (None, 0, 1, 5, 6)
    ]
    checked = 0
    for instance in samples:
        for constraint in type(instance)._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                assert our_check_says(constraint, instance) == django_says(constraint, instance), (constraint, instance)
                checked += 1
    assert checked > 200


# the user's role, organizations, articles (lookups), existing codes, codes already taken.
PREVIEW_QUERIES = 5


@pytest.mark.django_db
@pytest.mark.parametrize("row_count", [5, 300])
def test_a_preview_of_many_rows_runs_a_fixed_number_of_queries(
    django_assert_max_num_queries, django_assert_num_queries, manager, isbak, row_count
):
    rows = [[f"T-{n}", f"Proje {n}", "İSBAK", "Active", "2026-01-01", "2026-12-31", "1"] for n in range(row_count)]
    ProtocolArticleFactory(number=1)
    sheet = read_sheet(csv_bytes([headers(ProjectResource, *PROJECT_COLUMNS, language="en"), *rows]))
    with django_assert_max_num_queries(10), django_assert_num_queries(PREVIEW_QUERIES):
        plan = ProjectResource(user=manager).plan(sheet)
    assert len(plan.creates) == row_count


ODD_CELLS = [
    None,
    "",
    " ",
    "0",
    "-1",
    "1e400",
    "NaN",
    "Infinity",
    "9" * 40,
    "31.02.2026",
    "2026-04-27 25:00",
    "01.01.0001 00:00",
    "31.12.9999 23:59",
    "İ" * 300,
    "x; ; y;;",
    ";",
    "—",
    "KPR-01 — ",
    "true",
    "Evet",
    "=1+1",
    "<script>alert(1)</script>",
    10**20,
    -5,
    2.5,
    True,
    date(2026, 1, 1),
    datetime(2026, 1, 1, 9, 0),
]


@pytest.mark.django_db
@pytest.mark.parametrize("importer_class", IMPORTERS)
def test_odd_cells_become_row_errors_never_crashes(importer_class, manager, izmir_staff, isbak):
    import random

    generator = random.Random(8)
    columns = importer_class().columns()
    header = [str(column.header) for column in columns]
    rows = [[generator.choice(ODD_CELLS) for _column in columns] for _row in range(150)]
    for user in (manager, izmir_staff):
        plan = importer_class(user=user).plan(read_sheet(xlsx_bytes([header, *rows])))
        assert len(plan.rows) == 150
        assert plan.errors
        for row in plan.rows:
            row.values, [change.new for change in row.changes]  # the preview can show every row


# --- The admin: the same columns ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_exports_and_imports_the_lists_columns(client, administrator, isbak):
    from projects.models import Project

    client.force_login(administrator)
    url = reverse("admin:projects_project_import")
    content = csv_bytes([["Code", "Title", "Lead organization", "Status"], ["ADM-1", "Yönetimden", "İSBAK", "Active"]])
    page = client.get(url)
    assert page.status_code == 200
    csv_format = next(value for value, label in page.context["form"].fields["format"].choices if label == "csv")
    response = client.post(
        url, {"import_file": SimpleUploadedFile("p.csv", content), "format": csv_format, "resource": 0}
    )
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    assert not Project.objects.exists()  # the admin's preview writes nothing either
    confirm_form = response.context["confirm_form"]
    data = {name: field.initial for name, field in confirm_form.fields.items()}
    data.update(confirm_form.initial)
    client.post(reverse("admin:projects_project_process_import"), data)
    project = Project.objects.get()
    assert (project.code, project.lead_organization, project.status) == ("ADM-1", isbak, "active")
    assert project.history.get().history_user == administrator

    export_form = client.get(reverse("admin:projects_project_export")).context["form"]
    chosen = {name: "on" for name, field in export_form.fields.items() if getattr(field, "is_selectable_field", 0)}
    export = client.post(reverse("admin:projects_project_export"), {"format": csv_format, "resource": 0, **chosen})
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines()[0].startswith("Kod,Başlık,Lider kurum")
