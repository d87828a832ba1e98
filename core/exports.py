"""Export exactly the rows a list shows (its filters and sort, every page) as CSV or XLSX.

The columns are the model's Resource's (core.resources): its export fields, headers and
values. The rows come from one query read through one server-side cursor
(`QuerySet.iterator(chunk_size=…)`, a named cursor on PostgreSQL): foreign keys are joined
into it (`select_related`) and each many-to-many column arrives as its ids, aggregated per row
in the same query (`IdList`). The names behind those ids are read once per column, before
the rows. So an export runs the same few queries for ten rows or a hundred thousand.

Nothing holds the whole file in memory: CSV is written and sent a few hundred rows at a time
(StreamingHttpResponse); XLSX goes through openpyxl's write-only mode into a temporary file on
disk, which FileResponse then sends.

Three variants (`FORMATS`):

- `csv`: comma-separated, values machine-readable (ISO dates, decimal points);
- `csv-excel`: what Turkish Excel opens in columns with a double click: `;`-separated, decimal
  commas, dates as 31.12.2026 (the import reads it back as it is);
- `xlsx`: a frozen header row, an autofilter and column widths that fit the values.

Headers follow the user's language, and so does the file name ("projeler-2026-12-03.xlsx").
"""

import csv
import tempfile
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.aggregates import IdList

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV, CSV_EXCEL, XLSX = "csv", "csv-excel", "xlsx"
FORMATS = (CSV, CSV_EXCEL, XLSX)
EXTENSIONS = {CSV: "csv", CSV_EXCEL: "csv", XLSX: "xlsx"}
# Rows fetched from the cursor at a time: large enough that the round trips do not count, small
# enough that a chunk of model instances stays a few MB.
CHUNK_SIZE = 2000
# CSV rows joined into one piece of the response: a write to the socket per row would cost more
# than writing the row.
ROWS_PER_WRITE = 200
# XLSX column widths are measured on the first rows: openpyxl writes them before the first row.
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 8, 60


def plain(value):
    """A value a spreadsheet understands without guessing."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float, Decimal, bool)):
        return value
    return str(value)


# A cell starting with one of these is a formula to Excel: user text like `=HYPERLINK(…)` would
# run when a manager opens the export. CSV gets a leading apostrophe, which Excel shows as text
# and the import strips; XLSX stores the text as a string cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def excel_csv_cell(value):
    """A CSV cell as Turkish Excel reads it: 31.12.2026, 12,5; text guarded as in `csv_cell`."""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return csv_cell(value)


def spreadsheet_row(sheet, values) -> list:
    """`values` for `sheet.append()`, with every text as a text cell, never a formula."""
    row = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


# Lower-casing "İ" gives "i" plus a combining dot, and "I" is "ı" in Turkish.
_TURKISH_CAPITALS = str.maketrans({"İ": "i", "I": "ı"})


def export_filename(model, file_format: str) -> str:
    """The model's plural name in the user's language and today's date: "projeler-2026-12-03.csv"."""
    name = str(model._meta.verbose_name_plural)
    if (get_language() or "").startswith("tr"):
        name = name.translate(_TURKISH_CAPITALS)
    name = slugify(name, allow_unicode=True)
    return f"{name}-{timezone.localdate().isoformat()}.{EXTENSIONS[file_format]}"


# --- The rows ------------------------------------------------------------------------------------


def _model_field(model, attribute: str):
    try:
        return model._meta.get_field(attribute)
    except FieldDoesNotExist:
        return None  # a property or a path through a relation: read from the record


def _ids_alias(attribute: str) -> str:
    return f"_export_{attribute}_ids"


def _related_ids(field) -> Subquery:
    """The ids a many-to-many field links a row to, as "3,7,12", computed inside the rows' query.

    A correlated subquery rather than an aggregate over a join: a list filtered on the same
    relation (`?article=5`) would otherwise aggregate only the matching article.
    """
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = through.objects.filter(**{source: OuterRef("pk")}).order_by().values(source)
    return Subquery(links.annotate(ids=IdList(through._meta.get_field(target).attname)).values("ids"))


def _related_names(field, queryset) -> dict[int, tuple[int, str]]:
    """id → (position in the related model's order, name) of the records the exported rows link to."""
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    used = through.objects.filter(**{f"{source}__in": queryset.order_by().values("pk")}).values(target)
    records = field.related_model._default_manager.filter(pk__in=used)
    return {record.pk: (position, str(record)) for position, record in enumerate(records)}


def _names_of(names: dict):
    """Renders a row's "3,7,12" as the linked records' names, in the related model's order."""

    def render(ids):
        if not ids:
            return ""
        linked = sorted(names[pk] for pk in map(int, ids.split(",")) if pk in names)
        return "; ".join(name for _position, name in linked)

    return render


def _once_per_value(render):
    """`render` for a column of few distinct values (choices): each label is looked up once."""
    done = {}

    def cell(value):
        if value not in done:
            done[value] = render(value)
        return done[value]

    return cell


def _has_dehydrate(resource, column) -> bool:
    return bool(column.dehydrate_method or hasattr(resource, f"dehydrate_{column.column_name}"))


def _values_plan(model, resource, columns, many: dict, names: dict) -> list | None:
    """(what values_list() reads, how it becomes the cell) per column; None when a column needs the record.

    Reading tuples instead of model instances halves an export's time: the library's path
    (`resource.export_field`: dehydrate lookup, attribute walk, widget) and building two instances
    a row cost most of it. A plain field is read as it is, a foreign key as the related record's
    field that its widget exports (`export_as`), a many-to-many column as its ids.
    """
    plan = []
    for column in columns:
        if column.attribute in many:
            plan.append((_ids_alias(column.attribute), _names_of(names[column.attribute])))
            continue
        if _has_dehydrate(resource, column) or not column.attribute or "__" in column.attribute:
            return None
        field = _model_field(model, column.attribute)
        if field is None:
            return None  # a property: only the record has it
        if field.is_relation:
            export_as = getattr(column.widget, "export_as", "")
            if not export_as or _model_field(field.related_model, export_as) is None:
                return None
            plan.append((f"{column.attribute}__{export_as}", plain))
        elif hasattr(column.widget, "choices"):
            plan.append((column.attribute, _once_per_value(column.widget.render)))
        else:
            plan.append((column.attribute, column.widget.render))
    return plan


def _record_cell(resource, column):
    """A cell read from the record as the library does, for columns `_values_plan` cannot read."""
    return lambda record: resource.export_field(column, record)


def export_rows(queryset, resource):
    """The export's rows, each a list of values in the resource's column order, from one cursor."""
    model = queryset.model
    columns = resource.get_export_fields()
    many = {}
    for column in columns:
        field = _model_field(model, column.attribute) if column.attribute else None
        if field is not None and field.many_to_many:
            many[column.attribute] = field
    rows = queryset.prefetch_related(None)  # a prefetch would run again for every chunk
    names = {attribute: _related_names(field, queryset) for attribute, field in many.items()}
    for attribute, field in many.items():
        rows = rows.annotate(**{_ids_alias(attribute): _related_ids(field)})

    plan = _values_plan(model, resource, columns, many, names)
    if plan is not None:
        paths, renders = zip(*plan, strict=True)
        for values in rows.values_list(*paths).iterator(chunk_size=CHUNK_SIZE):
            yield [render(value) for render, value in zip(renders, values, strict=True)]
        return

    joined, cells = [], []
    for column in columns:
        field = _model_field(model, column.attribute) if column.attribute else None
        if column.attribute in many:
            render, alias = _names_of(names[column.attribute]), _ids_alias(column.attribute)
            cells.append(lambda record, render=render, alias=alias: render(getattr(record, alias)))
            continue
        if field is not None and field.is_relation:
            joined.append(column.attribute)
        cells.append(_record_cell(resource, column))
    for record in rows.select_related(*joined).iterator(chunk_size=CHUNK_SIZE):
        yield [cell(record) for cell in cells]


# --- The files -----------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers: list, rows, *, file_format: str = CSV):
    """The CSV file in pieces of `ROWS_PER_WRITE` rows, starting with the byte-order mark and headers."""
    excel = file_format == CSV_EXCEL
    writer = csv.writer(_Echo(), delimiter=";" if excel else ",")
    cell = excel_csv_cell if excel else csv_cell
    # The byte-order mark makes Excel read the file as UTF-8 (Turkish letters).
    yield "\ufeff" + writer.writerow(headers)
    batch = []
    for row in rows:
        batch.append(writer.writerow([cell(value) for value in row]))
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(headers: list, rows: list) -> list[int]:
    """A width per column that fits its header and the sampled values, within bounds."""
    widths = [_width(header) for header in headers]
    for row in rows:
        widths = [max(width, _width(value)) for width, value in zip(widths, row, strict=False)]
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def write_xlsx(file, headers: list, rows, title: str) -> int:
    """Write the workbook to `file` through openpyxl's write-only mode; returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(column_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"  # the headers stay in sight while scrolling
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in chain(sample, rows):
        sheet.append(spreadsheet_row(sheet, row))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{count + 1}"
    workbook.save(file)
    return count


def csv_response(queryset, resource, file_format: str = CSV) -> StreamingHttpResponse:
    """`resource`'s columns of `queryset`'s rows, written and sent a few hundred rows at a time."""
    lines = csv_lines(resource.get_export_headers(), export_rows(queryset, resource), file_format=file_format)
    response = StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(queryset.model, file_format))
    return response


def xlsx_response(queryset, resource) -> FileResponse:
    """The workbook, built in a temporary file on disk (never in memory) and sent from there."""
    title = capfirst(queryset.model._meta.verbose_name_plural)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(file, resource.get_export_headers(), export_rows(queryset, resource), title)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=export_filename(queryset.model, XLSX), content_type=XLSX_CONTENT_TYPE
    )


def export_response(queryset, resource, file_format: str):
    if file_format == XLSX:
        return xlsx_response(queryset, resource)
    return csv_response(queryset, resource, file_format)
