"""Import a month's entries from a spreadsheet (.xlsx or .csv), the way accountants type them.

`parse_entries(month, content)` reads the file and checks every row; it never writes.
`import_entries(month, user, content)` parses again inside a transaction and creates the
entries only if every row is good: one bad row and nothing is imported.

Reading the file, dates, amounts and collecting each row's errors are shared with the
registers' importer (disclosures/importing.py); what is the ledger's own is here: its
columns, 收支, categories and sources of funds, and the vouchers. The model's own rules
(date within the month, category kind and years, the approver above the township's
threshold, amounts above zero) are checked by LedgerEntry.full_clean(), not repeated here.
"""

import io
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from disclosures.finance.models import Category, FundingSource, Kind, LedgerEntry, LedgerMonth
from disclosures.importing import (  # noqa: F401 (the ledger's importer's names, for its callers)
    EXAMPLE,
    MAX_BYTES,
    MAX_ROWS,
    MAX_ZIP_MEMBERS,
    AmountError,
    Spec,
    SpreadsheetError,
    check_zip_members,
    parse_amount,
    parse_date,
    parse_sheet,
)
from villages.models import Village

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
EXAMPLE_VOUCHER = EXAMPLE

# "?" too: a › saved from Excel as a GBK CSV comes back as a question mark.
CATEGORY_SEPARATORS = re.compile(r"\s*[›»>/\\:：\-—–·|?]+\s*")

SPEC = Spec(
    COLUMNS,
    REQUIRED,
    code_columns=CODE_COLUMNS,
    example_column="voucher_number",
    key_columns=("date", "voucher_number", "kind"),
)


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
    categories = CategoryIndex(usable_categories(month))
    result = parse_sheet(content, SPEC, lambda row: _parse_row(month, row, categories))
    existing_vouchers = set(
        LedgerEntry.objects.filter(ledger=month).values_list("voucher_number", flat=True)
    )
    seen_vouchers = {}
    for row in result.rows:
        voucher = row.entry.voucher_number
        if not voucher:
            continue
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
        seen_vouchers.setdefault(voucher, row.number)
    return result


def _parse_row(month, row, categories):
    entry = LedgerEntry(
        ledger=month,
        voucher_number=row.text("voucher_number"),
        description=row.text("description"),
        handled_by=row.text("handled_by"),
        approved_by=row.text("approved_by"),
    )
    entry.date = row.date("date", f"{month.year}-{month.month:02d}-05", year=month.year)
    row.required("voucher_number")
    row.required("description")

    if row.required("kind"):
        entry.kind = parse_kind(row.text("kind"))
        if entry.kind is None:
            row.problem(
                "kind",
                _("收支 (income or expense) must be 收入 or 支出, not “%(value)s”.")
                % {"value": row.text("kind")},
            )

    if row.required("category"):
        category, problem = categories.find(row.text("category"), entry.kind)
        if category is None:
            row.problem("category", problem)
        else:
            entry.category = category

    entry.amount = row.amount("amount")

    source = parse_funding_source(row.text("funding_source"))
    if source is None:
        row.problem(
            "funding_source",
            _("Unknown source of funds “%(value)s”: use one of %(choices)s.")
            % {"value": row.text("funding_source"), "choices": "、".join(FUNDING_LABELS.values())},
        )
    else:
        entry.funding_source = source

    # No queries: the month and category are already loaded, and uniqueness is checked
    # for the whole file at once.
    row.model_errors(entry, exclude=["ledger", "correction", "category"])
    return row.result(entry)


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
