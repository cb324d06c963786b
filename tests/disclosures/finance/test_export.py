"""Published months and years as CSV and Excel: /v/<code>/finance/<yyyy>-<mm>.csv and friends."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import Category, FundingSource, Kind, LedgerCorrection, LedgerEntry
from tests import factories

CODE = "371603201201"
HEADER = [
    "日期",
    "凭证号",
    "摘要",
    "收支",
    "科目",
    "金额",
    "资金来源",
    "经手人",
    "审批人",
    "更正",
    "更正原因",
    "更正日期",
]


def add_entry(month, day, voucher, description, kind, category, amount, **extra):
    if not isinstance(category, Category):
        category = factories.category(kind, category)
    return LedgerEntry.objects.create(
        ledger=month,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=description,
        kind=kind,
        category=category,
        amount=Decimal(amount),
        approved_by="韩兴和",
        **extra,
    )


@pytest.fixture
def office(liguo):
    return Category.objects.create(
        township=liguo,
        parent=factories.category(Kind.EXPENSE, "管理费用"),
        kind=Kind.EXPENSE,
        name="办公费",
    )


@pytest.fixture
def july(wumiao, office):
    month = factories.make_month(wumiao, 2026, 7, published=False, opening="85210.40")
    add_entry(month, 2, "记07-001", "光伏电站收益分红", Kind.INCOME, "投资收益", "4500")
    add_entry(month, 10, "记07-002", "银行存款利息", Kind.INCOME, "其他收入", "86.35")
    add_entry(
        month,
        15,
        "记07-003",
        "村内环境整治费用",
        Kind.EXPENSE,
        "公益支出",
        "6500",
        funding_source=FundingSource.SPECIAL_FUND,
        handled_by="刘建国",
    )
    add_entry(month, 20, "记07-004", "=1+1 办公用品", Kind.EXPENSE, office, "124.50")
    return factories.publish(month, when=datetime.datetime(2026, 8, 3, tzinfo=datetime.UTC))


@pytest.fixture
def correction(july):
    correction = LedgerCorrection.objects.create(ledger=july, reason="7月利息多记了10元")
    LedgerEntry.objects.create(
        ledger=july,
        correction=correction,
        date=datetime.date(2026, 8, 5),
        voucher_number="更07-001",
        description="冲销多记的利息",
        kind=Kind.INCOME,
        category=factories.category(Kind.INCOME, "其他收入"),
        amount=Decimal("-10"),
    )
    return factories.publish(correction, when=datetime.datetime(2026, 8, 6, tzinfo=datetime.UTC))


def month_url(year, month, fmt, code=CODE):
    return f"/v/{code}/finance/{year:04d}-{month:02d}.{fmt}"


def year_url(year, fmt, code=CODE):
    return f"/v/{code}/finance/{year:04d}.{fmt}"


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_urls():
    assert reverse(
        "disclosures:finance_month_export", kwargs={"code": CODE, "period": (2026, 7), "fmt": "csv"}
    ) == month_url(2026, 7, "csv")
    assert reverse(
        "disclosures:finance_year_export", kwargs={"code": CODE, "year": 2026, "fmt": "xlsx"}
    ) == year_url(2026, "xlsx")


def test_month_csv(client, july):
    response = client.get(month_url(2026, 7, "csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="371603201201-2026-07.csv"'
    header, *rows = csv_rows(response)
    assert header == HEADER
    tail = ["", "", ""]  # not a correction
    assert rows == [
        ["2026-07-02", "记07-001", "光伏电站收益分红", "收入", "投资收益", "4500.00",
         "集体自有资金", "", "韩兴和", *tail],
        ["2026-07-10", "记07-002", "银行存款利息", "收入", "其他收入", "86.35",
         "集体自有资金", "", "韩兴和", *tail],
        ["2026-07-15", "记07-003", "村内环境整治费用", "支出", "公益支出", "6500.00",
         "专项资金", "刘建国", "韩兴和", *tail],
        # A formula-looking text is quoted, so a spreadsheet shows it as typed.
        ["2026-07-20", "记07-004", "'=1+1 办公用品", "支出", "管理费用 › 办公费", "124.50",
         "集体自有资金", "", "韩兴和", *tail],
    ]  # fmt: skip


def test_the_csv_is_in_chinese_whatever_the_page_language(client, july):
    english = client.get(month_url(2026, 7, "csv"), HTTP_ACCEPT_LANGUAGE="en")

    assert csv_rows(english)[0] == HEADER
    assert csv_rows(english)[1][3:5] == ["收入", "投资收益"]


def test_month_xlsx(client, july):
    response = client.get(month_url(2026, 7, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="371603201201-2026-07.xlsx"'
    sheet = workbook(response).active
    assert sheet["A1"].value == "五庙村（371603201201）2026年7月财务公开"
    assert [cell.value for cell in sheet[2]] == HEADER
    assert all(cell.font.b for cell in sheet[2])
    assert sheet["A3"].value == datetime.datetime(2026, 7, 2)
    amounts = [sheet.cell(row=r, column=6) for r in range(3, 7)]
    assert [cell.value for cell in amounts] == [4500, 86.35, 6500, 124.5]
    assert {cell.number_format for cell in amounts} == {"#,##0.00"}
    assert sheet["C6"].value == "=1+1 办公用品"  # text, not a formula
    assert sheet["C6"].data_type == "s"
    assert sheet["E6"].value == "管理费用 › 办公费"
    summary = {
        sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=6)
        for r in range(8, sheet.max_row + 1)
    }
    assert summary["期初余额"].value == 85210.4
    assert summary["收入合计"].value == 4586.35
    assert summary["支出合计"].value == 6624.5
    assert summary["期末余额"].value == pytest.approx(83172.25)
    assert summary["期末余额"].number_format == "#,##0.00"
    assert summary["公开日期"].value == datetime.datetime(2026, 8, 3)
    assert summary["指纹"].value == july.fingerprint
    assert "更正后期末余额" not in summary


def test_published_corrections_are_included(client, july, correction):
    LedgerCorrection.objects.create(ledger=july, reason="还在审核的更正，不公开")

    header, *rows = csv_rows(client.get(month_url(2026, 7, "csv")))

    assert len(rows) == 5
    assert rows[-1] == [
        "2026-08-05",
        "更07-001",
        "冲销多记的利息",
        "收入",
        "其他收入",
        "-10.00",
        "集体自有资金",
        "",
        "",
        "更正",
        "7月利息多记了10元",
        "2026-08-06",
    ]
    sheet = workbook(client.get(month_url(2026, 7, "xlsx"))).active
    assert sheet["J7"].value == "更正"
    assert sheet["F7"].value == -10
    summary = {
        sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=6).value
        for r in range(9, sheet.max_row + 1)
    }
    assert summary["收入合计"] == 4586.35  # as published
    assert summary["更正后收入合计"] == 4576.35
    assert summary["更正后期末余额"] == pytest.approx(83162.25)


def test_a_draft_correction_is_not_exported(client, july):
    draft = LedgerCorrection.objects.create(ledger=july, reason="草稿")
    LedgerEntry.objects.create(
        ledger=july,
        correction=draft,
        date=datetime.date(2026, 8, 5),
        voucher_number="更07-009",
        description="草稿更正",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("5"),
    )

    for fmt in ("csv", "xlsx"):
        assert "草稿更正".encode() not in client.get(month_url(2026, 7, fmt)).content
    assert len(csv_rows(client.get(month_url(2026, 7, "csv")))) == 5


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_only_published_months(client, wumiao, reviewer, accountant, fmt):
    factories.make_month(wumiao, 2026, 8, entries=3, published=False)
    submitted = factories.make_month(wumiao, 2026, 9, entries=3, published=False)
    submitted.submit(accountant)

    assert client.get(month_url(2026, 8, fmt)).status_code == 404
    assert client.get(month_url(2026, 9, fmt)).status_code == 404
    assert client.get(year_url(2026, fmt)).status_code == 404  # no published month that year
    # Logged-in staff get no more than villagers.
    client.force_login(reviewer)
    assert client.get(month_url(2026, 9, fmt)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        month_url(2026, 7, "csv", code="371603201299"),
        "/v/371603201201/finance/2026-07.pdf",
        "/v/371603201201/finance/2026-13.csv",
        month_url(2026, 6, "xlsx"),
    ],
)
def test_not_found(client, july, url):
    assert client.get(url).status_code == 404


def test_year_csv_and_xlsx(client, wumiao, july, correction):
    factories.make_month(wumiao, 2026, 9, entries=2, opening="83162.25")
    factories.make_month(wumiao, 2026, 10, entries=2, published=False)
    factories.make_month(wumiao, 2025, 12, entries=2)

    response = client.get(year_url(2026, "csv"))

    assert response["Content-Disposition"] == 'attachment; filename="371603201201-2026.csv"'
    header, *rows = csv_rows(response)
    assert header == ["月份", *HEADER]
    assert [row[0] for row in rows] == ["2026-07"] * 5 + ["2026-09"] * 2
    assert rows[4][10] == "更正"
    assert [row[2] for row in rows[5:]] == ["记0000", "记0001"]

    response = client.get(year_url(2026, "xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="371603201201-2026.xlsx"'
    entries, months = workbook(response).worksheets
    assert [cell.value for cell in entries[2]] == ["月份", *HEADER]
    assert entries.max_row == 2 + 7
    assert [cell.value for cell in months[1]][:5] == [
        "月份",
        "期初余额",
        "收入合计",
        "支出合计",
        "期末余额",
    ]
    july_row = [cell.value for cell in months[2]]
    assert july_row[:5] == ["2026-07", 85210.4, 4586.35, 6624.5, pytest.approx(83172.25)]
    assert july_row[5] == 85210.4  # the opening after corrections: no earlier month's
    assert july_row[6] == 4576.35  # income after the correction
    assert [cell.value for cell in months[3]][0] == "2026-09"
    assert months["A4"].value == "全年合计"


def test_the_month_page_links_to_its_downloads(client, july):
    content = client.get("/v/371603201201/finance/2026-07/").content.decode()

    assert 'href="/v/371603201201/finance/2026-07.xlsx"' in content
    assert 'href="/v/371603201201/finance/2026-07.csv"' in content


def test_the_year_page_links_to_its_downloads(client, july):
    content = client.get("/v/371603201201/finance/2026/").content.decode()

    assert 'href="/v/371603201201/finance/2026.xlsx"' in content
    assert 'href="/v/371603201201/finance/2026.csv"' in content
    assert 'href="/v/371603201201/finance/2026-07.csv"' not in content


def test_the_downloads_include_for_a_month_or_a_year(wumiao, july):
    from django.template.loader import render_to_string

    for_month = render_to_string(
        "disclosures/finance/includes/_month_downloads.html", {"village": wumiao, "month": july}
    )
    for_year = render_to_string(
        "disclosures/finance/includes/_month_downloads.html", {"village": wumiao, "year": 2026}
    )
    nothing = render_to_string(
        "disclosures/finance/includes/_month_downloads.html", {"village": wumiao}
    )

    assert 'href="/v/371603201201/finance/2026-07.xlsx"' in for_month
    assert 'href="/v/371603201201/finance/2026-07.csv"' in for_month
    assert 'href="/v/371603201201/finance/2026.xlsx"' in for_year
    assert 'href="/v/371603201201/finance/2026.csv"' in for_year
    assert "href" not in nothing


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_query_counts_do_not_grow_with_entries(client, wumiao, yanjia, fmt):
    small = factories.make_month(wumiao, 2026, 7, entries=20)
    big = factories.make_month(yanjia, 2026, 7, entries=300)
    for month in (small, big):  # each with a published correction
        correction = LedgerCorrection.objects.create(ledger=month, reason="更正")
        LedgerEntry.objects.create(
            ledger=month,
            correction=correction,
            date=datetime.date(2026, 8, 1),
            voucher_number="更-1",
            description="更正",
            kind=Kind.EXPENSE,
            category=factories.category(Kind.EXPENSE, "管理费用"),
            amount=Decimal("-1"),
        )
        factories.publish(correction)

    counts = {}
    for village in (wumiao, yanjia):
        for url in (month_url(2026, 7, fmt, village.code), year_url(2026, fmt, village.code)):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts.setdefault(url.rsplit("/", 1)[1], []).append(len(queries))

    # Village, month(s), entries, corrections, correction entries; for Excel's totals,
    # the village's corrections that carry balances forward.
    expected = 5 if fmt == "csv" else 6
    assert counts == {f"2026-07.{fmt}": [expected] * 2, f"2026.{fmt}": [expected] * 2}
