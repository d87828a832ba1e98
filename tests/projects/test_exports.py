"""Lists export exactly the rows their filters show, as CSV (UTF-8 with BOM) and XLSX."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core import exports
from projects.models import Project
from projects.resources import ProjectResource
from tests.conftest import read_csv
from tests.factories import MilestoneFactory, ProjectFactory, ProtocolArticleFactory

pytestmark = pytest.mark.django_db


def read_xlsx(response):
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def projects(izmir_teknoloji):
    article = ProtocolArticleFactory(number=5, title="Akıllı şehir")
    ProjectFactory(code="A-1", title="Işıklı kavşak İZMİR", status="active", planned_start=date(2026, 2, 1))
    ProjectFactory(code="A-2", title="Çağrı merkezi", status="active").articles.add(article)
    ProjectFactory(code="P-1", title="Planlı iş", status="planned")
    return article


def shown_codes(client, query):
    response = client.get(reverse("projects:project_list") + query)
    return [row.record.code for row in response.context["table"].page.object_list]


def test_the_csv_holds_exactly_the_filtered_rows_in_the_shown_order(client, izmir_staff, projects):
    client.force_login(izmir_staff)
    query = "?status=active&sort=-code"
    response = client.get(reverse("projects:project_list") + query + "&export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == shown_codes(client, query) == ["A-2", "A-1"]


def test_the_csv_round_trips_turkish_letters(client, izmir_staff, projects):
    client.force_login(izmir_staff)
    rows = read_csv(client.get(reverse("projects:project_list") + "?q=ışıklı&export=csv"))
    assert rows[1][1] == "Işıklı kavşak İZMİR"


def test_headers_follow_the_users_language_and_values_stay_machine_readable(client, izmir_staff, projects):
    client.force_login(izmir_staff)
    rows = read_csv(client.get(reverse("projects:project_list") + "?q=A-1&export=csv"))
    assert rows[0][0] == "Kod"  # Turkish by default
    assert "2026-02-01" in rows[1]  # ISO date
    client.cookies["django_language"] = "en"
    english = read_csv(client.get(reverse("projects:project_list") + "?q=A-1&export=csv"))
    assert english[0][0] == "Code"


def test_the_xlsx_holds_exactly_the_filtered_rows(client, manager, projects):
    client.force_login(manager)
    response = client.get(reverse("projects:project_list") + f"?article={projects.pk}&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response)
    assert [row[0] for row in rows[1:]] == ["A-2"]
    assert "Akıllı şehir" in rows[1][11]


def test_the_xlsx_keeps_dates_as_dates(client, manager, projects):
    client.force_login(manager)
    rows = read_xlsx(client.get(reverse("projects:project_list") + "?q=A-1&export=xlsx"))
    assert rows[1][6].date() == date(2026, 2, 1)


def test_an_export_covers_every_page_not_just_the_first(client, manager, izmir_teknoloji):
    ProjectFactory.create_batch(30, lead_organization=izmir_teknoloji)
    client.force_login(manager)
    rows = read_csv(client.get(reverse("projects:project_list") + "?export=csv"))
    assert len(rows) == 31


def test_exports_need_the_same_access_as_the_list(client, outsider, projects):
    assert client.get(reverse("projects:project_list") + "?export=csv").status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("projects:project_list") + "?export=csv").status_code == 403


@pytest.mark.parametrize("count", [3, 20])
def test_the_export_runs_a_fixed_number_of_queries(client, manager, izmir_teknoloji, django_assert_num_queries, count):
    article = ProtocolArticleFactory()
    for _ in range(count):
        ProjectFactory(lead_organization=izmir_teknoloji).articles.add(article)
    client.force_login(manager)
    # session, user, whether it is long enough for a background job, the articles' names, then
    # every row with its lead organization and article ids through one cursor
    with django_assert_num_queries(5):
        read_csv(client.get(reverse("projects:project_list") + "?export=csv"))
    with django_assert_num_queries(5):
        read_xlsx(client.get(reverse("projects:project_list") + "?export=xlsx"))


def test_a_chunked_export_keeps_the_shown_order_and_every_row(
    client, manager, izmir_teknoloji, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 7)
    article = ProtocolArticleFactory()
    for number in range(20):
        ProjectFactory(code=f"C-{number:02d}", lead_organization=izmir_teknoloji).articles.add(article)
    client.force_login(manager)
    # session, user, the length check, the articles, then the rows fetched 7 at a time from one cursor
    with django_assert_num_queries(5):
        rows = read_csv(client.get(reverse("projects:project_list") + "?sort=-code&export=csv"))
    assert [row[0] for row in rows[1:]] == [f"C-{number:02d}" for number in reversed(range(20))]
    assert all(article.title in row[11] for row in rows[1:])


def test_the_csv_is_sent_while_the_rows_are_still_being_read(client, manager, izmir_teknoloji, monkeypatch):
    """Built whole in memory first, the file would arrive as one piece after every row was read."""
    monkeypatch.setattr(exports, "ROWS_PER_WRITE", 5)
    ProjectFactory.create_batch(20, lead_organization=izmir_teknoloji)
    read = []
    export_rows = exports.export_rows

    def counted(queryset, resource):
        for row in export_rows(queryset, resource):
            read.append(row[0])
            yield row

    monkeypatch.setattr(exports, "export_rows", counted)
    client.force_login(manager)
    response = client.get(reverse("projects:project_list") + "?export=csv")
    assert isinstance(response, StreamingHttpResponse)
    pieces = iter(response.streaming_content)
    next(pieces)  # the byte-order mark and headers
    assert read == []  # no row read before the headers went out
    first_rows = next(pieces).decode()
    assert first_rows.count("\n") == 5
    assert len(set(read)) == 5  # the rest of the 20 are read as the download goes on
    assert sum(piece.count(b"\n") for piece in pieces) == 15


def test_the_xlsx_is_written_to_a_file_on_disk_not_to_memory(manager, projects):
    response = exports.xlsx_response(Project.objects.all(), ProjectResource(user=manager))
    assert isinstance(response, FileResponse)
    assert response.file_to_stream.fileno() >= 0  # a real file, not a BytesIO
    response.close()


def test_the_excel_csv_is_semicolon_separated_with_turkish_dates_and_decimal_commas(client, manager, izmir_teknoloji):
    ProjectFactory(
        code="E-1", title="Kavşak; pilot", planned_start=date(2026, 3, 31), lead_organization=izmir_teknoloji
    )
    client.force_login(manager)
    response = client.get(reverse("projects:project_list") + "?q=E-1&export=csv-excel")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:2] == ["Kod", "Başlık"]
    assert rows[1][1] == "Kavşak; pilot"  # quoted, one cell
    assert "31.03.2026" in rows[1]
    assert exports.excel_csv_cell(Decimal("12.5")) == "12,5"


def test_the_xlsx_has_a_frozen_header_an_autofilter_and_fitting_widths(client, manager, projects):
    client.force_login(manager)
    response = client.get(reverse("projects:project_list") + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M4"  # 13 columns, header and 3 rows
    assert sheet.cell(row=1, column=1).font.bold
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["B"] >= len("Işıklı kavşak İZMİR")
    assert all(exports.MIN_WIDTH <= width <= exports.MAX_WIDTH for width in widths.values())


def test_file_names_are_in_the_readers_language(client, manager, projects):
    client.force_login(manager)
    today = timezone.localdate().isoformat()
    response = client.get(reverse("projects:project_list") + "?export=xlsx")
    assert f'filename="projeler-{today}.xlsx"' in response["Content-Disposition"]
    client.cookies["django_language"] = "en"
    response = client.get(reverse("projects:project_list") + "?export=csv")
    assert f'filename="projects-{today}.csv"' in response["Content-Disposition"]


def test_the_list_offers_every_export_variant(client, manager, projects):
    client.force_login(manager)
    html = client.get(reverse("projects:project_list") + "?status=active").content.decode()
    for variant in ("xlsx", "csv-excel", "csv"):
        assert f"?status=active&amp;export={variant}" in html


def test_the_milestone_list_exports_its_filtered_rows(client, izmir_staff):
    late = MilestoneFactory(title="Geç kalan", due_on=timezone.localdate() - timedelta(days=3))
    MilestoneFactory(title="Zamanında", due_on=timezone.localdate() + timedelta(days=3))
    client.force_login(izmir_staff)
    rows = read_csv(client.get(reverse("projects:milestone_list") + "?state=overdue&export=csv"))
    assert [row[3] for row in rows[1:]] == [late.title]


def test_user_text_never_becomes_a_spreadsheet_formula(client, manager, izmir_teknoloji):
    formula = '=HYPERLINK("http://evil.example","tıkla")'
    ProjectFactory(code="F-1", title=formula, lead_organization=izmir_teknoloji)
    client.force_login(manager)
    rows = read_csv(client.get(reverse("projects:project_list") + "?q=F-1&export=csv"))
    assert rows[1][1] == "'" + formula  # Excel shows it as text
    response = client.get(reverse("projects:project_list") + "?q=F-1&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.cell(row=2, column=2).value == formula
