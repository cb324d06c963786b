"""A published month or year as CSV or Excel, for anyone to download from the public pages.

Only published months and published corrections, through `.published()`. The columns are
the import template's, in Chinese whatever the page language (the file is the record), plus
the correction columns: correction entries are listed after the month's own entries, marked
更正 with their reason and date. CSV is UTF-8 with a BOM so that Excel opens it without
garbling the Chinese. The Excel file's totals are the page's and the poster's: as published,
then after corrections, the opening balance carried forward from corrections to earlier
months published since (finance.models.carried_opening). Five queries however many entries
for CSV, six for Excel (the village's corrections).
"""

from django.db.models import Prefetch

from common.downloads import csv_response, xlsx_response, xlsx_value
from disclosures.finance.importing import COLUMNS, FUNDING_LABELS, KIND_LABELS
from disclosures.finance.models import (
    LedgerCorrection,
    LedgerEntry,
    Summary,
    carried_opening,
    correction_shifts,
)
from disclosures.money import to_yuan

HEADERS = [header for _name, header, _aliases in COLUMNS] + ["更正", "更正原因", "更正日期"]
AMOUNT_COLUMN = HEADERS.index("金额")
AMOUNT_FORMAT = "#,##0.00"


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def _entries():
    return LedgerEntry.objects.select_related("category__parent").order_by(
        "date", "voucher_number", "pk"
    )


def _published_corrections(months):
    return (
        LedgerCorrection.objects.published()
        .filter(ledger__in=months)
        .order_by("published_at", "pk")
        .prefetch_related(Prefetch("entries", queryset=_entries()))
    )


def _category(category):
    if category.parent_id:
        return f"{category.parent.name} › {category.name}"
    return category.name


def _row(entry, correction=None):
    return [
        entry.date,
        entry.voucher_number,
        entry.description,
        KIND_LABELS[entry.kind],
        _category(entry.category),
        to_yuan(entry.amount),
        FUNDING_LABELS.get(entry.funding_source, entry.funding_source),
        entry.handled_by,
        entry.approved_by,
        "更正" if correction else "",
        correction.reason if correction else "",
        correction.published_at.date() if correction else "",
    ]


class MonthData:
    """One published month with its entries and published corrections, loaded, and its
    totals as published and after corrections (`shifts`: the village's correction_shifts;
    the CSV, which has no totals, passes none)."""

    def __init__(self, month, entries, corrections, shifts=()):
        self.month = month
        self.entries = entries
        self.corrections = corrections
        self.summary = month.summarize(entries)
        adjustments = [e for c in corrections for e in c.entries.all()]
        self.corrected = Summary.of(carried_opening(month, shifts), entries + adjustments)

    @property
    def carried(self):
        """Whether corrections to earlier months published since moved its opening."""
        return self.corrected.opening != self.summary.opening

    @property
    def shows_corrected(self):
        return bool(self.corrections) or self.carried

    def rows(self):
        yield from (_row(entry) for entry in self.entries)
        for correction in self.corrections:
            yield from (_row(entry, correction) for entry in correction.entries.all())


def month_download(village, month, fmt):
    """One published month as a CSV or XLSX response."""
    data = MonthData(
        month,
        list(_entries().filter(ledger=month, correction__isnull=True)),
        list(_published_corrections([month])),
        correction_shifts(village.pk) if fmt == "xlsx" else (),
    )
    filename = f"{village.code}-{month.period_slug}.{fmt}"
    if fmt == "csv":
        return csv_response(HEADERS, data.rows(), filename)
    return xlsx_response(_month_workbook(village, data), filename)


def year_download(village, year, months, fmt):
    """The published months of one year as a CSV or XLSX response."""
    entries, corrections = {}, {}
    for entry in _entries().filter(ledger__in=months, correction__isnull=True):
        entries.setdefault(entry.ledger_id, []).append(entry)
    for correction in _published_corrections(months):
        corrections.setdefault(correction.ledger_id, []).append(correction)
    shifts = correction_shifts(village.pk) if fmt == "xlsx" else ()
    data = [
        MonthData(month, entries.get(month.pk, []), corrections.get(month.pk, []), shifts)
        for month in months
    ]
    filename = f"{village.code}-{year:04d}.{fmt}"
    rows = ([d.month.period_slug, *row] for d in data for row in d.rows())
    if fmt == "csv":
        return csv_response(["月份", *HEADERS], rows, filename)
    return xlsx_response(_year_workbook(village, year, data), filename)


# XLSX


def _append(sheet, values, bold=False):
    from openpyxl.styles import Font

    sheet.append([xlsx_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        elif hasattr(cell.value, "quantize"):
            cell.number_format = AMOUNT_FORMAT
        elif hasattr(cell.value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)


def _entries_sheet(sheet, title, headers, rows):
    from openpyxl.utils import get_column_letter

    _append(sheet, [title], bold=True)
    _append(sheet, headers, bold=True)
    for row in rows:
        _append(sheet, row)
    widths = {"日期": 12, "摘要": 40, "科目": 22, "金额": 14, "更正原因": 40, "资金来源": 14}
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 10)
    sheet.freeze_panes = "A3"


def _summary_block(sheet, label_column, pairs):
    """Label in one column, value in the amount column below the entries."""
    first = sheet.max_row + 2  # a blank row between
    for row, (label, value) in enumerate(pairs, start=first):
        sheet.cell(row=row, column=label_column, value=xlsx_value(label))
        cell = sheet.cell(row=row, column=label_column + 3, value=value)
        if hasattr(value, "quantize"):
            cell.number_format = AMOUNT_FORMAT
        elif hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"


def _summary_pairs(summary, prefix=""):
    return [
        (prefix + "期初余额", to_yuan(summary.opening)),
        (prefix + "收入合计", to_yuan(summary.income)),
        (prefix + "支出合计", to_yuan(summary.expense)),
        (prefix + "期末余额", to_yuan(summary.closing)),
    ]


def _month_workbook(village, data):
    from openpyxl import Workbook

    month = data.month
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = month.period_slug
    title = f"{village.name}（{village.code}）{month.year}年{month.month}月财务公开"
    _entries_sheet(sheet, title, HEADERS, data.rows())
    pairs = _summary_pairs(data.summary)
    # The reasons the page shows next to the balances.
    if month.opening_reason:
        pairs.append(("期初余额说明", month.opening_reason))
    if month.negative_balance_reason and min(data.summary.closing, data.corrected.closing) < 0:
        pairs.append(("期末余额为负的说明", month.negative_balance_reason))
    if data.shows_corrected:
        pairs += _summary_pairs(data.corrected, prefix="更正后")
    if data.carried:
        pairs.append(("更正后期初余额说明", "含本月公开后才公开的对之前月份的更正"))
    pairs += [
        ("公开日期", month.published_at.date() if month.published_at else ""),
        ("指纹", month.fingerprint),
    ]
    # Labels under 摘要 (column C), values under 金额 (column F).
    _summary_block(sheet, 3, pairs)
    return workbook


def _year_workbook(village, year, data):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    rows = ([d.month.period_slug, *row] for d in data for row in d.rows())
    title = f"{village.name}（{village.code}）{year}年财务公开"
    _entries_sheet(sheet, title, ["月份", *HEADERS], rows)

    summary = workbook.create_sheet("月度汇总")
    _append(
        summary,
        [
            "月份",
            "期初余额",
            "收入合计",
            "支出合计",
            "期末余额",
            "更正后期初余额",
            "更正后收入",
            "更正后支出",
            "更正后期末余额",
            "公开日期",
            "指纹",
        ],
        bold=True,
    )
    for d in data:
        _append(
            summary,
            [
                d.month.period_slug,
                to_yuan(d.summary.opening),
                to_yuan(d.summary.income),
                to_yuan(d.summary.expense),
                to_yuan(d.summary.closing),
                to_yuan(d.corrected.opening),
                to_yuan(d.corrected.income),
                to_yuan(d.corrected.expense),
                to_yuan(d.corrected.closing),
                d.month.published_at.date() if d.month.published_at else None,
                d.month.short_fingerprint,
            ],
        )
    _append(
        summary,
        [
            "全年合计",
            None,
            to_yuan(sum((d.summary.income for d in data), 0)),
            to_yuan(sum((d.summary.expense for d in data), 0)),
            None,
            None,
            to_yuan(sum((d.corrected.income for d in data), 0)),
            to_yuan(sum((d.corrected.expense for d in data), 0)),
        ],
        bold=True,
    )
    for column in "BCDEFGHIJ":
        summary.column_dimensions[column].width = 14
    summary.freeze_panes = "A2"
    return workbook
