"""Balances that chain: a month opens where the previous published month closed, after
its corrections; it may differ only with a stated reason, shown to villagers; a negative
closing balance is submitted only with an explanation; a correction in the middle of the
year carries into the later months on the year table, the village page and the poster."""

import datetime
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from disclosures.finance.posters import render_month_poster
from disclosures.models import LedgerMonth
from tests import factories
from tests.disclosures.finance.finance_helpers import (
    EXPENSE,
    INCOME,
    add_entry,
    correction,
    published_month,
)
from tests.disclosures.finance.test_ledger_admin import ADD, add_data

WUMIAO = "/v/371603201201"


def month_in(village, year, month, opening, **fields):
    return LedgerMonth(village=village, year=year, month=month, opening_balance=opening, **fields)


@pytest.fixture
def september(wumiao):
    """Opens at 10,000.00, closes at 9,500.00."""
    return published_month(
        wumiao,
        2026,
        9,
        [
            (3, "记09-001", "光伏电站收益分红", INCOME, "投资收益", "1500"),
            (9, "记09-002", "村内道路路灯维修", EXPENSE, "公益支出", "2000"),
        ],
    )


def test_an_empty_opening_balance_carries_the_previous_closing(september):
    october = month_in(september.village, 2026, 10, None)
    october.clean()  # as the admin's form does with an empty field
    assert october.opening_balance == Decimal("9500.00")


def test_the_first_month_opens_at_zero_when_left_empty(wumiao):
    first = month_in(wumiao, 2026, 1, None)
    first.clean()
    assert first.opening_balance == Decimal("0")


def test_a_different_opening_needs_a_stated_reason(september):
    october = month_in(september.village, 2026, 10, Decimal("999999.00"))
    with pytest.raises(ValidationError) as refused:
        october.full_clean()
    message = refused.value.message_dict["opening_reason"][0]
    assert "9,500.00" in message and "990,499.00" in message

    october.opening_reason = "9月底收到县财政拨付的项目资金990,499元，银行入账在10月1日。"
    october.full_clean()  # accepted with the reason


def test_drafts_do_not_count_as_the_previous_month(september):
    factories.make_month(september.village, 2026, 10, entries=3, published=False)
    november = month_in(september.village, 2026, 11, None)
    november.clean()
    assert november.opening_balance == Decimal("9500.00")


def test_the_admin_fills_an_empty_opening_and_refuses_a_different_one(
    client_for, accountant, september
):
    client = client_for(accountant)
    response = client.post(ADD, add_data(september.village, 2026, 10, ""))
    assert response.status_code == 302
    assert LedgerMonth.objects.get(month=10).opening_balance == Decimal("9500.00")

    response = client.post(ADD, add_data(september.village, 2026, 11, "999999"))
    assert response.status_code == 200
    assert "opening_reason" in response.context["adminform"].form.errors
    assert not LedgerMonth.objects.filter(month=11).exists()


def test_the_reason_for_a_different_opening_is_on_the_public_page(client, september):
    october = factories.make_month(september.village, 2026, 10, opening="12000.00", published=False)
    october.opening_reason = "9月底收到的2,500元租金在10月1日才存入银行。"
    factories.publish(october)
    html = client.get(f"{WUMIAO}/finance/2026-10/").content.decode()
    assert "期初余额不等于上月期末余额" in html
    assert "9月底收到的2,500元租金在10月1日才存入银行。" in html


def test_a_negative_closing_balance_needs_an_explanation(wumiao, client):
    october = factories.make_month(wumiao, 2026, 10, opening="100.00", published=False)
    add_entry(october, 5, "记10-001", "预付道路硬化工程款", EXPENSE, "公益支出", "5000")
    enterer, reviewer = factories.workflow_users()
    with pytest.raises(ValidationError, match="-4,900.00"):
        october.submit(enterer)

    october.negative_balance_reason = "先垫付工程款，县里的补助资金下月到账。"
    october.save()
    october.submit(enterer)
    october.publish(reviewer)
    html = client.get(f"{WUMIAO}/finance/2026-10/").content.decode()
    assert "期末余额为负" in html
    assert "先垫付工程款，县里的补助资金下月到账。" in html


@pytest.fixture
def corrected_mid_year(september):
    """October and November published; then a correction to October (a 90-yuan fee
    missed) is published after November, as in the issue."""
    village = september.village
    october = published_month(
        village,
        2026,
        10,
        [(8, "记10-001", "村委会电费", EXPENSE, "管理费用", "410")],
        opening="9500.00",
    )
    assert not october.opening_reason  # it chains: no reason needed
    november = published_month(
        village,
        2026,
        11,
        [(6, "记11-001", "集体土地承包费", INCOME, "经营收入", "3000")],
        opening="9090.00",
    )
    assert not november.opening_reason
    correction(
        october,
        "漏记10月银行手续费90元。",
        [(31, "更10-001", "银行手续费", EXPENSE, "管理费用", "90")],
        when=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC),
    )
    return october, november


def test_a_correction_mid_year_carries_into_the_year_table(client, corrected_mid_year):
    response = client.get(f"{WUMIAO}/finance/2026/")
    rows = {row.number: row for row in response.context["report"].months}
    assert rows[10].summary.closing == Decimal("9000.00")  # 9,500 − 410 − 90
    assert rows[11].summary.opening == Decimal("9000.00")  # not the 9,090 published
    assert rows[11].summary.closing == Decimal("12000.00")


def test_the_next_month_opens_from_the_corrected_closing(corrected_mid_year):
    _, november = corrected_mid_year
    december = month_in(november.village, 2026, 12, None)
    december.clean()
    assert december.opening_balance == Decimal("12000.00")


def test_the_later_month_says_the_correction_carried_into_it(client, corrected_mid_year):
    html = client.get(f"{WUMIAO}/finance/2026-11/").content.decode()
    assert "9,000.00" in html and "9,090.00" in html
    assert "后来公开的对之前月份的更正" in html
    village_page = client.get(f"{WUMIAO}/").content.decode()
    assert "12,000.00" in village_page  # the closing balance on the first screen


def test_the_poster_uses_the_corrected_balances(corrected_mid_year, tmp_path):
    _, november = corrected_mid_year
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(render_month_poster(november))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "9,090.00" in text  # as published
    assert "12,000.00" in text  # the closing balance after the correction to October


def xlsx(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_excel_files_use_the_corrected_balances(client, corrected_mid_year):
    """The downloads show the balances as the page and the poster do: as published, and
    after the correction to October published after November."""
    sheet = xlsx(client, f"{WUMIAO}/finance/2026-11.xlsx").active
    summary = {
        sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=6).value
        for r in range(1, sheet.max_row + 1)
    }
    assert summary["期初余额"] == 9090  # as published
    assert summary["期末余额"] == 12090
    assert summary["更正后期初余额"] == 9000  # 9,090 less October's 90-yuan fee
    assert summary["更正后期末余额"] == 12000
    assert "更正" in summary["更正后期初余额说明"]

    months = xlsx(client, f"{WUMIAO}/finance/2026.xlsx")["月度汇总"]
    header = [cell.value for cell in months[1]]
    rows = {
        row[0].value: {h: c.value for h, c in zip(header, row, strict=True)}
        for row in months.iter_rows(2)
    }
    assert rows["2026-10"]["更正后期末余额"] == 9000
    assert rows["2026-11"]["期初余额"] == 9090
    assert rows["2026-11"]["更正后期初余额"] == 9000
    assert rows["2026-11"]["更正后期末余额"] == 12000
    # The year table shows the same.
    table = client.get(f"{WUMIAO}/finance/2026/").context["report"].months
    assert table[10].summary.closing == Decimal("12000.00")
