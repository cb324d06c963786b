"""Importing from spreadsheets (.xlsx or .csv), shared by every importer: the ledger's
(finance/importing.py) and the registers' (assets/importing.py). This module imports no
feature.

`parse_sheet(content, spec, check_row)` reads the file, finds the header row the Spec
describes, skips blank rows, the template's example row and total lines, and hands every
other row to `check_row` as a Row: the cells, their text, and helpers that read dates,
amounts and choices and collect what is wrong, with the reason, column by column. It
never writes: an importer creates its records only when the ImportResult `is_valid`,
inside one transaction, so one bad row and nothing is imported. The upload, preview and
confirm pages are in admin_import.py.

Excel files are read with openpyxl (read-only, cached values of formulas); CSV with the
standard library, as UTF-8 (with or without BOM) or GB18030, the superset of the GBK that
Excel and WPS write on Chinese Windows.
"""

import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.text import clean_text, has_nul
from disclosures.money import CENT

MAX_BYTES = 1024 * 1024  # see admin_import: the preview carries the file back signed
MAX_ROWS = 2000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common
MAX_CELL_CHARS = 1000  # the longest text column (摘要) holds 200
# What an .xlsx may unpack to, checked on the zip's directory before openpyxl reads it: a
# 2,000-line ledger is about 1 MB unpacked, compressed about eight times.
MAX_ZIP_MEMBERS = 200
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_RATIO = 100  # for members over RATIO_FLOOR; tiny files compress oddly
RATIO_FLOOR = 1024 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # what Excel, WPS and LibreOffice write
# A template's example row carries this in its example column; a forgotten one is skipped.
EXAMPLE = "示例"
# The models' money fields: 14 digits with 2 decimals, so at most 12 before the point.
MAX_AMOUNT = Decimal(10) ** 12
TOTAL_WORDS = {"合计", "总计", "小计", "本月合计", "本页合计", "total"}
# Yuan is the only currency: ¥ (￥ after NFKC), 元, 元整, RMB, CNY, before or after.
AMOUNT_YUAN = re.compile(r"^\s*(¥|rmb|cny)|(元整?|整|rmb|cny)\s*$", re.IGNORECASE)
FOREIGN_CURRENCY = re.compile(
    r"[$€£₩₹₽฿₫₱]|\b(usd|eur|hkd|gbp|jpy|twd|mop)\b|美元|美金|港元|港币|欧元|日元|英镑|台币",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
GROUPED_AMOUNT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
SPACED_AMOUNT = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d*)?$")
FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
TIME_SUFFIX = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


class SpreadsheetError(ValidationError):
    """The upload as a whole cannot be read: not a spreadsheet, no header, too big."""


@dataclass
class ImportRow:
    """One data row of the sheet: its spreadsheet row number, the cells as typed, the
    record built from them (unsaved) and what is wrong with it."""

    number: int
    raw: dict
    record: object
    errors: list = field(default_factory=list)

    @property
    def entry(self):  # the ledger's word for its records
        return self.record


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # [(row number, why)]
    rows_below_header: int = 0  # every row of the file under the header, blank ones too

    @property
    def blank_rows(self):
        return self.rows_below_header - len(self.rows) - len(self.skipped)

    @property
    def row_counts(self):
        """Every row under the header accounted for, for the preview and the confirmation."""
        return _(
            "Rows below the header: %(rows)d (entries %(entries)d, skipped %(skipped)d, "
            "blank %(blank)d)."
        ) % {
            "rows": self.rows_below_header,
            "entries": len(self.rows),
            "skipped": len(self.skipped),
            "blank": self.blank_rows,
        }

    @property
    def errors(self):
        """[(row number, message)] for every problem of every row, in sheet order."""
        return [(row.number, message) for row in self.rows for message in row.errors]

    @property
    def records(self):
        return [row.record for row in self.rows]

    @property
    def entries(self):
        return self.records

    @property
    def is_valid(self):
        return bool(self.rows) and not self.errors


@dataclass
class Spec:
    """What a sheet holds: its `columns` in the template's order, as (field, Chinese
    header, aliases); the `required` ones; the `code_columns` (full-width ASCII made
    plain, common.text); the `example_column` whose value EXAMPLE marks the template's
    example row; and the `key_columns` a total line leaves empty."""

    columns: list
    required: list
    code_columns: set = field(default_factory=set)
    example_column: str = ""
    key_columns: tuple = ()

    def __post_init__(self):
        self.headers = {name: header for name, header, _aliases in self.columns}
        self.header_keys = {
            _header_key(alias): name
            for name, header, aliases in self.columns
            for alias in [header, name, *aliases]
        }

    def columns_of(self, values):
        columns = {}
        for index, value in enumerate(values):
            name = self.header_keys.get(_header_key(value))
            if name and name not in columns:
                columns[name] = index
        return columns

    def find_header(self, rows, strict=False):
        """(row number, {field: column index}) of the header row, None if there is none;
        or, not strict, raise with the columns it lacks."""
        best = None
        for number, values in rows:
            columns = self.columns_of(values)
            if all(name in columns for name in self.required):
                return number, columns
            if columns and (best is None or len(columns) > len(best[1])):
                best = number, columns
        if strict:
            return None
        required = "、".join(self.headers[name] for name in self.required)
        if best and len(best[1]) >= 2:
            missing = "、".join(self.headers[name] for name in self.required if name not in best[1])
            raise SpreadsheetError(
                _(
                    "The header row (row %(row)d) lacks the columns %(missing)s. "
                    "Needed: %(required)s."
                )
                % {"row": best[0], "missing": missing, "required": required}
            )
        raise SpreadsheetError(
            _(
                "No header row found. The first row must name the columns %(required)s; "
                "download the template to see how."
            )
            % {"required": required}
        )


# Reading the file


def read_rows(content, spec):
    """The Sheet from the bytes of an upload: rows as (row number, tuple of cell values)."""
    if not content:
        raise SpreadsheetError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content, spec)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "This is an old-style Excel or WPS file (.xls, .et). Open it in Excel or WPS "
                "and save it as .xlsx or .csv, then upload that."
            )
        )
    return _csv_rows(content)


def _xlsx_rows(content, spec):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        members = []
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SpreadsheetError(
                _("This is a Word document, not a spreadsheet. Upload an .xlsx or .csv file.")
            )
        raise SpreadsheetError(_("This file is not a spreadsheet. Upload an .xlsx or .csv file."))
    check_zip_members(members)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(
            _("This Excel file cannot be read. Open it in Excel or WPS and save it again.")
        ) from error
    try:
        sheets = []
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            sheet.reset_dimensions()  # some programs write a wrong sheet size
            rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
            sheets.append(_read_sheet(enumerate(rows, start=1)))
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError(
            _("This Excel file cannot be read. Open it in Excel or WPS and save it again.")
        ) from error
    finally:
        workbook.close()
    # The first sheet with a header row: a template's second sheet lists what may be typed.
    for sheet in sheets:
        if spec.find_header(sheet.rows[:HEADER_SEARCH_ROWS], strict=True) is not None:
            return sheet
    return sheets[0] if sheets else Sheet([], 0)


def check_zip_members(members):
    """Refuse an .xlsx that would unpack to too much, from the zip's directory alone. The
    sizes it declares bind: Python's zipfile stops at a member's declared size."""
    too_big = _(
        "This Excel file unpacks to more than a spreadsheet of entries can: %(why)s. Copy "
        "the entries into the template, or save the sheet as .csv, and upload that."
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(
            too_big % {"why": _("%(count)s parts inside") % {"count": f"{len(members):,}"}}
        )
    total = 0
    for member in members:
        if member.compress_type not in ZIP_METHODS:
            raise SpreadsheetError(
                _(
                    "This Excel file is packed in an unusual way. Open it in Excel or WPS "
                    "and save it again as .xlsx."
                )
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            why = _("%(name)s is compressed %(ratio)d times")
            raise SpreadsheetError(
                too_big % {"why": why % {"name": member.filename, "ratio": ratio}}
            )
        for size, limit in ((member.file_size, MAX_MEMBER_BYTES), (total, MAX_UNPACKED_BYTES)):
            if size > limit:
                why = _("more than %(size)s MB of data") % {"size": limit // (1024 * 1024)}
                raise SpreadsheetError(too_big % {"why": why})


@dataclass
class Sheet:
    """The rows of a sheet that have something in them, numbered as in the spreadsheet,
    and the number of the sheet's last row (blank rows included)."""

    rows: list
    last_row: int


def _read_sheet(numbered_rows):
    """Read to the end: blank rows are skipped, never taken for the end of the entries.
    Stops (and the caller refuses the file) one row past the most rows a file may have."""
    rows = []
    last = 0
    for number, values in numbered_rows:
        last = number
        if values.count(None) == len(values) or _is_blank(values):
            continue
        for value in values:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise SpreadsheetError(
                    _("Row %(row)d has a cell of more than %(max)s characters.")
                    % {"row": number, "max": f"{MAX_CELL_CHARS:,}"}
                )
        rows.append((number, values))
        if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
            break
    return Sheet(rows, last)


def _decode(content):
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")  # Excel's "Unicode text"
        except UnicodeDecodeError:
            return None  # cut at an odd byte, or not UTF-16 after all
    if b"\x00" in content[:4096]:
        return None  # binary: an image, a PDF, an executable
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(content):
    text = _decode(content)
    if text is None or _looks_binary(text):
        raise SpreadsheetError(_("This file is not a spreadsheet. Upload an .xlsx or .csv file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        numbered = (
            (number, tuple(values[:MAX_COLUMNS])) for number, values in enumerate(reader, start=1)
        )
        return _read_sheet(numbered)
    except csv.Error as error:
        raise SpreadsheetError(
            _("This CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _looks_binary(text):
    sample = text[:4096]
    controls = sum(
        1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\r\n\t"
    )
    return controls > len(sample) // 100


def _is_blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _header_key(value):
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = re.sub(r"\((元|yuan|rmb)\)$", "", text)  # 金额（元）, after NFKC
    return re.sub(r"[\s_*]+", "", text)  # "Voucher number", "voucher_no", "日期*"


# Reading cells


def _text(value):
    """A cell as text: 12 rather than 12.0 for a number typed into a text column."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    return str(value).strip()


class AmountError(ValueError):
    """An amount that cannot be read without guessing; `message` says what to type."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_amount(value):
    """6500, 6,500.00, 6500元, ￥6,500, 6500.5 or a number cell → Decimal; AmountError (a
    ValueError) saying what to type otherwise. Never guesses: a comma is accepted only as
    correct thousands grouping. More than two decimals is left to the caller to refuse."""
    if isinstance(value, bool):
        raise AmountError(_not_a_number(value))
    if isinstance(value, int):
        return _within_range(Decimal(value), value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AmountError(_not_a_number(value))
        amount = Decimal(repr(value))
        _within_range(amount, value)
        # A formula's cached result carries binary noise: 0.1 + 0.2 = 0.30000000000000004.
        if abs(amount - amount.quantize(CENT)) < Decimal("1e-9"):
            amount = amount.quantize(CENT)
        return amount
    return _within_range(_parse_amount_text(str(value)), value)


def _parse_amount_text(typed):
    if "，" in typed or "、" in typed:  # an IME's comma: NFKC would make it a plain one
        raise AmountError(_comma_message(typed))
    text = unicodedata.normalize("NFKC", typed).strip()
    if FOREIGN_CURRENCY.search(text):
        raise AmountError(
            _("The amount “%(value)s” is not in yuan: write the amount in yuan, like 6500.00.")
            % {"value": typed}
        )
    text = AMOUNT_YUAN.sub("", text).strip()
    if "," in text and not GROUPED_AMOUNT.match(text):
        raise AmountError(_comma_message(typed))
    number = text.replace(",", "")
    if SPACED_AMOUNT.match(number):
        number = number.replace(" ", "")
    if not AMOUNT.match(number):
        raise AmountError(_not_a_number(typed))
    return Decimal(number)


def _within_range(amount, typed):
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise AmountError(
            _("The amount “%(value)s” is too large: an entry can be at most %(max)s yuan.")
            % {"value": typed, "max": f"{MAX_AMOUNT - CENT:,}"}
        )
    return amount


def _not_a_number(typed):
    return _("The amount “%(value)s” is not a number: write it like 6500.00.") % {"value": typed}


def _comma_message(typed):
    return _(
        "The amount “%(value)s” has a comma that is not a thousands separator: write "
        "the decimal point as a full stop and the thousands with commas of three digits, "
        "like 6500.50 or 6,500.50."
    ) % {"value": typed}


def parse_date(value, year=None):
    """2022-07-05, 2022/7/5, 2022年7月5日, 2022.07.05, 20220705, a date cell, or 7月5日 in
    the month's year → date; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel date whose cell lost its date format shows as its serial number.
        if 20000 <= value <= 80000:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        value = _text(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = TIME_SUFFIX.sub("", text)
    match = FULL_DATE.match(text) or COMPACT_DATE.match(text)
    if match:
        parts = match.groups()
    elif (match := MONTH_DAY.match(text)) and year:
        parts = (year, *match.groups())
    else:
        raise ValueError(value)
    return datetime.date(*(int(part) for part in parts))


# Checking rows


class Row:
    """One data row being checked: `cells` as the file has them, `texts` cleaned, and
    `errors`, the reasons it cannot be imported. `broken` names the fields already
    reported, so that the model's own rules do not report them again."""

    def __init__(self, spec, number, cells, texts):
        self.spec, self.number, self.cells = spec, number, cells
        self.errors, self.broken = [], set()
        for name, text in texts.items():
            if has_nul(text):  # PostgreSQL refuses it: the confirm step would fail
                self.problem(
                    name,
                    _("%(column)s contains an invisible NUL character: type the cell again.")
                    % {"column": spec.headers[name]},
                )
        self.texts = {
            name: clean_text(text, code=name in spec.code_columns) for name, text in texts.items()
        }

    def text(self, name):
        return self.texts.get(name, "")

    def problem(self, name, message):
        self.broken.add(name)
        self.errors.append(message)

    def missing(self, name):
        self.problem(name, _("%(column)s is missing.") % {"column": self.spec.headers[name]})

    def required(self, name):
        """The text of a column that must be filled in; reported missing when empty."""
        if not self.text(name):
            self.missing(name)
        return self.text(name)

    def date(self, name, example, year=None, required=True):
        if not self.text(name):
            if required:
                self.missing(name)
            return None
        try:
            return parse_date(self.cells[name], year=year)
        except ValueError:
            self.problem(
                name,
                _("“%(value)s” is not a date: write it like %(example)s.")
                % {"value": self.text(name), "example": example},
            )
            return None

    def amount(self, name, required=True):
        """Yuan with at most two decimals, or None (the reason reported)."""
        if not self.text(name):
            if required:
                self.missing(name)
            return None
        try:
            amount = parse_amount(self.cells[name])
        except AmountError as error:
            self.problem(name, error.message)
            return None
        if amount != amount.quantize(CENT):
            self.problem(
                name,
                _("The amount %(value)s has more than two decimal places.")
                % {"value": self.text(name)},
            )
            return None
        return amount.quantize(CENT)

    def choice(self, name, words, required=True):
        """The value `words` (choice_words) gives the text, or None (the reason reported)."""
        if not self.text(name):
            if required:
                self.missing(name)
            return None
        value = words.get(word_key(self.text(name)))
        if value is None:
            self.problem(
                name,
                _("%(column)s: “%(value)s” is not one of %(choices)s.")
                % {
                    "column": self.spec.headers[name],
                    "value": self.text(name),
                    "choices": "、".join(words.labels),
                },
            )
        return value

    def model_errors(self, record, exclude=()):
        """The model's own rules, for the fields that could be read, as the row's errors."""
        try:
            record.full_clean(
                exclude=[*exclude, *self.broken], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                if name in self.broken:
                    continue
                for message in field_messages:
                    if name in self.spec.headers:
                        message = _("%(column)s: %(message)s") % {
                            "column": self.spec.headers[name],
                            "message": message,
                        }
                    elif name != "__all__":
                        label = capfirst(record._meta.get_field(name).verbose_name)
                        message = f"{label}: {message}"
                    self.errors.append(message)

    def result(self, record):
        return ImportRow(number=self.number, raw=self.texts, record=record, errors=self.errors)


class Words(dict):
    """{what people type, normalized: the value}, and the labels an error suggests."""

    labels = ()


def word_key(text):
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def choice_words(choices, labels, extra=None):
    """Words for a model's TextChoices: the stored value, its label, the Chinese `labels`
    ({value: label}, what the template lists), and `extra` ({word: value})."""
    words = Words()
    for value, label in choices.choices:
        for word in (value, str(label), labels.get(value, "")):
            if word:
                words[word_key(word)] = value
    for word, value in (extra or {}).items():
        words[word_key(word)] = value
    words.labels = [labels.get(value, value) for value in choices.values]
    return words


def parse_sheet(content, spec, check_row):
    """Read the file and check every row with `check_row(row)` → ImportRow; write
    nothing. Raises SpreadsheetError when the file as a whole cannot be used."""
    sheet = read_rows(content, spec)
    header_number, columns = spec.find_header(sheet.rows[:HEADER_SEARCH_ROWS])
    data_rows = [(number, values) for number, values in sheet.rows if number > header_number]
    if len(data_rows) > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows of entries. Split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}"}
        )
    result = ImportResult(rows_below_header=sheet.last_row - header_number)
    for number, values in data_rows:
        cells = {
            name: values[index] if index < len(values) else None for name, index in columns.items()
        }
        texts = {name: _text(value) for name, value in cells.items()}
        if _is_blank(cells.values()):
            result.skipped.append((number, _("nothing in the columns of an entry")))
        elif spec.example_column and texts.get(spec.example_column) == EXAMPLE:
            result.skipped.append((number, _("the template's example row")))
        elif _is_total_row(values, texts, spec):
            result.skipped.append((number, _("a total line")))
        else:
            result.rows.append(check_row(Row(spec, number, cells, texts)))
    return result


def _is_total_row(values, texts, spec):
    """A 合计 line under the entries: a total word, and nothing in the key columns."""
    if any(texts.get(name) for name in spec.key_columns):
        return False
    return any(_text(value).replace(" ", "").lower() in TOTAL_WORDS for value in values)


# The template


def template_workbook(spec, example, lists=()):
    """An .xlsx to fill in: the header row, one example row (skipped on import) and a
    second sheet of the values accepted: `lists` [(header, [values])]."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "明细"
    sheet.append([header for _name, header, _aliases in spec.columns])
    sheet.append([example.get(name) for name, _header, _aliases in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    sheet.freeze_panes = "A2"
    if lists:
        values = workbook.create_sheet("可填写的值")
        values.append([header for header, _values in lists])
        for cell in values[1]:
            cell.font = Font(bold=True)
        for index in range(max(len(items) for _header, items in lists)):
            values.append([items[index] if index < len(items) else None for _h, items in lists])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
