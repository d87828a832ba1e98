"""Spreadsheet columns, declared once per model as django-import-export Resources.

Each model's Resource (`<app>/resources.py`) names its columns: the lists' export
(`core.exports`), the import pages (`core.import_views`) and the admin's import and export
all read them. What the library does not do lives here, in `KopruResource`:

- headers in Turkish or English, in any order and case (`match_headers`, `before_import`);
  exports carry the user's language;
- widgets that read what Turkish spreadsheets hold: 31.03.2026, 12,5, Evet, names of
  organizations and articles (loaded once per import, found the Turkish way);
- a preview that runs no query per row: records, names and unique values are loaded once
  and the models' checks are evaluated in Python (`full_clean`);
- the access rule: staff write only rows their organization takes part in;
- `import_apply`: every row in one transaction or none, as the importing user in the history.

`read_sheet` reads the upload itself (CSV in UTF-8 or Windows-1254, comma or semicolon,
or XLSX), with the row numbers Excel shows, which the library's formats do not keep.
"""

import codecs
import csv
import hashlib
import io
import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from openpyxl.utils.datetime import from_excel

from core.access import role_of
from core.exports import FORMULA_START, csv_cell, plain
from core.text import turkish_fold

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


def _csv_rows(text: str):
    # Semicolon (Turkish Excel), comma or tab: whichever the header line uses most.
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes):
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


def _sheet(rows, row_limit: int) -> Sheet:
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


# --- Shared helpers ------------------------------------------------------------------------------


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


def in_each_language(make_text) -> list[str]:
    """`make_text()` evaluated under each of the site's languages: headers and labels in TR and EN."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(make_text()))
    return texts


def display(value) -> str:
    """A value as the preview shows it, in the user's language."""
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


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _from_excel(value) -> datetime | None:
    """A date Excel kept as a serial number (days since 1900) because the cell lost its date format."""
    try:
        return from_excel(value)
    except (ValueError, OverflowError, TypeError):
        return None


DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y")
DATETIME_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def _parse_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if _is_number(value):
        return _from_excel(value)
    text = as_text(value)
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


# --- Widgets: how a column's cells become a field's value, and back -----------------------------


class Widget(widgets.Widget):
    """Text. Every widget reads what people type, writes machine-readable values, and shows values
    in the preview (`show`); `same` says whether a cell leaves the stored value as it is."""

    hint = ""

    def clean(self, value, row=None, **kwargs):
        return as_text(value)

    def render(self, value, obj=None, **kwargs):
        return plain(value)

    def current(self, instance, attribute):
        return getattr(instance, attribute)

    def show(self, value) -> str:
        return display(value)

    def same(self, old, new) -> bool:
        return comparable(old) == comparable(new)


class DecimalWidget(Widget):
    hint = _("a number; 12,5 and 12.5 both work")

    def clean(self, value, row=None, **kwargs):
        """A decimal comma (12,5) or point (12.5), with or without thousands separators."""
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValidationError(INVALID_NUMBER, code="invalid")
        if isinstance(value, (Decimal, int)):
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
        elif text.count(",") > 1 or text.count(".") > 1:
            text = text.replace(",", "").replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(INVALID_NUMBER, code="invalid") from None
        if not number.is_finite():
            raise ValidationError(INVALID_NUMBER, code="invalid")
        return number


class IntegerWidget(Widget):
    hint = _("a whole number")

    def clean(self, value, row=None, **kwargs):
        try:
            number = DecimalWidget().clean(value)
        except ValidationError:
            raise ValidationError(INVALID_INTEGER, code="invalid") from None
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValidationError(INVALID_INTEGER, code="invalid")
        return int(number)


class IdWidget(IntegerWidget):
    """The ID column of an export: names the record to update; empty adds a new one."""

    hint = _("the record to update; leave empty to add a new record")
    largest = 2**63 - 1  # the largest key any of Köprü's databases can hold

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value)
        if number is not None and not 0 < number <= self.largest:
            raise ValidationError(_("An ID is a positive whole number."), code="invalid")
        return number


class DateWidget(Widget):
    hint = _("a date: 2026-03-31 or 31.03.2026")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        parsed = _parse_datetime(value)
        if parsed is None:
            raise ValidationError(INVALID_DATE, code="invalid")
        return parsed.date()


class DateTimeWidget(Widget):
    hint = _("a date and time, Istanbul time: 2026-03-31 14:30 or 31.03.2026 14:30")

    def clean(self, value, row=None, **kwargs):
        """ISO (2026-04-27 09:30) or Turkish (27.04.2026 09:30) text, or an Excel date; naive is Istanbul time."""
        if value in (None, ""):
            return None
        parsed = _parse_datetime(value)
        if parsed is None:
            raise ValidationError(INVALID_DATETIME, code="invalid")
        try:
            parsed = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
            parsed.astimezone(dt_timezone.utc)  # the database stores UTC: year 1 at midnight in Istanbul has none
        except (OverflowError, ValueError):
            raise ValidationError(INVALID_DATETIME, code="invalid") from None
        return parsed

    def same(self, old, new) -> bool:
        # The CSV export writes times to the minute: a time without seconds matches a stored time within that minute.
        if old is not None and new is not None and not (new.second or new.microsecond):
            return old.replace(second=0, microsecond=0) == new
        return super().same(old, new)


TRUE_WORDS = {"true", "1", "yes", "y", "evet", "e", "x", "dogru", "on", "var"}
FALSE_WORDS = {"false", "0", "no", "n", "hayir", "h", "yanlis", "off", "yok", "-"}


class BooleanWidget(Widget):
    hint = _("yes or no (evet / hayır, true / false, 1 / 0)")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return None
        folded = turkish_fold(as_text(value))
        if folded in TRUE_WORDS:
            return True
        if folded in FALSE_WORDS:
            return False
        raise ValidationError(INVALID_BOOLEAN, code="invalid", params={"value": as_text(value)})


class ChoiceWidget(Widget):
    """One of a field's choices, by its stored value or its label in Turkish or English; exported by label."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices.choices if hasattr(choices, "choices") else choices
        self._options = None

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return None
        if self._options is None:
            self._options = {}
            for stored, label in self.choices:
                self._options[turkish_fold(str(stored))] = stored
                self._options[turkish_fold(str(stored).replace("_", " "))] = stored
                for shown in in_each_language(lambda label=label: label):
                    self._options.setdefault(turkish_fold(shown), stored)
        found = self._options.get(turkish_fold(text))
        if found is None:
            raise ValidationError(INVALID_CHOICE, code="invalid_choice", params={"value": text})
        return found

    def render(self, value, obj=None, **kwargs):
        return None if value in (None, "") else str(dict(self.choices).get(value, value))

    def show(self, value):
        return display(self.render(value))

    @property
    def hint(self):
        return _("one of: %(choices)s") % {"choices": ", ".join(str(label) for _value, label in self.choices)}


# --- Finding records by the names people write ---------------------------------------------------


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

    def keys(self, obj):
        return [str(obj)]

    def candidates(self, text: str) -> list[str]:
        return [text]

    def resolve(self, text: str):
        if self._index is None:
            self._index = {}
            for obj in self.queryset():
                for key in self.keys(obj):
                    if folded := turkish_fold(key):
                        self._index.setdefault(folded, {})[obj.pk] = obj
        for candidate in self.candidates(text):
            found = self._index.get(turkish_fold(candidate))
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


class LookupWidget(Widget):
    """A foreign key, found by name through a `Lookup`; exported as the related record's `export_as`."""

    def __init__(self, lookup: type[Lookup], export_as: str):
        super().__init__()
        self.lookup_class, self.export_as = lookup, export_as
        self.lookup = lookup()

    def __deepcopy__(self, memo):  # each Resource instance gets its own, empty index
        return type(self)(self.lookup_class, self.export_as)

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        return self.lookup.resolve(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return None if value is None else plain(getattr(value, self.export_as))

    def current(self, instance, attribute):
        if getattr(instance, instance._meta.get_field(attribute).attname) is None:
            return None  # reading the relation of an empty non-null key would raise
        return getattr(instance, attribute)

    @property
    def hint(self):
        return self.lookup_class.hint


class LookupListWidget(LookupWidget):
    """A many-to-many field: names separated by semicolons."""

    def __init__(self, lookup: type[Lookup], export_as: str = ""):
        super().__init__(lookup, export_as)

    def clean(self, value, row=None, **kwargs):
        found, messages = [], []
        for part in as_text(value).split(LIST_SEPARATOR):
            if not (text := part.strip()):
                continue
            try:
                obj = self.lookup.resolve(text)
            except ValidationError as error:
                messages.extend(error.messages)
                continue
            if obj not in found:
                found.append(obj)
        if messages:
            raise ValidationError(messages)
        return found

    def render(self, value, obj=None, **kwargs):
        return "; ".join(str(item) for item in value.all()) if value is not None else None

    def current(self, instance, attribute):
        return [] if instance.pk is None else list(getattr(instance, attribute).all())

    @property
    def hint(self):
        return _("%(what)s; several separated by “;”") % {"what": self.lookup_class.hint}


class Column(fields.Field):
    """One spreadsheet column: `column_name` names it in code and in files, `header` in either language."""

    def __init__(self, attribute, column_name, header, widget=None, *, required=False, readonly=False):
        super().__init__(attribute=attribute, column_name=column_name, widget=widget or Widget(), readonly=readonly)
        self.header = header
        self.required = required

    @property
    def many(self) -> bool:
        return isinstance(self.widget, LookupListWidget)


# --- Planning: what an import would do, row by row ----------------------------------------------

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
    instance: models.Model | None = None
    is_new: bool = True
    key: object = None
    m2m: dict[str, list] = field(default_factory=dict)  # attribute → records, set after saving
    cell_errors: dict[str, list] = field(default_factory=dict)  # column name → messages
    shown: list[tuple] = field(default_factory=list)  # (widget or None, value) of a row to create
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    note: str = ""
    label: str = ""  # the existing record as it reads before the import

    @property
    def values(self) -> list[str]:
        return [display(value) if widget is None else widget.show(value) for widget, value in self.shown]

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

    creates = property(lambda self: self._with(CREATE))
    updates = property(lambda self: self._with(UPDATE))
    unchanged = property(lambda self: self._with(UNCHANGED))
    error_rows = property(lambda self: self._with(ERROR))

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for row in self.rows:
            signature = [change.signature for change in row.changes]
            pk = None if row.is_new else row.instance.pk
            digest.update(repr((row.number, row.action, pk, signature)).encode())
        return digest.hexdigest()


class KopruResource(resources.ModelResource):
    """The columns of one model's spreadsheets, and how an import as `user` checks and writes them.

    Subclasses declare `Column`s, `Meta.model`, `Meta.fields` (the columns' names, in the
    export's order) and `Meta.import_id_fields` (the column that finds an existing record),
    and the staff part of the access rule in `participation_errors()`.
    """

    export_prefetch: tuple = ()  # what the export's rows read besides their own columns

    class Meta:
        skip_diff = True  # the preview lists the changed fields itself (PlannedRow.changes)
        # Rows are still saved one by one (save_instance), but without a savepoint each: the
        # import is one transaction, and any error rolls all of it back.
        use_bulk = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user, self.role = user, (role_of(user) if user is not None else None)

    # Columns

    @property
    def key(self) -> Column:
        return self.fields[self.get_import_id_fields()[0]]

    def columns(self) -> list[Column]:
        """The columns an import reads, in the export's order."""
        return [column for column in self.get_export_fields() if not column.readonly or column is self.key]

    def column(self, column_name: str) -> Column:
        return next(column for column in self.fields.values() if column.column_name == column_name)

    def header(self, column_name: str) -> str:
        return str(self.column(column_name).header)

    def get_export_headers(self, selected_fields=None):
        return [str(column.header) for column in self.get_export_fields(selected_fields)]

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """A row of the admin's export (tablib): text that would be a formula gets the CSV guard."""
        return [csv_cell(value) for value in super().export_resource(instance, selected_fields, **kwargs)]

    def model_field(self, column: Column):
        return self._meta.model._meta.get_field(column.attribute)

    def column_help(self) -> list[dict]:
        """Each imported column with whether it is required and what it accepts, for the upload page."""
        return [
            {"header": str(column.header), "required": column.required, "hint": column.widget.hint}
            for column in self.columns()
        ]

    def match_headers(self, headers: list[str]) -> dict[str, int]:
        """Column name → position in the file; headers may be in Turkish or English."""
        known = {}
        for column in self.get_export_fields():
            for text in [*in_each_language(lambda column=column: column.header), column.column_name]:
                known.setdefault(turkish_fold(text), column.column_name)
        positions, duplicates = {}, []
        for position, header in enumerate(headers):
            name = known.get(turkish_fold(str(header or "")))
            if name is None:
                continue
            if name in positions:
                duplicates.append(header)
            else:
                positions[name] = position
        if duplicates:
            raise ImportFileError(
                _("These columns appear more than once: %(columns)s.") % {"columns": ", ".join(duplicates)}
            )
        missing = [str(c.header) for c in self.columns() if c.required and c.column_name not in positions]
        if missing:
            raise ImportFileError(
                _("The file lacks these required columns: %(columns)s. Download the template to see them all.")
                % {"columns": ", ".join(missing)}
            )
        imported = {column.column_name for column in self.columns()}
        return {name: position for name, position in positions.items() if name in imported}

    # Hooks for subclasses

    def key_of(self, value):
        """The key column's parsed value as the import compares it."""
        return value

    def existing_records(self, keys: set) -> dict:
        return {obj.pk: obj for obj in self.get_queryset().filter(pk__in=keys)}

    def prepare(self, existing: dict) -> None:
        """Load, in a few queries, what `participation_errors()` needs for every row."""

    def prepare_new(self, instance) -> None:
        """Defaults of a record the import creates (an owner, say)."""

    def participation_errors(self, row: PlannedRow) -> list[tuple[str, str]]:
        """For staff: (column name, message) for each way the record would leave their organization out."""
        return []

    def related(self, row: PlannedRow, attribute: str) -> list:
        """A many-to-many field's records after the import: the file's, or the record's own."""
        if attribute in row.m2m:
            return row.m2m[attribute]
        return [] if row.is_new else list(getattr(row.instance, attribute).all())

    def example_row(self) -> dict:
        """Column name → value of the template's example row."""
        return {}

    def template_rows(self) -> tuple[list[str], list]:
        example = self.example_row()
        return [str(column.header) for column in self.columns()], [example.get(c.column_name) for c in self.columns()]

    # The import, as django-import-export runs it: before_import, then per row before_import_row,
    # get_instance, after_init_instance, import_instance, skip_row, validate_instance, save_instance.

    def before_import(self, dataset, **kwargs):
        """Headers in either language become column names; records, names and the user's rights load once."""
        positions = self.match_headers(dataset.headers)
        by_position = {position: name for name, position in positions.items()}
        dataset.headers = [by_position.get(position, header) for position, header in enumerate(dataset.headers)]
        if self.key.column_name not in dataset.headers:
            dataset.append_col([None] * len(dataset), header=self.key.column_name)
        if kwargs.get("user") not in (None, self.user):  # the admin names its user here
            self.user, self.role = kwargs["user"], role_of(kwargs["user"])
        self.row_numbers = kwargs.get("row_numbers") or range(2, len(dataset) + 2)
        self.reason = str(_("Imported from %(file)s") % {"file": kwargs.get("file_name") or "—"})[:100]
        self.planned, self.seen, self.taken = [], {}, TakenValues()
        keys = set()
        for value in dataset[self.key.column_name]:
            try:
                if (parsed := self.key.clean({self.key.column_name: value})) not in (None, ""):
                    keys.add(self.key_of(parsed))
            except ValidationError:
                continue  # the row reports it
        self.existing = self.existing_records(keys) if keys else {}
        self.editable = set()
        if not self.role.is_manager and self.existing:
            pks = [obj.pk for obj in self.existing.values()]
            self.editable = set(
                self._meta.model._default_manager.editable_by(self.user).filter(pk__in=pks).values_list("pk", flat=True)
            )
        self.prepare(self.existing)

    def before_import_row(self, row, **kwargs):
        planned = PlannedRow(number=self.row_numbers[kwargs["row_number"] - 1])
        self.planned.append(planned)
        key = self.key
        try:
            value = key.clean(row)
        except ValidationError as error:
            planned.cell_errors[key.column_name] = error.messages
            return
        if value in (None, ""):
            return
        planned.key = self.key_of(value)
        if planned.key in self.seen:
            message = _("The same record appears on row %(row)s as well.") % {"row": self.seen[planned.key]}
            planned.cell_errors.setdefault(key.column_name, []).append(message)
        else:
            self.seen[planned.key] = planned.number
        if planned.key not in self.existing and key.readonly:
            planned.note = _("No record has ID %(id)s; a new one will be added.") % {"id": value}

    def get_instance(self, instance_loader, row):
        return self.existing.get(self.planned[-1].key)

    def after_init_instance(self, instance, new, row, **kwargs):
        planned = self.planned[-1]
        planned.instance, planned.is_new = instance, new
        if new:
            self.prepare_new(instance)
        else:
            planned.label = str(instance)

    def import_instance(self, instance, row, **kwargs):
        """Parse every cell; assign the values that change the record, noting each change for the preview."""
        planned = self.planned[-1]
        for column in self.columns():
            if column.column_name not in row:
                continue
            raw = row[column.column_name]
            if column.readonly or column.column_name in planned.cell_errors:
                planned.shown.append((None, raw))
                continue
            model_field = self.model_field(column)
            try:
                value = column.clean(row)
                if column.many and not value and not model_field.blank:
                    raise ValidationError(model_field.error_messages["blank"], code="blank")
            except ValidationError as error:
                planned.cell_errors[column.column_name] = error.messages
                planned.shown.append((None, raw))
                continue
            if value is None and not model_field.null and model_field.has_default():
                value = model_field.get_default()
            old = None if planned.is_new else column.widget.current(instance, column.attribute)
            planned.shown.append((column.widget, value))
            if not planned.is_new and column.widget.same(old, value):
                continue  # keeps the stored value exactly (a time's seconds, say)
            if column.many:
                planned.m2m[column.attribute] = value
            elif model_field.is_relation:
                # Through the id, which a non-null key accepts even when empty; full_clean() then reports it.
                setattr(instance, model_field.attname, None if value is None else value.pk)
                if value is not None:
                    setattr(instance, column.attribute, value)
            else:
                setattr(instance, column.attribute, value)
            if not planned.is_new:
                planned.changes.append(
                    FieldChange(
                        accessor=column.column_name,
                        column=str(column.header),
                        old=column.widget.show(old),
                        new=column.widget.show(value),
                        signature=(column.column_name, comparable(old), comparable(value)),
                    )
                )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that changes nothing is left alone: not validated, not saved, no history entry."""
        planned = self.planned[-1]
        return not planned.is_new and not planned.changes and not planned.cell_errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The cells' errors, the model's own validation and the access rule, named by row and column."""
        planned = self.planned[-1]
        errors = {name: list(messages) for name, messages in planned.cell_errors.items()}
        assigned = {column.attribute: column.column_name for column in self.columns() if not column.readonly}
        try:
            full_clean(instance, exclude={self.column(name).attribute for name in errors}, taken=self.taken)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                if field_name in assigned:
                    errors.setdefault(assigned[field_name], []).extend(messages)
                else:
                    label = "" if field_name == NON_FIELD_ERRORS else self._field_label(field_name)
                    planned.errors += [RowError(planned.number, label, str(message)) for message in messages]
        for name, messages in errors.items():
            planned.errors += [RowError(planned.number, self.header(name), str(message)) for message in messages]
        if not self.role.is_manager:
            problems = []
            if not planned.is_new and instance.pk not in self.editable:
                message = _(
                    "Your organization (%(organization)s) does not take part in this record, so it cannot change it."
                )
                problems.append((self.key.column_name, message % {"organization": self.role.organization or "—"}))
            problems += self.participation_errors(planned)
            planned.errors += [RowError(planned.number, self.header(name), str(text)) for name, text in problems]
        if planned.errors:
            by_column = {}
            for error in planned.errors:
                by_column.setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
            raise ValidationError(by_column)

    def _field_label(self, field_name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:  # a message keyed by something other than a field
            return field_name

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save as the importing user, refusing a record someone else saved since it was read."""
        if self._is_dry_run(kwargs):
            return  # the checks above are the preview; nothing needs writing and rolling back
        instance._history_user = self.user
        instance._change_reason = self.reason
        if not is_create and hasattr(instance, "version"):
            instance._expected_version = instance.version  # VersionedModel: a compare-and-set
        instance.save()

    def save_m2m(self, instance, row, **kwargs):
        if not self._is_dry_run(kwargs):
            for attribute, records in self.planned[-1].m2m.items():
                getattr(instance, attribute).set(records)

    # Running it

    def plan(self, sheet: Sheet, *, dry_run: bool = True, file_name: str = "") -> ImportPlan:
        """What importing `sheet` would do; with `dry_run=False` it also writes it (see `import_apply`)."""
        positions = self.match_headers(sheet.headers)
        dataset = tablib.Dataset(headers=list(positions))
        for _number, cells in sheet.rows:
            dataset.append([cells[position] if position < len(cells) else None for position in positions.values()])
        options = {"user": self.user, "row_numbers": [number for number, _cells in sheet.rows], "file_name": file_name}
        if dry_run:
            # import_data() wraps even a dry run in a transaction and savepoints; the preview writes nothing.
            result = self.import_data_inner(dataset, True, False, False, False, **options)
        else:
            result = self.import_data(dataset, use_transactions=True, rollback_on_validation_errors=True, **options)
        failures = [error.error for error in result.base_errors]
        failures += [error.error for _number, errors in result.row_errors() for error in errors]
        if failures:
            raise failures[0]  # not a row's mistake: a bug, a race (StaleEditError) or the database
        recognised = set(positions.values())
        ignored = [header for position, header in enumerate(sheet.headers) if header and position not in recognised]
        columns = [str(column.header) for column in self.columns() if column.column_name in positions]
        return ImportPlan(rows=self.planned, columns=columns, ignored=ignored)


class ImportRejected(Exception):
    """Confirming found errors, or a plan different from the one previewed: nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__("import rejected")
        self.plan = plan


@transaction.atomic
def import_apply(*, resource: KopruResource, sheet: Sheet, file_name: str = "", expected_fingerprint=None):
    """Check `sheet` again and write all of its creates and updates as `resource.user`, or nothing.

    Raises `ImportRejected` when a row has an error or the plan differs from the previewed one
    (`expected_fingerprint`), and `StaleEditError` when a record changes while this runs.
    """
    plan = resource.plan(sheet, dry_run=False, file_name=file_name)
    if plan.errors or (expected_fingerprint is not None and plan.fingerprint != expected_fingerprint):
        raise ImportRejected(plan)
    return plan


# --- Validation without a query per row ----------------------------------------------------------


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

    def in_error():  # as Django does: a field with an error is not checked again
        return {name for name in errors if name != NON_FIELD_ERRORS}

    for step in (
        lambda: instance.clean_fields(exclude=exclude | known),
        instance.clean,
        lambda: instance.validate_unique(exclude=exclude | in_error() | {instance._meta.pk.name}),
        lambda: validate_constraints(instance, exclude | in_error(), taken),
    ):
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def validate_constraints(instance: models.Model, exclude: set[str], taken: TakenValues | None) -> None:
    """`Model.validate_constraints()`, with simple constraints checked in Python (see `full_clean`)."""
    using = router.db_for_write(type(instance), instance=instance)
    taken = taken or TakenValues()
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
