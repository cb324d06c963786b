"""Importing a month's entries from a spreadsheet: what accountants type, and what is refused.

The month is 五庙村 (wumiao) 2022-07, a draft: 2022 is under the 2004 accounting system,
so 公益支出 (from 2024) is not a category of that year. 利国乡 has its own sub-item
管理费用 › 办公费; 黄升镇 has 管理费用 › 差旅费, which 五庙村 cannot use.
"""

import csv
import datetime
import io
import random
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import Workbook, load_workbook
from PIL import Image

from disclosures.finance import importing
from disclosures.finance.admin_import import sign_upload
from disclosures.finance.importing import (
    SpreadsheetError,
    import_entries,
    parse_amount,
    parse_entries,
)
from disclosures.models import Category, FundingSource, Kind, LedgerEntry
from tests import factories

HEADER = ["日期", "凭证号", "摘要", "收支", "科目", "金额", "资金来源", "经手人", "审批人"]
GOOD = [
    "2022-07-05",
    "记07-001",
    "村内环境整治费用",
    "支出",
    "管理费用",
    "6500",
    "",
    "刘建国",
    "韩兴和",
]
INCOME = ["2022-07-02", "记07-002", "集体土地承包费", "收入", "发包及上交收入", "96000", "", "", ""]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(liguo):
    """利国乡's own sub-item 管理费用 › 办公费."""
    return Category.objects.create(
        township=liguo,
        parent=factories.category(Kind.EXPENSE, "管理费用"),
        kind=Kind.EXPENSE,
        name="办公费",
    )


@pytest.fixture
def travel(huangsheng):
    return Category.objects.create(
        township=huangsheng,
        parent=factories.category(Kind.EXPENSE, "管理费用"),
        kind=Kind.EXPENSE,
        name="差旅费",
    )


@pytest.fixture
def july(wumiao):
    return factories.make_month(wumiao, 2022, 7, published=False, opening="85210.40")


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    output = io.StringIO()
    writer = csv.writer(output)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode(encoding)


def xlsx_bytes(*rows, header=HEADER, title=None):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def row(**changes):
    """GOOD with some cells changed, by header name."""
    values = list(GOOD)
    for name, value in changes.items():
        values[HEADER.index(name)] = value
    return values


def parse(month, *rows, **kwargs):
    return parse_entries(month, csv_bytes(*rows, **kwargs))


# What is accepted


def test_a_good_file_gives_ready_unsaved_entries(july, office):
    result = parse(
        july,
        GOOD,
        INCOME,
        row(**{"凭证号": "记07-003", "科目": "管理费用›办公费", "金额": "124.50", "审批人": ""}),
        row(**{"凭证号": "记07-004", "科目": "办公费", "金额": "88", "资金来源": "上级补助"}),
    )

    assert result.errors == []
    assert result.is_valid
    assert [r.number for r in result.rows] == [2, 3, 4, 5]
    first, income, office_by_path, office_alone = result.entries
    assert first.pk is None and first.ledger == july
    assert first.date == datetime.date(2022, 7, 5)
    assert first.voucher_number == "记07-001"
    assert first.kind == Kind.EXPENSE
    assert first.category == factories.category(Kind.EXPENSE, "管理费用")
    assert first.amount == Decimal("6500.00")
    assert first.funding_source == FundingSource.OWN_FUNDS  # the default
    assert (first.handled_by, first.approved_by) == ("刘建国", "韩兴和")
    assert income.kind == Kind.INCOME
    assert income.category.name == "发包及上交收入"  # the 2004 system's name, fine in 2022
    assert office_by_path.category == office == office_alone.category
    assert office_alone.funding_source == FundingSource.SUPERIOR_SUBSIDY
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("6500", "6500.00"),
        ("6,500.00", "6500.00"),
        ("6500元", "6500.00"),
        ("￥6,500", "6500.00"),
        ("¥6,500.00", "6500.00"),
        ("6500.5", "6500.50"),
        ("6500.50元", "6500.50"),
        ("６５００", "6500.00"),  # full-width digits
        ("6500元整", "6500.00"),
        (" 1,234,567.89 ", "1234567.89"),
    ],
)
def test_amounts_as_people_type_them(july, typed, expected):
    result = parse(july, row(**{"金额": typed}))

    assert result.errors == []
    assert result.entries[0].amount == Decimal(expected)


@pytest.mark.parametrize(
    "typed",
    [
        "2022-07-05",
        "2022/7/5",
        "2022年7月5日",
        "2022.07.05",
        "2022-7-5",
        "20220705",
        "2022-07-05 00:00:00",
        "7月5日",  # the month's year
        "２０２２年７月５日",
    ],
)
def test_dates_as_people_type_them(july, typed):
    result = parse(july, row(**{"日期": typed}))

    assert result.errors == []
    assert result.entries[0].date == datetime.date(2022, 7, 5)


def test_number_cells_and_formula_noise():
    assert parse_amount(6500) == Decimal("6500")
    assert parse_amount(6500.5) == Decimal("6500.5")
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")  # a formula's cached float
    assert parse_amount(12.345) == Decimal("12.345")  # a real third decimal stays, refused later


@pytest.mark.parametrize(
    "typed",
    [
        "6500,50",  # a decimal comma: was stored as 650050.00
        "6500，50",  # the full-width comma a Chinese IME types
        "6,50",
        "1,2345",  # a misplaced grouping comma: was read as 12345
        "12,34,567",
        "1,234.5,6",
        ",500",
    ],
)
def test_a_comma_that_is_not_thousands_grouping_is_a_row_error(july, english, typed):
    result = parse(july, row(**{"金额": typed}))

    assert result.entries[0].amount is None
    assert result.errors == [
        (
            2,
            f"The amount “{typed}” has a comma that is not a thousands separator: write the "
            "decimal point as a full stop and the thousands with commas of three digits, "
            "like 6500.50 or 6,500.50.",
        )
    ]


@pytest.mark.parametrize("typed", ["$6500", "US$6,500", "HKD 6500", "6500美元", "€65", "100日元"])
def test_foreign_currencies_are_refused(july, english, typed):
    result = parse(july, row(**{"金额": typed}))

    assert result.errors == [
        (2, f"The amount “{typed}” is not in yuan: write the amount in yuan, like 6500.00.")
    ]


@pytest.mark.parametrize(
    "cell, shown",
    [
        ("123456789012345678901234567890", "123456789012345678901234567890"),  # was a 500
        ("1000000000000", "1000000000000"),
        (1e30, "1e+30"),  # a number cell: was a 500
        (10**15, str(10**15)),
    ],
)
def test_amounts_beyond_the_models_digits_are_row_errors(july, english, cell, shown):
    result = parse_entries(july, xlsx_bytes(row(**{"金额": cell})))

    assert result.errors == [
        (
            2,
            f"The amount “{shown}” is too large: an entry can be at most 999,999,999,999.99 yuan.",
        )
    ]


def test_the_largest_amount_the_model_holds_is_accepted(july):
    result = parse(july, row(**{"金额": "999,999,999,999.99", "审批人": "韩兴和"}))

    assert result.errors == []
    assert result.entries[0].amount == Decimal("999999999999.99")


@pytest.mark.parametrize("cell", ["1E+30", "1e5", "NaN", "inf"])
def test_exponents_and_special_numbers_are_not_amounts(july, english, cell):
    result = parse_entries(july, xlsx_bytes(row(**{"金额": cell})))

    assert result.errors == [(2, f"The amount “{cell}” is not a number: write it like 6500.00.")]


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), float("-inf"), True])
def test_special_number_cells_are_not_amounts(cell):
    with pytest.raises(importing.AmountError):
        parse_amount(cell)


def test_a_refused_amount_imports_nothing(july, accountant):
    content = csv_bytes(GOOD, row(**{"凭证号": "记07-009", "金额": "6500,50"}))

    result = import_entries(july, accountant, content)

    assert not result.is_valid
    assert LedgerEntry.objects.count() == 0


def test_english_headers_title_rows_and_blank_rows(july):
    content = csv_bytes(
        ["五庙村2022年7月财务明细"],
        [],
        ["Date", "Voucher number", "Description", "Kind", "Category", "Amount (yuan)"],
        ["2022-07-05", "记07-001", "电费", "expense", "Management expenses", "420"],
        [],
        ["", "", "", "", "", ""],
        ["2022-07-09", "记07-002", "利息", "income", "其他收入", "86.35"],
        header=None,
    )

    result = parse_entries(july, content)

    assert result.errors == []
    # Spreadsheet row numbers: the title, a blank, the header, then rows 4 and 7.
    assert [r.number for r in result.rows] == [4, 7]
    assert result.entries[0].category.name == "管理费用"


def test_headers_with_units_and_extra_columns(july):
    header = ["序号", "日期", "凭证号", "摘要", "收支", "科目", "金额（元）", "备注"]
    content = csv_bytes(
        ["1", "2022-07-05", "记07-001", "电费", "支出", "管理费用", "420", "无"], header=header
    )

    result = parse_entries(july, content)

    assert result.errors == []
    assert result.entries[0].amount == Decimal("420.00")


def test_the_templates_example_row_and_a_total_line_are_skipped(july, english):
    result = parse(
        july,
        row(**{"凭证号": "示例"}),
        GOOD,
        ["", "", "合计", "", "", "6500", "", "", ""],
    )

    assert result.errors == []
    assert len(result.rows) == 1
    assert [number for number, _why in result.skipped] == [2, 4]


# What is refused, row by row


BAD_ROWS = [
    ({"日期": ""}, "日期 is missing."),
    ({"日期": "2022-13-45"}, "“2022-13-45” is not a date"),
    ({"日期": "上周五"}, "“上周五” is not a date"),
    ({"日期": "2022-08-01"}, "The date must fall within 2022-07."),
    ({"日期": "2022-06-30"}, "The date must fall within 2022-07."),
    ({"科目": "不存在的科目"}, "Unknown category “不存在的科目”"),
    ({"科目": "差旅费"}, "Unknown category “差旅费”"),  # 黄升镇's sub-item
    ({"科目": "管理费用›差旅费"}, "Unknown category"),
    ({"科目": "经营收入"}, "This category does not match income or expense."),
    ({"科目": "公益支出"}, "This category is not used in the accounts of 2022."),
    ({"金额": "六千五百元"}, "The amount “六千五百元” is not a number: write it like 6500.00."),
    ({"金额": "6500abc"}, "is not a number"),
    ({"金额": "0"}, "The amount must be more than zero."),
    ({"金额": "-6500"}, "The amount must be more than zero."),
    ({"金额": "12.345"}, "The amount 12.345 has more than two decimal places."),
    ({"金额": ""}, "金额 is missing."),
    ({"审批人": ""}, "Expenses of 1,000.00 yuan or more must name who approved them."),
    ({"摘要": ""}, "摘要 is missing."),
    ({"凭证号": ""}, "凭证号 is missing."),
    ({"收支": ""}, "收支 is missing."),
    ({"收支": "借"}, "must be 收入 or 支出, not “借”"),
    ({"科目": ""}, "科目 is missing."),
    ({"资金来源": "银行贷款"}, "Unknown source of funds “银行贷款”"),
    ({"摘要": "长" * 201}, "摘要: Ensure this value has at most 200 characters"),
]


@pytest.mark.parametrize("changes, message", BAD_ROWS, ids=[m for _c, m in BAD_ROWS])
def test_each_bad_row_is_reported_with_its_row_and_nothing_is_imported(
    july, travel, accountant, english, changes, message
):
    content = csv_bytes(INCOME, row(**changes))

    result = parse_entries(july, content)

    assert len(result.errors) == 1, result.errors
    number, text = result.errors[0]
    assert number == 3
    assert message in text
    assert not result.is_valid
    assert not import_entries(july, accountant, content).is_valid
    assert LedgerEntry.objects.count() == 0


def test_the_threshold_is_the_townships(july, liguo, english):
    liguo.large_expense_threshold = Decimal("5000.00")
    liguo.save()

    result = parse(
        july,
        row(**{"金额": "4999.99", "审批人": ""}),
        row(**{"凭证号": "记07-002", "金额": "5000", "审批人": " "}),
        row(**{"凭证号": "记07-003", "收支": "收入", "科目": "其他收入", "审批人": ""}),
    )

    assert result.errors == [
        (3, "审批人: Expenses of 5,000.00 yuan or more must name who approved them.")
    ]


def test_duplicate_voucher_numbers_in_the_file_and_in_the_month(july, english):
    LedgerEntry.objects.create(
        ledger=july,
        date=datetime.date(2022, 7, 1),
        voucher_number="记07-009",
        description="已录入",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("10"),
    )

    result = parse(
        july,
        GOOD,
        row(**{"摘要": "重复"}),
        row(**{"凭证号": "记07-009"}),
    )

    assert result.errors == [
        (3, "Voucher number 记07-001 is also used in row 2."),
        (4, "Voucher number 记07-009 is already in this month's list."),
    ]


def test_every_problem_of_every_row_is_collected(july, english):
    result = parse(
        july,
        row(**{"日期": "", "金额": "abc"}),
        GOOD[:1] + ["记07-002"] + GOOD[2:],
        row(**{"凭证号": "记07-003", "科目": "不存在"}),
        row(**{"凭证号": "记07-004", "金额": "1.001"}),
    )

    assert [number for number, _message in result.errors] == [2, 2, 4, 5]
    assert [len(r.errors) for r in result.rows] == [2, 0, 1, 1]


def test_messages_are_in_chinese_by_default(july):
    result = parse(july, row(**{"金额": "abc"}))

    assert result.errors == [(2, "金额“abc”不是数字：请写成 6500.00 这样。")]


# Encodings and file types


def test_gbk_csv(july, office):
    content = csv_bytes(
        GOOD, row(**{"凭证号": "记07-002", "科目": "管理费用/办公费"}), encoding="gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    result = parse_entries(july, content)

    assert result.errors == []
    assert result.entries[0].description == "村内环境整治费用"
    assert result.entries[1].category == office


def test_gb18030_csv_with_rare_characters(july):
    # 㘵 is outside GBK; GB18030 covers it.
    content = csv_bytes(row(**{"经手人": "李㘵"}), encoding="gb18030")

    assert parse_entries(july, content).entries[0].handled_by == "李㘵"


def test_utf8_csv_with_and_without_bom(july):
    plain = csv_bytes(GOOD)
    with_bom = b"\xef\xbb\xbf" + plain

    for content in (plain, with_bom):
        result = parse_entries(july, content)
        assert result.errors == []
        assert result.entries[0].date == datetime.date(2022, 7, 5)


@pytest.mark.parametrize("cut", [1, 3, 101])
def test_utf16_cut_at_an_odd_byte_is_refused(july, english, cut):
    """Was a server error: the decoder's exception escaped."""
    content = csv_bytes(GOOD, encoding="utf-16")[:-cut]
    assert len(content) % 2 == 1

    with pytest.raises(SpreadsheetError, match="This file is not a spreadsheet"):
        parse_entries(july, content)


def test_imported_text_is_cleaned(july):
    result = parse(
        july,
        row(
            **{
                "凭证号": "记０７－００１",
                "摘要": "环境\u202e整治\u2069费用",
                "经手人": "刘\u200b建国",
            }
        ),
    )

    entry = result.entries[0]
    assert (entry.voucher_number, entry.description, entry.handled_by) == (
        "记07-001",
        "环境整治费用",
        "刘建国",
    )


def test_a_nul_character_is_a_row_error(july, english, accountant):
    """PostgreSQL refuses NUL in text: it passed the preview and failed at confirm."""
    content = csv_bytes(GOOD, row(**{"凭证号": "记07-002", "摘要": "电费\x00"}), encoding="utf-16")

    result = import_entries(july, accountant, content)

    assert result.errors == [(3, "摘要 contains an invisible NUL character: type the cell again.")]
    assert LedgerEntry.objects.count() == 0


def test_excel_unicode_text_and_semicolons(july):
    tab_separated = "\r\n".join("\t".join(r) for r in (HEADER, GOOD)).encode("utf-16")
    semicolons = "\n".join(";".join(r) for r in (HEADER, GOOD)).encode("utf-8")

    for content in (tab_separated, semicolons):
        result = parse_entries(july, content)
        assert result.errors == []
        assert result.entries[0].amount == Decimal("6500.00")


def test_a_real_xlsx_with_date_and_number_cells(july, office, english):
    content = xlsx_bytes(
        [
            datetime.datetime(2022, 7, 5),
            "记07-001",
            "村内环境整治费用",
            "支出",
            "管理费用",
            6500,
            None,
            "刘建国",
            "韩兴和",
        ],
        [datetime.date(2022, 7, 6), 2, "办公用品", "支出", "管理费用 › 办公费", 124.5],
        ["2022年7月7日", "记07-003", "利息", "收入", "其他收入", "86.35元"],
        [None, None, None, None, None, None],
        [datetime.date(2022, 8, 1), "记07-005", "下月的", "支出", "管理费用", 10.001],
        title="五庙村2022年7月财务明细",
    )

    result = parse_entries(july, content)

    first, second, third, fifth = result.rows
    assert [r.number for r in result.rows] == [3, 4, 5, 7]
    assert first.entry.date == datetime.date(2022, 7, 5)
    assert first.entry.amount == Decimal("6500.00")
    assert second.entry.voucher_number == "2"  # a number cell, read as text
    assert second.entry.amount == Decimal("124.50")
    assert second.entry.category == office
    assert third.entry.date == datetime.date(2022, 7, 7)
    assert result.errors == [
        (7, "The amount 10.001 has more than two decimal places."),
        (7, "日期: The date must fall within 2022-07."),
    ]


def test_an_xlsx_whose_header_is_on_the_second_sheet(july):
    workbook = Workbook()
    workbook.active.append(["说明：明细见第二页"])
    sheet = workbook.create_sheet("明细")
    sheet.append(HEADER)
    sheet.append(GOOD)
    output = io.BytesIO()
    workbook.save(output)

    result = parse_entries(july, output.getvalue())

    assert result.errors == []
    assert len(result.rows) == 1


def png_bytes():
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(output, "PNG")
    return output.getvalue()


def docx_bytes():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


def broken_xlsx_bytes():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
    return output.getvalue()


NOT_SPREADSHEETS = [
    ("empty", lambda: b"", "The file is empty."),
    ("png", png_bytes, "This file is not a spreadsheet. Upload an .xlsx or .csv file."),
    ("random", lambda: bytes(range(256)) * 8, "This file is not a spreadsheet."),
    ("docx", docx_bytes, "This is a Word document, not a spreadsheet."),
    ("zip", lambda: b"PK\x03\x04garbage", "This file is not a spreadsheet."),
    ("broken xlsx", broken_xlsx_bytes, "This Excel file cannot be read."),
    ("xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old-style Excel"),
    ("prose", lambda: "今天天气很好。\n我们去赶集。\n".encode(), "No header row found."),
    (
        "some headers",
        lambda: csv_bytes(GOOD[:3], header=HEADER[:3]),
        "The header row (row 1) lacks the columns 收支、科目、金额.",
    ),
    ("too big", lambda: b"a" * (importing.MAX_BYTES + 1), "The file is larger than 1 MB."),
]


@pytest.mark.parametrize(
    "make, message",
    [(m, t) for _n, m, t in NOT_SPREADSHEETS],
    ids=[n for n, _m, _t in NOT_SPREADSHEETS],
)
def test_not_a_spreadsheet_gets_a_clear_message(july, english, make, message):
    with pytest.raises(SpreadsheetError) as raised:
        parse_entries(july, make())

    assert message in raised.value.messages[0]


def test_too_many_rows(july, english):
    rows = [row(**{"凭证号": f"记{n:05d}"}) for n in range(importing.MAX_ROWS + 1)]

    with pytest.raises(SpreadsheetError, match="more than 2,000 rows"):
        parse(july, *rows)


def test_the_row_limit_itself_is_fine(july):
    rows = [row(**{"凭证号": f"记{n:05d}", "金额": "10"}) for n in range(importing.MAX_ROWS)]

    assert len(parse(july, *rows).rows) == importing.MAX_ROWS


# Limits: checked before openpyxl reads anything, and while reading


def xlsx_with_sheet(sheet_xml, compression=zipfile.ZIP_DEFLATED, extra_members=0):
    """A real workbook whose first sheet is replaced by `sheet_xml` (bytes)."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    for number in range(extra_members):
        parts[f"xl/media/image{number}.png"] = b"x"
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return output.getvalue()


@pytest.fixture
def openpyxl_never_reads(monkeypatch):
    """Fails the test if the file gets as far as openpyxl."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a file that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def bomb_sheet(megabytes):
    """A sheet of blank rows that deflates about a thousand times: 1 MB uploaded, 1 GB read."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    body = b"<sheetData>" + b"<row/>" * (megabytes * 1024 * 1024 // 6) + b"</sheetData>"
    return head + body + b"</worksheet>"


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(july, english, openpyxl_never_reads):
    content = xlsx_with_sheet(bomb_sheet(40))
    assert len(content) < importing.MAX_BYTES  # the upload limit alone let it through

    with pytest.raises(SpreadsheetError) as raised:
        parse_entries(july, content)

    assert re.fullmatch(
        r"This Excel file unpacks to more than a spreadsheet of entries can: "
        r"xl/worksheets/sheet1\.xml is compressed \d{3,4} times\. Copy the entries into the "
        r"template, or save the sheet as \.csv, and upload that\.",
        raised.value.messages[0],
    )


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_methods_excel_does_not_write_are_refused(
    july, english, openpyxl_never_reads, method
):
    with pytest.raises(SpreadsheetError, match="packed in an unusual way"):
        parse_entries(july, xlsx_with_sheet(bomb_sheet(1), compression=method))


def test_too_many_parts_are_refused(july, english, openpyxl_never_reads):
    content = xlsx_with_sheet(bomb_sheet(0), extra_members=importing.MAX_ZIP_MEMBERS)

    with pytest.raises(SpreadsheetError, match="parts inside"):
        parse_entries(july, content)


def zip_member(name, size, compressed, method=zipfile.ZIP_DEFLATED):
    member = zipfile.ZipInfo(name)
    member.file_size, member.compress_size, member.compress_type = size, compressed, method
    return member


def test_the_unpacked_size_limits_count_each_member_and_the_total(english):
    megabyte = 1024 * 1024
    fine = [zip_member("xl/workbook.xml", 10 * megabyte, megabyte)]
    importing.check_zip_members(fine)  # ten times: an ordinary sheet

    for members, limit in (
        ([zip_member("xl/worksheets/sheet1.xml", 17 * megabyte, megabyte)], 16),
        (
            [zip_member(f"xl/worksheets/sheet{n}.xml", 12 * megabyte, megabyte) for n in range(3)],
            32,
        ),
    ):
        with pytest.raises(SpreadsheetError, match=f"more than {limit} MB of data"):
            importing.check_zip_members(members)


def test_a_refused_xlsx_is_refused_quickly_and_in_little_memory(july, openpyxl_never_reads):
    content = xlsx_with_sheet(bomb_sheet(40))
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(SpreadsheetError):
            parse_entries(july, content)
        # CPU time, not wall time: a busy machine does not make it fail. Was minutes.
        assert time.process_time() - started < 1
        assert tracemalloc.get_traced_memory()[1] < 50 * 1024 * 1024  # was gigabytes
    finally:
        tracemalloc.stop()


def test_blank_rows_never_end_the_reading(july):
    content = csv_bytes(GOOD, *[[]] * 1500, row(**{"凭证号": "记07-002"}))

    result = parse_entries(july, content)

    assert result.errors == []
    assert [r.number for r in result.rows] == [2, 1503]
    assert (result.rows_below_header, result.blank_rows) == (1502, 1500)


def test_an_entry_at_the_sheets_last_row_is_read(july):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD)
    for column, value in enumerate(row(**{"凭证号": "记07-002"}), start=1):
        sheet.cell(row=1_048_576, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)

    result = parse_entries(july, output.getvalue())

    assert [r.number for r in result.rows] == [2, 1_048_576]


def test_the_confirmation_counts_every_row_of_the_file(july, english):
    content = csv_bytes(
        row(**{"凭证号": "示例"}), GOOD, [], [], ["", "", "", "", "", "", "", "", "", "备注"]
    )

    result = parse_entries(july, content)

    assert result.row_counts == "Rows below the header: 5 (entries 1, skipped 2, blank 2)."


def test_a_cell_longer_than_any_column_refuses_the_file(july, english):
    with pytest.raises(SpreadsheetError, match="Row 2 has a cell of more than 1,000 characters"):
        parse(july, row(**{"摘要": "很" * 1001}))


def test_columns_beyond_the_limit_are_not_read(july):
    result = parse(july, GOOD + ["x"] * 100_000, header=HEADER + ["备注"] * 100_000)

    assert result.errors == []
    assert result.rows[0].number == 2


# Importing


def test_import_creates_every_entry_at_once(july, accountant):
    content = csv_bytes(GOOD, INCOME)

    result = import_entries(july, accountant, content)

    assert result.is_valid
    assert list(july.entries.values_list("voucher_number", "amount")) == [
        ("记07-002", Decimal("96000.00")),
        ("记07-001", Decimal("6500.00")),
    ]


def test_import_is_refused_for_a_month_not_being_entered(july, accountant, english):
    july.submit(accountant)

    with pytest.raises(PermissionDenied):
        import_entries(july, accountant, csv_bytes(GOOD))

    assert LedgerEntry.objects.count() == 0


def test_import_is_refused_to_another_villages_accountant(july, other_accountant, reviewer):
    for user in (other_accountant, reviewer):
        with pytest.raises(PermissionDenied):
            import_entries(july, user, csv_bytes(GOOD))

    assert LedgerEntry.objects.count() == 0


# In the admin


def import_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/import/"


def template_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/import/template.xlsx"


def change_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/change/"


def upload(client, month, content, name="明细.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(import_url(month), {"file": file}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_change_page_of_a_draft_links_to_the_import(client_for, accountant, july):
    content = client_for(accountant).get(change_url(july)).content.decode()

    assert import_url(july) in content
    assert template_url(july) in content
    assert "从表格导入明细" in content


def test_upload_preview_confirm(client_for, accountant, july):
    client = client_for(accountant)
    assert client.get(import_url(july)).status_code == 200

    response = upload(client, july, csv_bytes(GOOD, INCOME))

    assert response.status_code == 200
    assert LedgerEntry.objects.count() == 0  # a preview writes nothing
    rows = response.context["preview_rows"]
    assert [r["number"] for r in rows] == [2, 3]
    assert rows[0]["amount"] == "6,500.00"
    assert rows[0]["category"] == "Management expenses"
    content = response.content.decode()
    assert "村内环境整治费用" in content
    assert "Confirm import" in content
    payload = response.context["payload"]

    response = client.post(import_url(july), {"payload": payload}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == change_url(july)
    assert july.entries.count() == 2
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    counted = "Rows below the header: 2 (entries 2, skipped 0, blank 0)."
    assert messages == [f"Imported 2 entries from 明细.csv. {counted}"]
    assert LogEntry.objects.get().change_message == f"Imported 2 entries from 明细.csv. {counted}"


def test_an_xlsx_through_the_admin(client_for, accountant, july):
    client = client_for(accountant)
    content = xlsx_bytes([datetime.date(2022, 7, 5), *GOOD[1:5], 6500, *GOOD[6:]])

    response = upload(client, july, content, name="明细.xlsx")
    client.post(import_url(july), {"payload": response.context["payload"]})

    assert july.entries.get().date == datetime.date(2022, 7, 5)


def test_a_bad_file_shows_every_error_and_imports_nothing(client_for, accountant, july):
    client = client_for(accountant)

    response = upload(
        client, july, csv_bytes(GOOD, row(**{"凭证号": "记07-002", "日期": "2022-08-01"}))
    )

    assert response.status_code == 200
    assert "payload" not in response.context
    assert response.context["errors"] == [(3, "日期: The date must fall within 2022-07.")]
    content = response.content.decode()
    assert "Row 3" in content
    assert "Nothing has been imported" in content
    assert "Confirm import" not in content
    assert LedgerEntry.objects.count() == 0


def test_not_a_spreadsheet_in_the_admin(client_for, accountant, july):
    response = upload(client_for(accountant), july, png_bytes(), name="photo.png")

    assert response.status_code == 200
    assert "This file is not a spreadsheet" in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_a_changed_payload_is_refused(client_for, accountant, july, wumiao):
    client = client_for(accountant)
    payload = upload(client, july, csv_bytes(GOOD)).context["payload"]
    other_month = factories.make_month(wumiao, 2022, 8, published=False)
    # Signed for another month, or for another user, or edited: all refused.
    for_august = sign_upload(other_month, accountant, "x.csv", csv_bytes(GOOD))
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")

    for bad in (for_august, forged, "nonsense"):
        response = client.post(import_url(july), {"payload": bad}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert response["Location"] == import_url(july)

    assert LedgerEntry.objects.count() == 0


def test_confirm_checks_again(client_for, accountant, july):
    """An entry typed in meanwhile with the same voucher: the confirm shows the clash."""
    client = client_for(accountant)
    payload = upload(client, july, csv_bytes(GOOD)).context["payload"]
    LedgerEntry.objects.create(
        ledger=july,
        date=datetime.date(2022, 7, 1),
        voucher_number="记07-001",
        description="先录入的",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("10"),
    )

    response = client.post(import_url(july), {"payload": payload}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["errors"] == [
        (2, "Voucher number 记07-001 is already in this month's list.")
    ]
    assert july.entries.count() == 1


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_a_month_not_being_entered_cannot_be_imported_into(client_for, accountant, july, status):
    if status == "submitted":
        july.submit(accountant)
    else:
        factories.publish(july)
    client = client_for(accountant)

    assert client.get(import_url(july)).status_code == 403
    assert upload(client, july, csv_bytes(GOOD)).status_code == 403
    assert import_url(july) not in client.get(change_url(july)).content.decode()
    assert LedgerEntry.objects.count() == 0


def test_a_sent_back_month_can_be_imported_into(client_for, accountant, reviewer, july):
    july.submit(accountant)
    july.send_back(reviewer, "缺少7月电费")

    assert client_for(accountant).get(import_url(july)).status_code == 200


def test_other_people_cannot_import(client, client_for, july, other_accountant, reviewer):
    file_post = {"file": io.BytesIO(csv_bytes(GOOD))}
    assert client.get(import_url(july)).status_code == 302  # to the login page
    assert "/login/" in client.get(import_url(july))["Location"]
    assert client.get(template_url(july)).status_code == 302

    other = client_for(other_accountant)
    assert other.get(import_url(july)).status_code == 404
    assert other.get(template_url(july)).status_code == 404
    file_post["file"].name = "a.csv"
    assert other.post(import_url(july), file_post).status_code == 404

    # The reviewer sees the month but does not enter its entries.
    assert client_for(reviewer).get(import_url(july)).status_code == 403
    assert LedgerEntry.objects.count() == 0


def test_the_template_download(client_for, accountant, july, office, travel):
    response = client_for(accountant).get(template_url(july))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="371603201201-2022-07-template.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, lists = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A2"].value == datetime.datetime(2022, 7, 1)  # a real date cell
    categories = [cell.value for cell in lists["B"][1:] if cell.value]
    assert "管理费用" in categories
    assert "管理费用/办公费" in categories  # 利国乡's own
    assert "管理费用/差旅费" not in categories  # 黄升镇's
    assert "公益支出" not in categories  # not in 2022's accounts
    assert "发包及上交收入" in categories
    sources = [cell.value for cell in lists["D"][1:] if cell.value]
    assert sources == ["集体自有资金", "上级补助", "专项资金", "捐赠", "其他"]

    # Uploaded back as it is, the example row is skipped and nothing is imported.
    result = parse_entries(july, response.content)
    assert result.rows == [] and [n for n, _why in result.skipped] == [2]

    # Filled in, it imports.
    sheet.append([datetime.date(2022, 7, 9), "记07-001", "电费", "支出", "管理费用›办公费", 420])
    output = io.BytesIO()
    workbook.save(output)
    assert parse_entries(july, output.getvalue()).is_valid


def test_the_largest_upload_fits_in_the_confirm_form(settings, july, accountant):
    """The preview posts the file back signed: it must stay under Django's limit on a form."""
    incompressible = random.Random(3).randbytes(importing.MAX_BYTES)

    payload = sign_upload(july, accountant, "明细.xlsx", incompressible)

    assert len(payload) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
