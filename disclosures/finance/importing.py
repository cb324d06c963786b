"""Import a month's entries from a spreadsheet (.xlsx or .csv), the way accountants type them.

`parse_entries(month, content)` reads the file and checks every row; it never writes.
`import_entries(month, user, content)` parses again inside a transaction and creates the
entries only if every row is good: one bad row and nothing is imported.

Excel files are read with openpyxl (read-only, cached values of formulas); CSV with the
standard library, as UTF-8 (with or without BOM) or GB18030, the superset of the GBK that
Excel and WPS write on Chinese Windows. The model's own rules (date within the month,
category kind and years, the approver above the township's threshold, amounts above zero)
are checked by LedgerEntry.full_clean(), not repeated here.
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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.text import clean_text, has_nul
from disclosures.finance.models import Category, FundingSource, Kind, LedgerEntry, LedgerMonth
from disclosures.money import CENT
from villages.models import Village

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

# The columns, in the template's order: (field, Chinese header, aliases).
COLUMNS = [
    ("date", "日期", ["date", "记账日期", "发生日期", "业务日期"]),
    ("voucher_number", "凭证号", ["voucher", "voucher number", "voucher no", "凭证编号", "凭证"]),
    ("description", "摘要", ["description", "summary", "事项", "内容"]),
    ("kind", "收支", ["kind", "type", "income/expense", "income or expense", "收支类型", "类型"]),
    ("category", "科目", ["category", "会计科目", "类别", "项目"]),
    ("amount", "金额", ["amount", "amount (yuan)", "金额元"]),
    ("funding_source", "资金来源", ["funding source", "source of funds", "source"]),
    ("handled_by", "经手人", ["handled by", "handler"]),
    ("approved_by", "审批人", ["approved by", "approver", "批准人"]),
]
HEADERS = {name: header for name, header, _aliases in COLUMNS}
REQUIRED = ["date", "voucher_number", "description", "kind", "category", "amount"]
CODE_COLUMNS = {"voucher_number"}  # full-width ASCII made plain (common.text)

KIND_WORDS = {
    "收入": Kind.INCOME,
    "收": Kind.INCOME,
    "income": Kind.INCOME,
    "支出": Kind.EXPENSE,
    "支": Kind.EXPENSE,
    "expense": Kind.EXPENSE,
    "expenditure": Kind.EXPENSE,
}
KIND_LABELS = {Kind.INCOME: "收入", Kind.EXPENSE: "支出"}

FUNDING_LABELS = {
    FundingSource.OWN_FUNDS: "集体自有资金",
    FundingSource.SUPERIOR_SUBSIDY: "上级补助",
    FundingSource.SPECIAL_FUND: "专项资金",
    FundingSource.DONATION: "捐赠",
    FundingSource.OTHER: "其他",
}
FUNDING_WORDS = {
    **{label: code for code, label in FUNDING_LABELS.items()},
    "自有资金": FundingSource.OWN_FUNDS,
    "集体资金": FundingSource.OWN_FUNDS,
    "上级补助资金": FundingSource.SUPERIOR_SUBSIDY,
    "上级拨款": FundingSource.SUPERIOR_SUBSIDY,
    "专项": FundingSource.SPECIAL_FUND,
    "捐款": FundingSource.DONATION,
    "捐赠资金": FundingSource.DONATION,
    "collective own funds": FundingSource.OWN_FUNDS,
    "own funds": FundingSource.OWN_FUNDS,
    "superior subsidy": FundingSource.SUPERIOR_SUBSIDY,
    "subsidy": FundingSource.SUPERIOR_SUBSIDY,
    "special fund": FundingSource.SPECIAL_FUND,
    "donation": FundingSource.DONATION,
    "other": FundingSource.OTHER,
    **{code.value: code for code in FundingSource},
}

# The template's example row carries this voucher number; a forgotten example is skipped.
EXAMPLE_VOUCHER = "示例"
TOTAL_WORDS = {"合计", "总计", "小计", "本月合计", "本页合计", "total"}

# "?" too: a › saved from Excel as a GBK CSV comes back as a question mark.
CATEGORY_SEPARATORS = re.compile(r"\s*[›»>/\\:：\-—–·|?]+\s*")
# Yuan is the only currency: ¥ (￥ after NFKC), 元, 元整, RMB, CNY, before or after.
AMOUNT_YUAN = re.compile(r"^\s*(¥|rmb|cny)|(元整?|整|rmb|cny)\s*$", re.IGNORECASE)
FOREIGN_CURRENCY = re.compile(
    r"[$€£₩₹₽฿₫₱]|\b(usd|eur|hkd|gbp|jpy|twd|mop)\b|美元|美金|港元|港币|欧元|日元|英镑|台币",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
GROUPED_AMOUNT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
SPACED_AMOUNT = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d*)?$")
# The model's 14 digits with 2 decimals: at most 12 before the point.
MAX_AMOUNT = Decimal(10) ** (LedgerEntry._meta.get_field("amount").max_digits - 2)
FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
TIME_SUFFIX = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


class SpreadsheetError(ValidationError):
    """The upload as a whole cannot be read: not a spreadsheet, no header, too big."""


@dataclass
class ImportRow:
    """One data row of the sheet: its spreadsheet row number, the cells as typed, the
    entry built from them (unsaved) and what is wrong with it."""

    number: int
    raw: dict
    entry: LedgerEntry
    errors: list = field(default_factory=list)


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
    def entries(self):
        return [row.entry for row in self.rows]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.errors


# Reading the file


def read_rows(content):
    """The Sheet from the bytes of an upload: rows as (row number, tuple of cell values)."""
    if not content:
        raise SpreadsheetError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "This is an old-style Excel or WPS file (.xls, .et). Open it in Excel or WPS "
                "and save it as .xlsx or .csv, then upload that."
            )
        )
    return _csv_rows(content)


def _xlsx_rows(content):
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
    # The first sheet with a header row: the template's second sheet lists the categories.
    for sheet in sheets:
        if _find_header(sheet.rows[:HEADER_SEARCH_ROWS], strict=True) is not None:
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


HEADER_KEYS = {
    _header_key(alias): name
    for name, header, aliases in COLUMNS
    for alias in [header, name, *aliases]
}


def _columns_of(values):
    columns = {}
    for index, value in enumerate(values):
        name = HEADER_KEYS.get(_header_key(value))
        if name and name not in columns:
            columns[name] = index
    return columns


def _find_header(rows, strict=False):
    """(row number, {field: column index}) of the header row, None if there is none; or,
    not strict, raise with the columns it lacks."""
    best = None
    for number, values in rows:
        columns = _columns_of(values)
        if all(name in columns for name in REQUIRED):
            return number, columns
        if columns and (best is None or len(columns) > len(best[1])):
            best = number, columns
    if strict:
        return None
    required = "、".join(HEADERS[name] for name in REQUIRED)
    if best and len(best[1]) >= 2:
        missing = "、".join(HEADERS[name] for name in REQUIRED if name not in best[1])
        raise SpreadsheetError(
            _("The header row (row %(row)d) lacks the columns %(missing)s. Needed: %(required)s.")
            % {"row": best[0], "missing": missing, "required": required}
        )
    raise SpreadsheetError(
        _(
            "No header row found. The first row must name the columns %(required)s; "
            "download the template to see how."
        )
        % {"required": required}
    )


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


def parse_kind(value):
    return KIND_WORDS.get(unicodedata.normalize("NFKC", value).strip().lower())


def parse_funding_source(value):
    key = unicodedata.normalize("NFKC", value).strip().lower()
    if not key:
        return FundingSource.OWN_FUNDS
    return FUNDING_WORDS.get(key) or FUNDING_WORDS.get(key.removesuffix("资金"))


class CategoryIndex:
    """Finds a category by what people type: 管理费用, 管理费用›办公费, 管理费用/办公费, a
    township's sub-item alone (办公费) when its name is unambiguous, or the English name."""

    def __init__(self, categories):
        self.by_name = {}
        self.by_path = {}
        for category in categories:
            names = {self._key(category.name)} | (
                {self._key(category.name_en)} if category.name_en else set()
            )
            for name in names:
                self.by_name.setdefault(name, []).append(category)
                if category.parent_id:
                    parent = category.parent
                    for parent_name in {self._key(parent.name), self._key(parent.name_en)}:
                        if parent_name:
                            self.by_path.setdefault((parent_name, name), []).append(category)

    @staticmethod
    def _key(name):
        return unicodedata.normalize("NFKC", name or "").strip().lower()

    def find(self, text, kind):
        """(category, None) or (None, why)."""
        parts = [self._key(part) for part in CATEGORY_SEPARATORS.split(text) if part.strip()]
        if len(parts) == 2:
            found = self.by_path.get(tuple(parts), [])
        elif len(parts) == 1:
            found = self.by_name.get(parts[0], [])
            # A standard category before a township's item of the same name.
            standard = [c for c in found if not c.parent_id]
            found = standard or found
        else:
            found = []
        # Prefer the row's kind; a match of the other kind is left for the model to refuse.
        same_kind = [c for c in found if c.kind == kind]
        found = same_kind or found
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _(
                "Unknown category “%(category)s”: use one listed in the template "
                "(sheet 科目和资金来源)."
            ) % {"category": text}
        return None, _(
            "The category “%(category)s” is ambiguous: write it in full, like %(example)s."
        ) % {"category": text, "example": found[0].full_name}


# Checking rows


def usable_categories(month):
    """Every category the month's village may use: the standard ones and its township's."""
    return (
        Category.objects.usable_by([month.village.township_id])
        .select_related("parent")
        .order_by("kind", "parent__position", "position", "name")
    )


def parse_entries(month, content):
    """Read the file and check every row against the month; write nothing.

    Raises SpreadsheetError when the file as a whole cannot be used."""
    sheet = read_rows(content)
    header_number, columns = _find_header(sheet.rows[:HEADER_SEARCH_ROWS])
    data_rows = [(number, values) for number, values in sheet.rows if number > header_number]
    if len(data_rows) > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows of entries. Split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}"}
        )

    categories = CategoryIndex(usable_categories(month))
    existing_vouchers = set(
        LedgerEntry.objects.filter(ledger=month).values_list("voucher_number", flat=True)
    )
    seen_vouchers = {}
    result = ImportResult(rows_below_header=sheet.last_row - header_number)
    for number, values in data_rows:
        cells = {
            name: values[index] if index < len(values) else None for name, index in columns.items()
        }
        texts = {name: _text(value) for name, value in cells.items()}
        if _is_blank(cells.values()):
            result.skipped.append((number, _("nothing in the columns of an entry")))
            continue
        if texts.get("voucher_number") == EXAMPLE_VOUCHER:
            result.skipped.append((number, _("the template's example row")))
            continue
        if _is_total_row(values, texts):
            result.skipped.append((number, _("a total line")))
            continue
        row = _parse_row(month, number, cells, texts, categories)
        voucher = row.entry.voucher_number
        if voucher:
            if voucher in seen_vouchers:
                row.errors.append(
                    _("Voucher number %(voucher)s is also used in row %(row)d.")
                    % {"voucher": voucher, "row": seen_vouchers[voucher]}
                )
            elif voucher in existing_vouchers:
                row.errors.append(
                    _("Voucher number %(voucher)s is already in this month's list.")
                    % {"voucher": voucher}
                )
            seen_vouchers.setdefault(voucher, number)
        result.rows.append(row)
    return result


def _is_total_row(values, texts):
    """A 合计 line under the entries: a total word, an amount, and no date or voucher."""
    if texts.get("date") or texts.get("voucher_number") or texts.get("kind"):
        return False
    return any(_text(value).replace(" ", "").lower() in TOTAL_WORDS for value in values)


def _parse_row(month, number, cells, texts, categories):
    errors = []
    broken = set()  # fields already reported: the model does not report them again
    for name, text in texts.items():
        if has_nul(text):  # PostgreSQL refuses it: the confirm step would fail
            broken.add(name)
            errors.append(
                _("%(column)s contains an invisible NUL character: type the cell again.")
                % {"column": HEADERS[name]}
            )
    texts = {name: clean_text(text, code=name in CODE_COLUMNS) for name, text in texts.items()}
    entry = LedgerEntry(
        ledger=month,
        voucher_number=texts.get("voucher_number", ""),
        description=texts.get("description", ""),
        handled_by=texts.get("handled_by", ""),
        approved_by=texts.get("approved_by", ""),
    )

    def missing(name):
        broken.add(name)
        errors.append(_("%(column)s is missing.") % {"column": HEADERS[name]})

    if not texts.get("date"):
        missing("date")
    else:
        try:
            entry.date = parse_date(cells["date"], year=month.year)
        except ValueError:
            broken.add("date")
            errors.append(
                _("“%(value)s” is not a date: write it like %(example)s.")
                % {"value": texts["date"], "example": f"{month.year}-{month.month:02d}-05"}
            )
    for name in ("voucher_number", "description"):
        if not texts.get(name):
            missing(name)

    if not texts.get("kind"):
        missing("kind")
    else:
        entry.kind = parse_kind(texts["kind"])
        if entry.kind is None:
            broken.add("kind")
            errors.append(
                _("收支 (income or expense) must be 收入 or 支出, not “%(value)s”.")
                % {"value": texts["kind"]}
            )

    if not texts.get("category"):
        missing("category")
    else:
        category, problem = categories.find(texts["category"], entry.kind)
        if category is None:
            broken.add("category")
            errors.append(problem)
        else:
            entry.category = category

    if not texts.get("amount"):
        missing("amount")
    else:
        try:
            amount = parse_amount(cells["amount"])
        except AmountError as error:
            broken.add("amount")
            errors.append(error.message)
        else:
            if amount != amount.quantize(CENT):
                broken.add("amount")
                errors.append(
                    _("The amount %(value)s has more than two decimal places.")
                    % {"value": texts["amount"]}
                )
            else:
                entry.amount = amount.quantize(CENT)

    source = parse_funding_source(texts.get("funding_source", ""))
    if source is None:
        broken.add("funding_source")
        errors.append(
            _("Unknown source of funds “%(value)s”: use one of %(choices)s.")
            % {"value": texts["funding_source"], "choices": "、".join(FUNDING_LABELS.values())}
        )
    else:
        entry.funding_source = source

    errors += _model_errors(entry, broken)
    return ImportRow(number=number, raw=texts, entry=entry, errors=errors)


def _model_errors(entry, broken):
    """The model's own rules, for the fields that could be read. No queries: the month and
    category are already loaded, and uniqueness is checked for the whole file at once."""
    try:
        entry.full_clean(
            exclude=["ledger", "correction", "category", *broken],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        messages = []
        for name, field_messages in error.message_dict.items():
            if name in broken:
                continue
            for message in field_messages:
                if name in HEADERS:
                    message = _("%(column)s: %(message)s") % {
                        "column": HEADERS[name],
                        "message": message,
                    }
                elif name != "__all__":
                    label = capfirst(LedgerEntry._meta.get_field(name).verbose_name)
                    message = f"{label}: {message}"
                messages.append(message)
        return messages
    return []


# Importing


def can_import(user, month):
    """Only into a month still being entered, by someone who keeps that village's books."""
    return (
        month.is_editable
        and user.has_perm("disclosures.add_ledgerentry")
        and Village.objects.for_user(user).filter(pk=month.village_id).exists()
    )


def import_entries(month, user, content):
    """Parse again and create every entry, or none. Returns the ImportResult; nothing was
    created unless result.is_valid."""
    with transaction.atomic():
        # Lock the month: it cannot be submitted, nor another import slip in, meanwhile.
        month = (
            LedgerMonth.objects.select_for_update()
            .select_related("village__township")
            .get(pk=month.pk)
        )
        if not can_import(user, month):
            raise PermissionDenied(
                _("Entries can only be imported into a draft or sent-back month.")
            )
        result = parse_entries(month, content)
        if result.is_valid:
            for entry in result.entries:
                entry.stamp(user)
            LedgerEntry.objects.bulk_create(result.entries)
            month.record_edit(
                user, _("Imported %(count)d entries.") % {"count": len(result.entries)}
            )
    return result


# The template


def template_workbook(month):
    """An .xlsx to fill in: the header row, one example row (skipped on import), and a
    second sheet listing the categories and sources of funds this month accepts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "明细"
    sheet.append([header for _name, header, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            month.first_day,
            EXAMPLE_VOUCHER,
            "示例：购买办公用品（凭证号为“示例”的行不会导入，可删除）",
            "支出",
            "管理费用",
            Decimal("124.50"),
            FUNDING_LABELS[FundingSource.OWN_FUNDS],
            "张三",
            "",
        ]
    )
    sheet["A2"].number_format = "yyyy-mm-dd"
    sheet["F2"].number_format = "#,##0.00"
    for index, width in enumerate([12, 12, 40, 8, 22, 14, 14, 10, 10], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    lists = workbook.create_sheet("科目和资金来源")
    lists.append(["收支", "科目", "", "资金来源"])
    for cell in lists[1]:
        cell.font = Font(bold=True)
    # "管理费用/办公费", not "›": a slash survives a CSV saved as GBK.
    categories = [
        (KIND_LABELS[c.kind], f"{c.parent.name}/{c.name}" if c.parent_id else c.name)
        for c in usable_categories(month)
        if c.is_valid_in(month.year)
    ]
    sources = list(FUNDING_LABELS.values())
    for index in range(max(len(categories), len(sources))):
        kind, name = categories[index] if index < len(categories) else (None, None)
        lists.append([kind, name, None, sources[index] if index < len(sources) else None])
    lists.column_dimensions["B"].width = 28
    lists.column_dimensions["D"].width = 16

    last = MAX_ROWS + 1
    for column, formula in [
        ("D", '"收入,支出"'),
        ("E", f"'科目和资金来源'!$B$2:$B${len(categories) + 1}"),
        ("G", f"'科目和资金来源'!$D$2:$D${len(sources) + 1}"),
    ]:
        # A drop-down that still accepts other text (a sub-item typed alone).
        validation = DataValidation(type="list", formula1=formula, showErrorMessage=False)
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
