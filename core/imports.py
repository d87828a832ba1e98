"""Bring spreadsheets in: a CSV or XLSX upload becomes a previewed, all-or-nothing set of creates and updates.

An import reads the columns of the list's export (`Table.export_columns`), under the
same headers in either language, so export → edit in Excel → import is a round trip.

1. `read_sheet()` turns the uploaded bytes into a `Sheet` (headers and raw rows), or
   raises `ImportFileError` with a message for the form: empty, too many rows, not a
   spreadsheet. CSV may be UTF-8 (with or without BOM) or Windows-1254, separated by
   commas or by semicolons (Turkish Excel); XLSX is read with openpyxl in read-only mode.
2. An `Importer` (one per model, in `<app>/imports.py`) matches the headers, parses each
   cell with its `Cell`, finds the record a row updates by its code or ID, validates with
   `full_clean()` and the access rule, and returns an `ImportPlan`: rows to create, rows to
   update with their changes, unchanged rows and errors. Planning writes nothing.
3. `import_apply()` plans again inside one transaction and writes every row, or nothing.
"""

import codecs
import csv
import hashlib
import io
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from core.access import Role, role_of
from core.exports import FORMULA_START, ExportColumn
from core.models import StaleEditError
from core.text import turkish_fold
from partnership.models import Organization, ProtocolArticle, TechnologyProduct

LIST_SEPARATOR = ";"
EXTENSIONS = (".csv", ".xlsx")
MAX_COLUMNS = 100  # the widest list exports 16; cells further right are not read at all

NOT_A_SPREADSHEET = _(
    "This file is not a spreadsheet Köprü can read. Upload a CSV file (UTF-8 or Windows-1254) or an Excel .xlsx file."
)
# The same wording as Django's own messages, so their Turkish translations apply.
INVALID_CHOICE = _("Select a valid choice. %(value)s is not one of the available choices.")
INVALID_DATE = _("Enter a valid date.")
INVALID_DATETIME = _("Enter a valid date/time.")
INVALID_NUMBER = _("Enter a number.")
INVALID_INTEGER = _("Enter a whole number.")
INVALID_BOOLEAN = _("“%(value)s” value must be either True or False.")


def max_bytes() -> int:
    return settings.KOPRU_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.KOPRU_IMPORT_MAX_ROWS


# --- Reading a file ------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The upload as a whole cannot be imported; `message` says why, for the form."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """A spreadsheet's header row and data rows, cells as the file gave them (strings, numbers, dates)."""

    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cells)


ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx is a zip archive
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Text never holds control characters other than tab and line breaks; binary data almost always does.
BINARY_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_sheet(data: bytes, *, row_limit: int | None = None) -> Sheet:
    """Read CSV or XLSX bytes, telling the two apart by their content rather than by the file name."""
    if not data:
        raise ImportFileError(_("The submitted file is empty."))
    if data.startswith(OLE_SIGNATURE):
        raise ImportFileError(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    rows = _xlsx_rows(data) if data.startswith(ZIP_SIGNATURE) else _csv_rows(_decode(data))
    return _sheet(rows, row_limit if row_limit is not None else max_rows())


def _decode(data: bytes) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            attempts = [(data[len(bom) :], encoding)]
            break
    else:
        # Windows-1254 is what Turkish Excel writes when asked for "CSV" rather than "CSV UTF-8".
        attempts = [(data, "utf-8"), (data, "cp1254")]
    for payload, encoding in attempts:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if BINARY_CHARACTERS.search(text):
            break
        return text
    raise ImportFileError(NOT_A_SPREADSHEET)


def _delimiter(text: str) -> str:
    """Semicolon (Turkish Excel), comma or tab: whichever the header line uses most."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[list]:
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged archive fails in any of a dozen ways inside zipfile and openpyxl
        raise ImportFileError(NOT_A_SPREADSHEET) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(NOT_A_SPREADSHEET)
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    finally:
        workbook.close()


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and value[1:].startswith(FORMULA_START):
            value = value[1:]  # the export's guard against formulas (core.exports)
        return value or None
    return value


def _sheet(rows: Iterable, row_limit: int) -> Sheet:
    headers = None
    data_rows = []
    try:
        for number, raw in enumerate(rows, start=1):
            cells = [_cell(value) for value in raw[:MAX_COLUMNS]]
            while cells and cells[-1] is None:
                cells.pop()
            if not cells:
                continue
            if headers is None:
                headers = ["" if value is None else str(value) for value in cells]
                continue
            if len(data_rows) >= row_limit:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows. Split it into smaller files.")
                    % {"limit": formats.number_format(row_limit, force_grouping=True)}
                )
            data_rows.append((number, cells))
    except ImportFileError:
        raise
    except Exception as error:  # csv.Error, or damaged XML inside an .xlsx: the file is not readable
        raise ImportFileError(NOT_A_SPREADSHEET) from error
    if headers is None:
        raise ImportFileError(_("The submitted file is empty."))
    if not data_rows:
        raise ImportFileError(_("The file has a header row but no rows to import."))
    return Sheet(headers=headers, rows=data_rows)


# --- Parsing cells -------------------------------------------------------------------------------


def as_text(value) -> str:
    """A cell as text; whole numbers that Excel stored as floats lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y")
DATETIME_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def parse_datetime_value(value) -> datetime | None:
    """ISO (2026-04-27 09:30) or Turkish (27.04.2026 09:30) text, or an Excel date; naive means Istanbul time."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif _is_number(value):
        parsed = _from_excel(value)
    else:
        parsed = _parse_text_datetime(as_text(value))
    if parsed is None:
        raise ValidationError(INVALID_DATETIME, code="invalid")
    try:
        parsed = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        parsed.astimezone(dt_timezone.utc)  # the database stores UTC: year 1 at midnight in Istanbul has none
    except (OverflowError, ValueError):
        raise ValidationError(INVALID_DATETIME, code="invalid") from None
    return parsed


def _from_excel(value) -> datetime | None:
    """A date Excel kept as a serial number (days since 1900) because the cell lost its date format."""
    try:
        return from_excel(value)
    except (ValueError, OverflowError, TypeError):
        return None


def _parse_text_datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATETIME_FORMATS + DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def parse_date_value(value) -> date | None:
    """ISO (2026-03-31) or Turkish (31.03.2026) text, or an Excel date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = _from_excel(value) if _is_number(value) else _parse_text_datetime(as_text(value))
    if parsed is None:
        raise ValidationError(INVALID_DATE, code="invalid")
    return parsed.date()


def parse_decimal_value(value) -> Decimal | None:
    """A number written with a decimal comma (12,5) or point (12.5), with or without thousands separators."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError(INVALID_NUMBER, code="invalid")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = as_text(value).replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(INVALID_NUMBER, code="invalid") from None
    if not number.is_finite():
        raise ValidationError(INVALID_NUMBER, code="invalid")
    return number


def parse_integer_value(value) -> int | None:
    try:
        number = parse_decimal_value(value)
    except ValidationError:
        raise ValidationError(INVALID_INTEGER, code="invalid") from None
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationError(INVALID_INTEGER, code="invalid")
    return int(number)


TRUE_WORDS = {"true", "1", "yes", "y", "evet", "e", "x", "dogru", "on", "var"}
FALSE_WORDS = {"false", "0", "no", "n", "hayir", "h", "yanlis", "off", "yok", "-"}


def parse_boolean_value(value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    folded = turkish_fold(as_text(value))
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise ValidationError(INVALID_BOOLEAN, code="invalid", params={"value": as_text(value)})


def in_each_language(make_text) -> list[str]:
    """`make_text()` evaluated under each of the site's languages: headers and labels in TR and EN."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(make_text()))
    return texts


def display(value) -> str:
    """A parsed value as the preview shows it, in the user's language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, (date, Decimal, int, float)):
        return formats.localize(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value) or "—"
    return str(value)


def comparable(value):
    """What decides whether a value changed: records by primary key, lists as sets."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return tuple(sorted(comparable(item) for item in value))
    return value


# --- Finding records by name ---------------------------------------------------------------------


class Lookup:
    """Finds records by the names people write in spreadsheets, Turkish-aware and case-insensitive.

    Loads the candidates once per import, so a thousand rows naming the same
    organization cost one query, not a thousand.
    """

    model: type[models.Model]
    hint = ""  # what to write, for the upload page

    def __init__(self):
        self._index: dict[str, dict] | None = None

    def queryset(self):
        return self.model._default_manager.all()

    def keys(self, obj) -> Iterable[str]:
        return [str(obj)]

    def candidates(self, text: str) -> list[str]:
        return [text]

    @property
    def index(self) -> dict[str, dict]:
        if self._index is None:
            self._index = {}
            for obj in self.queryset():
                for key in self.keys(obj):
                    if folded := turkish_fold(key):
                        self._index.setdefault(folded, {})[obj.pk] = obj
        return self._index

    def resolve(self, text: str):
        for candidate in self.candidates(text):
            found = self.index.get(turkish_fold(candidate))
            if not found:
                continue
            if len(found) > 1:
                raise ValidationError(
                    _("“%(value)s” matches more than one %(model)s; write the full name."),
                    code="ambiguous",
                    params={"value": text, "model": self.model._meta.verbose_name},
                )
            return next(iter(found.values()))
        raise ValidationError(INVALID_CHOICE, code="invalid_choice", params={"value": text})


class OrganizationLookup(Lookup):
    """An organization by its name or short name."""

    model = Organization
    hint = _("organization name or short name")

    def keys(self, obj):
        return [obj.name, obj.short_name]


class ArticleLookup(Lookup):
    """A protocol article as the export writes it ("Md. 5 — …" / "Art. 5 — …"), by its title or by its number."""

    model = ProtocolArticle
    hint = _("article number or title")

    def keys(self, obj):
        keys = [obj.title, str(obj.number)]
        keys += in_each_language(lambda: str(obj))
        keys += in_each_language(lambda: _("Art. %(number)s") % {"number": obj.number})
        return keys


class ProductLookup(Lookup):
    """A technology product by its name, or "name (organization)" when two organizations use one name."""

    model = TechnologyProduct
    hint = _("product name")

    def queryset(self):
        return super().queryset().select_related("organization")

    def keys(self, obj):
        return [obj.name, f"{obj.name} ({obj.organization})"]


class ImportContext:
    """What one import run shares between its rows: the user, their role and the loaded lookups.

    An importer's `prepare_context()` adds what its access rule needs (a project's partners, say).
    """

    def __init__(self, user):
        self.user = user
        self.role: Role = role_of(user)
        self.editable: set = set()  # primary keys of existing records the user may change
        self._lookups: dict[type, Lookup] = {}
        self._choices: dict[models.Field, dict] = {}

    def lookup(self, lookup_class: type[Lookup]) -> Lookup:
        if lookup_class not in self._lookups:
            self._lookups[lookup_class] = lookup_class()
        return self._lookups[lookup_class]

    def choices(self, model_field: models.Field) -> dict[str, object]:
        """A choice field's values by their folded value and label in every language."""
        if model_field not in self._choices:
            options = {}
            for value, label in model_field.flatchoices:
                options[turkish_fold(str(value))] = value
                options[turkish_fold(str(value).replace("_", " "))] = value
                for text in in_each_language(lambda label=label: label):
                    options.setdefault(turkish_fold(text), value)
            self._choices[model_field] = options
        return self._choices[model_field]


# --- Cells: how a column's text becomes a field's value ----------------------------------------


class Cell:
    """How the cells of one column become the value of one model field."""

    many = False  # a many-to-many field, set after the record is saved
    assigns = True  # False for the ID column, which only identifies the record

    def __init__(self, field_name: str):
        self.field_name = field_name

    def parse(self, raw, model_field, context: ImportContext):
        raise NotImplementedError

    def current(self, instance, model_field):
        """The record's present value, for showing what changes."""
        return getattr(instance, model_field.name)

    def assign(self, instance, model_field, value) -> None:
        setattr(instance, model_field.name, value)

    def show(self, value, model_field) -> str:
        return display(value)

    def same(self, old, new) -> bool:
        """Whether the file's value leaves the record's value as it is."""
        return comparable(old) == comparable(new)

    def hint(self, model_field):
        return ""


class TextCell(Cell):
    def parse(self, raw, model_field, context):
        return as_text(raw)


class IntegerCell(Cell):
    def parse(self, raw, model_field, context):
        return parse_integer_value(raw)

    def hint(self, model_field):
        return _("a whole number")


class IdCell(IntegerCell):
    """The ID column of an export: names the record to update; empty creates a new one."""

    assigns = False
    largest = 2**63 - 1  # the largest key any of Köprü's databases can hold

    def parse(self, raw, model_field, context):
        value = super().parse(raw, model_field, context)
        if value is not None and not 0 < value <= self.largest:
            raise ValidationError(_("An ID is a positive whole number."), code="invalid")
        return value

    def hint(self, model_field):
        return _("the record to update; leave empty to add a new record")


class DecimalCell(Cell):
    def parse(self, raw, model_field, context):
        return parse_decimal_value(raw)

    def hint(self, model_field):
        return _("a number; 12,5 and 12.5 both work")


class DateCell(Cell):
    def parse(self, raw, model_field, context):
        return parse_date_value(raw)

    def hint(self, model_field):
        return _("a date: 2026-03-31 or 31.03.2026")


class DateTimeCell(Cell):
    def parse(self, raw, model_field, context):
        return parse_datetime_value(raw)

    def same(self, old, new) -> bool:
        # The CSV export writes times to the minute: a time without seconds matches a stored time within that minute.
        if old is not None and new is not None and not (new.second or new.microsecond):
            return old.replace(second=0, microsecond=0) == new
        return super().same(old, new)

    def hint(self, model_field):
        return _("a date and time, Istanbul time: 2026-03-31 14:30 or 31.03.2026 14:30")


class BooleanCell(Cell):
    def parse(self, raw, model_field, context):
        return parse_boolean_value(raw)

    def hint(self, model_field):
        return _("yes or no (evet / hayır, true / false, 1 / 0)")


class ChoiceCell(Cell):
    """One of a field's choices, by its stored value or its label in Turkish or English."""

    def parse(self, raw, model_field, context):
        text = as_text(raw)
        if not text:
            return None
        value = context.choices(model_field).get(turkish_fold(text))
        if value is None:
            raise ValidationError(INVALID_CHOICE, code="invalid_choice", params={"value": text})
        return value

    def show(self, value, model_field):
        return display(dict(model_field.flatchoices).get(value, value))

    def hint(self, model_field):
        return _("one of: %(choices)s") % {"choices": ", ".join(str(label) for _value, label in model_field.choices)}


class RefCell(Cell):
    """A foreign key, found by name through a `Lookup`."""

    def __init__(self, field_name: str, lookup: type[Lookup]):
        super().__init__(field_name)
        self.lookup = lookup

    def parse(self, raw, model_field, context):
        text = as_text(raw)
        return context.lookup(self.lookup).resolve(text) if text else None

    def current(self, instance, model_field):
        if getattr(instance, model_field.attname) is None:
            return None  # reading the relation of an empty non-null key would raise
        return getattr(instance, model_field.name)

    def assign(self, instance, model_field, value):
        # Through the id, which a non-null key accepts even when empty; full_clean() then reports it.
        setattr(instance, model_field.attname, None if value is None else value.pk)
        if value is not None:
            setattr(instance, model_field.name, value)

    def hint(self, model_field):
        return self.lookup.hint


class RefListCell(RefCell):
    """A many-to-many field: names separated by semicolons."""

    many = True

    def parse(self, raw, model_field, context):
        lookup = context.lookup(self.lookup)
        found, messages = [], []
        for part in as_text(raw).split(LIST_SEPARATOR):
            if not (text := part.strip()):
                continue
            try:
                obj = lookup.resolve(text)
            except ValidationError as error:
                messages.extend(error.messages)
                continue
            if obj not in found:
                found.append(obj)
        if messages:
            raise ValidationError(messages)
        if not found and not model_field.blank:
            raise ValidationError(model_field.error_messages["blank"], code="blank")
        return found

    def current(self, instance, model_field):
        return [] if instance.pk is None else list(getattr(instance, model_field.name).all())

    def assign(self, instance, model_field, value):
        raise TypeError("many-to-many values are set after saving")

    def hint(self, model_field):
        return _("%(what)s; several separated by “;”") % {"what": self.lookup.hint}


# --- Planning ------------------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass
class RowError:
    row: int
    column: str  # the column's header in the user's language; "" for the row as a whole
    message: str


@dataclass
class FieldChange:
    accessor: str
    column: str
    old: str
    new: str
    signature: tuple  # language-independent old and new values, for the plan's fingerprint


@dataclass
class PlannedRow:
    number: int
    instance: models.Model
    is_new: bool
    m2m: dict[str, list] = field(default_factory=dict)  # accessor → records, set after saving
    new_values: list[tuple] = field(default_factory=list)  # (cell, model field, value) of a row to create
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    note: str = ""
    label: str = ""  # the existing record as it reads before the import

    @property
    def values(self) -> list[str]:
        """The row's values as the preview shows them; worked out only for the rows a page shows."""
        return [
            display(value) if cell is None else cell.show(value, model_field)
            for cell, model_field, value in self.new_values
        ]

    @property
    def action(self) -> str:
        if self.errors:
            return ERROR
        if self.is_new:
            return CREATE
        return UPDATE if self.changes else UNCHANGED


@dataclass
class ImportPlan:
    """What an import would do, row by row; `fingerprint` tells whether a later plan is the same."""

    rows: list[PlannedRow]
    columns: list[str]  # headers of the imported columns present in the file, in the user's language
    ignored: list[str]  # headers of the file that are not imported

    def _with(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def creates(self):
        return self._with(CREATE)

    @property
    def updates(self):
        return self._with(UPDATE)

    @property
    def unchanged(self):
        return self._with(UNCHANGED)

    @property
    def error_rows(self):
        return self._with(ERROR)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for row in self.rows:
            signature = [change.signature for change in row.changes]
            digest.update(repr((row.number, row.action, row.instance.pk, signature)).encode())
        return digest.hexdigest()


class Importer:
    """How one list's spreadsheet becomes records: which export columns are read and how.

    Subclasses name the `model`, the `table_class` whose `export_columns` give the
    headers, the `key` column that finds an existing record, their `cells` (export
    accessor → `Cell`), the `required` columns, and the staff part of the access rule
    in `participation_errors()`.
    """

    model: type[models.Model]
    table_class: type
    key: str = "pk"
    cells: dict[str, Cell] = {}
    required: tuple[str, ...] = ()

    # Metadata

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def export_columns(self) -> list[ExportColumn]:
        return list(self.table_class.export_columns)

    def columns(self) -> list[ExportColumn]:
        """The export columns this import reads, in the export's order."""
        return [column for column in self.export_columns() if column.accessor in self.cells]

    def model_field(self, accessor: str) -> models.Field:
        return self.model._meta.get_field(self.cells[accessor].field_name)

    def header(self, accessor: str) -> str:
        return next(str(column.header) for column in self.export_columns() if column.accessor == accessor)

    def column_help(self) -> list[dict]:
        """Each imported column with whether it is required and what it accepts, for the upload page."""
        return [
            {
                "header": str(column.header),
                "required": column.accessor in self.required,
                "hint": self.cells[column.accessor].hint(self.model_field(column.accessor)),
            }
            for column in self.columns()
        ]

    def match_headers(self, headers: list[str]) -> dict[str, int]:
        """Export accessor → position in the file; headers may be in Turkish or English."""
        known = {}
        for column in self.export_columns():
            for text in [*in_each_language(lambda column=column: column.header), column.accessor]:
                known.setdefault(turkish_fold(text), column.accessor)
        positions, duplicates = {}, []
        for position, header in enumerate(headers):
            accessor = known.get(turkish_fold(header))
            if accessor is None:
                continue
            if accessor in positions:
                duplicates.append(header)
            else:
                positions[accessor] = position
        if duplicates:
            raise ImportFileError(
                _("These columns appear more than once: %(columns)s.") % {"columns": ", ".join(duplicates)}
            )
        missing = [self.header(accessor) for accessor in self.required if accessor not in positions]
        if missing:
            raise ImportFileError(
                _("The file lacks these required columns: %(columns)s. Download the template to see them all.")
                % {"columns": ", ".join(missing)}
            )
        return {accessor: position for accessor, position in positions.items() if accessor in self.cells}

    # Hooks for subclasses

    def queryset(self):
        """Existing records, with what comparing them reads (related rows, many-to-many)."""
        return self.model._default_manager.all()

    def key_of(self, value):
        """The key column's parsed value as the import compares it."""
        return value

    def existing_records(self, keys: set) -> dict:
        """Existing records by key."""
        return {obj.pk: obj for obj in self.queryset().filter(pk__in=keys)}

    def prepare_new(self, instance, context: ImportContext) -> None:
        """Defaults of a record the import creates (an owner, say)."""

    def prepare_context(self, context: ImportContext, rows: list[PlannedRow]) -> None:
        """Load, in a few queries, what `participation_errors()` needs for every row."""

    def participation_errors(self, row: PlannedRow, context: ImportContext) -> list[tuple[str | None, str]]:
        """For staff: (accessor, message) for each way the record would leave their organization out."""
        return []

    def related(self, row: PlannedRow, accessor: str) -> list:
        """A many-to-many column's records after the import: the file's, or the record's own when they stay."""
        if accessor in row.m2m:
            return row.m2m[accessor]
        return [] if row.is_new else list(getattr(row.instance, self.cells[accessor].field_name).all())

    def example_row(self, context: ImportContext) -> dict[str, object]:
        """Export accessor → value of the template's example row."""
        return {}

    # Planning

    def plan(self, sheet: Sheet, user) -> ImportPlan:
        """What importing `sheet` as `user` would do; reads the database, writes nothing."""
        positions = self.match_headers(sheet.headers)
        context = ImportContext(user)
        self._taken = TakenValues()
        parsed = [self._parse(number, cells, positions, context) for number, cells in sheet.rows]
        keys = {self.key_of(values[self.key]) for _n, values, _e in parsed if values.get(self.key) not in (None, "")}

        existing = self.existing_records(keys) if keys else {}
        if not context.role.is_manager and existing:
            editable = self.model._default_manager.editable_by(user).filter(pk__in=[o.pk for o in existing.values()])
            context.editable = set(editable.values_list("pk", flat=True))
        rows, seen = [], {}
        for number, values, errors in parsed:
            rows.append(self._plan_row(number, values, errors, positions, existing, seen, context))
        self.prepare_context(context, rows)
        for row in rows:
            self._check_access(row, context)
        recognised = set(positions.values())
        columns = [str(column.header) for column in self.columns() if column.accessor in positions]
        ignored = [header for position, header in enumerate(sheet.headers) if header and position not in recognised]
        return ImportPlan(rows=rows, columns=columns, ignored=ignored)

    def _parse(self, number, cells, positions, context):
        values, errors = {}, {}
        for accessor, position in positions.items():
            raw = cells[position] if position < len(cells) else None
            try:
                values[accessor] = self.cells[accessor].parse(raw, self.model_field(accessor), context)
            except ValidationError as error:
                errors[accessor] = error.messages
        return number, values, errors

    def _plan_row(self, number, values, errors, positions, existing, seen, context) -> PlannedRow:
        key_value = values.get(self.key)
        key = self.key_of(key_value) if key_value not in (None, "") else None
        if key is not None:
            if key in seen:
                errors.setdefault(self.key, []).append(
                    _("The same record appears on row %(row)s as well.") % {"row": seen[key]}
                )
            else:
                seen[key] = number
        instance = existing.get(key) if key is not None else None
        row = PlannedRow(number=number, instance=instance, is_new=instance is None)
        if row.is_new:
            row.instance = self.model()
            self.prepare_new(row.instance, context)
            if key is not None and not self.cells[self.key].assigns:
                row.note = _("No record has ID %(id)s; a new one will be added.") % {"id": key_value}
        ordered = [accessor for accessor in self.cells if accessor in positions]
        old = {}
        if not row.is_new:
            row.label = str(row.instance)
            old = {a: self.cells[a].current(row.instance, self.model_field(a)) for a in ordered}
        for accessor in ordered:
            cell, model_field = self.cells[accessor], self.model_field(accessor)
            if not cell.assigns or accessor in errors:
                continue
            value = values[accessor]
            if value is None and not model_field.null and model_field.has_default():
                value = model_field.get_default()
            if not row.is_new and cell.same(old[accessor], value):
                continue  # keeps the stored value exactly (a time's seconds, say)
            if cell.many:
                row.m2m[accessor] = value
            else:
                cell.assign(row.instance, model_field, value)
        self._validate(row, errors)
        for accessor, messages in errors.items():
            row.errors += [RowError(number, self.header(accessor), str(message)) for message in messages]
        for accessor in ordered:
            cell, model_field = self.cells[accessor], self.model_field(accessor)
            new = row.m2m.get(accessor, old.get(accessor, [])) if cell.many else cell.current(row.instance, model_field)
            if row.is_new:
                shown_as_given = accessor in errors or not cell.assigns
                row.new_values.append(
                    (None, None, values.get(accessor)) if shown_as_given else (cell, model_field, new)
                )
            elif cell.assigns and accessor not in errors and not cell.same(old[accessor], new):
                row.changes.append(
                    FieldChange(
                        accessor=accessor,
                        column=self.header(accessor),
                        old=cell.show(old[accessor], model_field),
                        new=cell.show(new, model_field),
                        signature=(accessor, comparable(old[accessor]), comparable(new)),
                    )
                )
        return row

    def _validate(self, row: PlannedRow, errors: dict) -> None:
        """The model's own validation: fields, clean(), unique and check constraints with their messages."""
        excluded = {self.cells[accessor].field_name for accessor in errors}
        try:
            full_clean(row.instance, exclude=excluded, taken=self._taken)
        except ValidationError as error:
            by_field = {cell.field_name: accessor for accessor, cell in self.cells.items() if cell.assigns}
            for field_name, messages in error.message_dict.items():
                accessor = by_field.get(field_name)
                if accessor is None:
                    label = "" if field_name == NON_FIELD_ERRORS else self._field_label(field_name)
                    row.errors += [RowError(row.number, label, str(message)) for message in messages]
                else:
                    errors.setdefault(accessor, []).extend(messages)

    def _field_label(self, field_name: str) -> str:
        try:
            return str(self.model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:  # a message keyed by something other than a field
            return field_name

    def _check_access(self, row: PlannedRow, context: ImportContext) -> None:
        """Staff change only records their organization takes part in, before and after the change."""
        if context.role.is_manager or row.action in (UNCHANGED, ERROR):
            return
        problems = []
        if not row.is_new and row.instance.pk not in context.editable:
            problems.append(
                (
                    self.key,
                    _("Your organization (%(organization)s) does not take part in this record, so it cannot change it.")
                    % {"organization": context.role.organization or "—"},
                )
            )
        problems += self.participation_errors(row, context)
        for accessor, message in problems:
            column = self.header(accessor) if accessor else ""
            row.errors.append(RowError(row.number, column, str(message)))

    # Templates

    def template_rows(self, user) -> tuple[list[str], list]:
        """Headers (in the user's language) and one example row for the downloadable template."""
        example = self.example_row(ImportContext(user))
        columns = self.columns()
        return [str(column.header) for column in columns], [example.get(column.accessor) for column in columns]


class TakenValues:
    """The values of single-field unique constraints already in the table, loaded once per import."""

    def __init__(self):
        self._values: dict[tuple, dict] = {}

    def owner(self, model, field_name: str, value):
        """The primary key of the record holding `value`, or None."""
        key = (model, field_name)
        if key not in self._values:
            self._values[key] = dict(model._default_manager.values_list(field_name, "pk"))
        return self._values[key].get(value)


def full_clean(instance: models.Model, exclude: set[str], taken: TakenValues | None = None) -> None:
    """`Model.full_clean()`, in the same steps with the same messages, at a fraction of the queries.

    Django checks each foreign key's existence with a query, each check constraint
    with another (`Q.check()`) and each unique constraint with a third, which makes
    10,000 rows cost tens of thousands of queries. Here foreign keys are not
    re-queried (their values came from the database during this import, and the
    database still enforces them on save), simple check conditions are evaluated
    in Python with SQL's three-valued logic, and single-field unique constraints
    compare against the column's values loaded once (`taken`). Anything else goes
    to Django.
    """
    errors = {}
    known = {
        f.name for f in instance._meta.concrete_fields if f.is_relation and getattr(instance, f.attname) is not None
    }
    try:
        instance.clean_fields(exclude=exclude | known)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=exclude | {instance._meta.pk.name})  # a primary key is unique already
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        validate_constraints(instance, exclude, taken or TakenValues())
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def validate_constraints(instance: models.Model, exclude: set[str], taken: TakenValues) -> None:
    """`Model.validate_constraints()`, with simple constraints checked in Python (see `full_clean`)."""
    using = router.db_for_write(type(instance), instance=instance)
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, models.CheckConstraint):
                    _validate_check(constraint, model_class, instance, exclude, using)
                elif _is_simple_unique(constraint):
                    _validate_unique(constraint, model_class, instance, exclude, taken)
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class _Unsupported(Exception):
    pass


COMPARISONS = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _validate_check(constraint, model_class, instance, exclude, using) -> None:
    if exclude & constraint.condition.referenced_base_fields:
        return  # as Django does: a field in error already has its message
    try:
        holds = _truth(constraint.condition, instance)
    except _Unsupported:
        constraint.validate(model_class, instance, exclude=exclude, using=using)
        return
    if holds is False:  # unknown (NULL) passes, as in SQL
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


def _is_simple_unique(constraint) -> bool:
    return (
        isinstance(constraint, models.UniqueConstraint)
        and len(constraint.fields) == 1
        and constraint.condition is None
        and not constraint.expressions
        and not constraint.include
    )


def _validate_unique(constraint, model_class, instance, exclude, taken: TakenValues) -> None:
    field_name = constraint.fields[0]
    if field_name in exclude:
        return
    value = getattr(instance, model_class._meta.get_field(field_name).attname)
    if value is None:
        return  # NULLs never collide
    owner = taken.owner(model_class, field_name, value)
    if owner is not None and owner != instance.pk:
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


def _truth(node, instance) -> bool | None:
    """SQL's truth of a condition made of field comparisons (IN a list too), AND, OR and NOT:
    True, False or None (unknown)."""
    if isinstance(node, Q):
        results = [_truth(child, instance) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else None if None in results else True
        elif node.connector == Q.OR:
            result = True if True in results else None if None in results else False
        else:
            raise _Unsupported
        return (None if result is None else not result) if node.negated else result
    if not isinstance(node, tuple):
        raise _Unsupported
    lookup, value = node
    name, _sep, comparison = lookup.partition("__")
    left = _field_value(instance, name)
    if comparison == "isnull":
        return (left is None) == bool(value)
    if isinstance(value, F):
        right = _field_value(instance, value.name)
    elif isinstance(value, models.Model):
        right = value.pk
    elif hasattr(value, "resolve_expression"):
        raise _Unsupported
    else:
        right = value
    if comparison == "in" and isinstance(right, list | tuple | set | frozenset):
        return None if left is None else left in right  # a choice the field allows
    compare = COMPARISONS.get(comparison or "exact")
    if compare is None:
        raise _Unsupported
    if left is None or right is None:
        return None
    try:
        return compare(left, right)
    except TypeError:  # values of a kind the database would convert first
        raise _Unsupported from None


def _field_value(instance, name: str):
    if name == "pk":
        return instance.pk
    try:
        return getattr(instance, instance._meta.get_field(name).attname)
    except (FieldDoesNotExist, AttributeError):
        raise _Unsupported from None


class ImportRejected(Exception):
    """Confirming found errors, or a plan different from the one previewed: nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__("import rejected")
        self.plan = plan


@dataclass
class ImportResult:
    created: int
    updated: int


BATCH_SIZE = 500


@transaction.atomic
def import_apply(
    *, importer: Importer, sheet: Sheet, user, file_name: str = "", expected_fingerprint: str | None = None
) -> ImportResult:
    """Validate `sheet` again and write all of its creates and updates, or nothing.

    Raises `ImportRejected` when a row has an error, or when `expected_fingerprint`
    (the previewed plan's) differs because the records changed meanwhile, and
    `StaleEditError` when a record changes while this runs. Every written record
    gets a history entry carrying `user` and the file's name.

    Records are written in batches, with their history and many-to-many rows:
    saving ten thousand records one by one takes the better part of a minute,
    longer than a web worker may take. Batches skip `save()`, so what the models'
    `save()` keeps (search text, version, `auto_now` times) is kept here instead.
    """
    plan = importer.plan(sheet, user)
    if plan.errors or (expected_fingerprint is not None and plan.fingerprint != expected_fingerprint):
        raise ImportRejected(plan)
    reason = str(_("Imported from %(file)s") % {"file": file_name or "—"})[:100]
    creates, updates = plan.creates, plan.updates
    _insert(importer, creates, user=user, reason=reason)
    _update(importer, updates, user=user, reason=reason)
    return ImportResult(created=len(creates), updated=len(updates))


def _insert(importer: Importer, rows: list[PlannedRow], *, user, reason: str) -> None:
    """Insert new records in batches, with a history entry each and their many-to-many rows."""
    if not rows:
        return
    for row in rows:
        if hasattr(row.instance, "refresh_search_text"):
            row.instance.refresh_search_text()  # bulk inserts skip save(), which keeps it
    saved = bulk_create_with_history(
        [row.instance for row in rows],
        importer.model,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=reason,
    )
    _link(importer, [(row, record.pk) for row, record in zip(rows, saved, strict=True)])


def _update(importer: Importer, rows: list[PlannedRow], *, user, reason: str) -> None:
    """Update records in batches: a compare-and-set on their versions, then the fields, history and links."""
    if not rows:
        return
    model = importer.model
    instances = [row.instance for row in rows]
    fields = {
        importer.cells[change.accessor].field_name
        for row in rows
        for change in row.changes
        if not importer.cells[change.accessor].many
    }
    concrete = {model_field.name: model_field for model_field in model._meta.concrete_fields}
    if "version" in concrete:
        # Locked (on PostgreSQL) until the end of the transaction, so nobody saves in between.
        versions = model._default_manager.select_for_update().filter(pk__in=[obj.pk for obj in instances])
        current = dict(versions.values_list("pk", "version"))
        for instance in instances:
            if current.get(instance.pk) != instance.version:
                raise StaleEditError(instance, instance.version)
            instance.version += 1
        fields.add("version")
    now = timezone.now()
    for name, model_field in concrete.items():
        if getattr(model_field, "auto_now", False):
            fields.add(name)
            for instance in instances:
                setattr(instance, model_field.attname, now)
    if hasattr(model, "refresh_search_text"):
        fields.add("search_text")
        for instance in instances:
            instance.refresh_search_text()
    # One plain UPDATE per record: Django's bulk_update() builds a CASE per field and row, and is slower.
    manager = model._default_manager
    attnames = {name: concrete[name].attname for name in fields}
    for instance in instances:
        manager.filter(pk=instance.pk).update(
            **{name: getattr(instance, attname) for name, attname in attnames.items()}
        )
    get_history_manager_for_model(model).bulk_history_create(
        instances, update=True, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
    )
    _link(importer, [(row, row.instance.pk) for row in rows], replace=True)


def _link(importer: Importer, rows: list[tuple[PlannedRow, object]], *, replace: bool = False) -> None:
    """Write the many-to-many rows the file gives; `replace` drops a record's old links first."""
    for accessor, cell in importer.cells.items():
        if not cell.many:
            continue
        model_field = importer.model_field(accessor)
        through = model_field.remote_field.through
        source, target = f"{model_field.m2m_field_name()}_id", f"{model_field.m2m_reverse_field_name()}_id"
        given = [(row, pk) for row, pk in rows if accessor in row.m2m]
        if replace and given:
            through.objects.filter(**{f"{source}__in": [pk for _row, pk in given]}).delete()
        links = [through(**{source: pk, target: related.pk}) for row, pk in given for related in row.m2m[accessor]]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
