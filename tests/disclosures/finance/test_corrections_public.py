"""Corrections on the public month page: nothing is ever hidden.

A mistake in a published month is fixed by a correction: adjusting entries with a reason,
reviewed and published. Villagers see the original entries exactly as published, then
each published correction (marked 更正, with its date, reason, entries and fingerprint),
and the totals before and after. A correction not yet published is nowhere to be seen."""

import datetime
import re
from decimal import Decimal

import pytest

from disclosures.models import LedgerEntry, Status
from tests.disclosures.finance.finance_helpers import EXPENSE, INCOME, correction, published_month

PAGE = "/v/371603102203/finance/2026-07/"


@pytest.fixture
def july(yanjia):
    return published_month(
        yanjia,
        2026,
        7,
        [
            (2, "记07-001", "光伏电站收益分红", INCOME, "投资收益", "4500"),
            (15, "记07-002", "村内环境整治费用", EXPENSE, "公益支出", "65000"),
            (20, "记07-003", "办公用品", EXPENSE, "管理费用", "124.50"),
        ],
        opening="85210.40",
    )


@pytest.fixture
def fixed(july):
    """The 6,500 environmental expense was typed as 65,000; and a interest line was missed."""
    first = correction(
        july,
        "记07-002 金额多录一个零：应为 6,500.00 元，冲减 58,500.00 元。",
        [(15, "更07-001", "冲减多记的环境整治费用", EXPENSE, "公益支出", "-58500")],
        when=datetime.datetime(2026, 8, 5, 9, tzinfo=datetime.UTC),
    )
    second = correction(
        july,
        "漏记7月银行存款利息。",
        [(31, "更07-002", "银行存款利息", INCOME, "其他收入", "86.35")],
        when=datetime.datetime(2026, 8, 20, 9, tzinfo=datetime.UTC),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def main_table(content):
    start = content.index('<h2 id="entries">')
    return content[start : content.index("</table>", start)]


def corrections_section(content):
    start = content.index('id="corrections"')
    return content[start : content.index("</section>", start)]


def test_the_original_entries_stay_exactly_as_published(client, july, fixed):
    before = list(july.original_entries().values())

    response = client.get(PAGE)

    assert list(july.original_entries().values()) == before
    assert [e.voucher_number for e in response.context["table"].data] == [
        "记07-001",
        "记07-002",
        "记07-003",
    ]
    table = main_table(response.content.decode())
    assert "村内环境整治费用" in table
    assert "−65,000.00" in table
    assert "更正" not in table
    assert "冲减多记的环境整治费用" not in table


def test_the_corrections_follow_the_entries_marked_with_date_reason_and_entries(
    client, july, fixed
):
    content = client.get(PAGE).content.decode()

    assert content.index('<h2 id="entries">') < content.index('id="corrections"')
    section = corrections_section(content)
    assert section.count('<article class="correction"') == 2
    assert "记07-002 金额多录一个零：应为 6,500.00 元，冲减 58,500.00 元。" in section
    assert "漏记7月银行存款利息。" in section
    assert "2026-08-05 公开" in section
    assert "2026-08-20 公开" in section
    # Oldest first.
    assert section.index("冲减多记的环境整治费用") < section.index("银行存款利息")
    # Each adjusting line is marked 更正 and says what it does.
    rows = re.findall(r'<tr [^>]*class="adjustment[^"]*"[^>]*>(.*?)</tr>', section, re.S)
    assert len(rows) == 2
    assert all('<strong class="badge">更正</strong>' in row for row in rows)
    assert "冲减支出" in rows[0]
    # Reversing an expense gives money back to the balance.
    assert "+58,500.00" in rows[0]
    assert "+86.35" in rows[1]


def test_the_top_of_the_page_says_the_month_was_corrected(client, fixed):
    content = client.get(PAGE).content.decode()

    notice = re.search(r'<p class="notice">(.*?)</p>', content, re.S).group(1)
    assert "更正过 2 次" in notice
    assert 'href="#corrections"' in notice


def test_the_totals_before_and_after_the_corrections(client, fixed):
    response = client.get(PAGE)

    before = response.context["report"].summary
    after = response.context["report"].corrected_summary
    assert (before.income, before.expense, before.closing) == (
        Decimal("4500.00"),
        Decimal("65124.50"),
        Decimal("24585.90"),
    )
    assert (after.income, after.expense, after.closing) == (
        Decimal("4586.35"),
        Decimal("6624.50"),
        Decimal("83172.25"),
    )
    section = corrections_section(response.content.decode())
    before_html = section[section.index("更正前合计") : section.index("更正后合计")]
    after_html = section[section.index("更正后合计") :]
    assert "−65,124.50" in before_html
    assert "<dd>24,585.90</dd>" in before_html
    assert "+4,586.35" in after_html
    assert "−6,624.50" in after_html
    assert "<dd>83,172.25</dd>" in after_html


def test_the_breakdown_counts_the_corrections(client, fixed):
    _income, expense = client.get(PAGE).context["report"].breakdown

    assert [(r.category.name, r.total) for r in expense.rows] == [
        ("公益支出", Decimal("6500.00")),
        ("管理费用", Decimal("124.50")),
    ]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED])
def test_a_correction_not_published_is_invisible(client, july, status):
    hidden = correction(
        july,
        "尚未审核的更正理由",
        [(16, "更07-009", "尚未审核的调整分录", EXPENSE, "管理费用", "4321")],
        published=False,
    )
    hidden.status = status
    hidden.save()

    response = client.get(PAGE)

    content = response.content.decode()
    assert "尚未审核的更正理由" not in content
    assert "尚未审核的调整分录" not in content
    assert "4,321" not in content
    assert 'id="corrections"' not in content
    assert response.context["report"].corrections == []
    entry = LedgerEntry.objects.get(voucher_number="更07-009")
    assert f"entry-{entry.pk}" not in content


def test_only_the_published_correction_shows_beside_a_draft_one(client, july, fixed):
    correction(
        july,
        "草稿更正",
        [(17, "更07-010", "草稿调整", EXPENSE, "管理费用", "10")],
        published=False,
    )

    response = client.get(PAGE)

    assert len(response.context["report"].corrections) == 2
    assert "草稿调整" not in response.content.decode()
    assert response.context["report"].corrected_summary.expense == Decimal("6624.50")


def test_the_fingerprints_of_the_month_and_of_each_correction(client, july, fixed):
    july.refresh_from_db()

    content = client.get(PAGE).content.decode()

    for item in (july, *fixed):
        assert len(item.fingerprint) == 64
        assert f'<code title="{item.fingerprint}">{item.fingerprint[:10]}</code>' in content
    # The month's and each correction's are all different links of the village's chain.
    assert len({july.fingerprint, *(c.fingerprint for c in fixed)}) == 3


def test_each_correction_names_its_reviewer(client, fixed):
    section = corrections_section(client.get(PAGE).content.decode())

    assert section.count("审核公开：factory-reviewer") == 2


def test_adjusting_entries_have_anchors_too(client, fixed):
    content = client.get(PAGE).content.decode()
    adjusting = [entry for item in fixed for entry in item.entries.all()]

    assert adjusting
    for entry in adjusting:
        assert f'id="entry-{entry.pk}"' in content


def test_it_reads_in_english(client, fixed):
    content = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Corrections" in content
    assert '<strong class="badge">Correction</strong>' in content
    assert "reduces expense" in content
    assert "Totals before the corrections" in content
    assert "Totals after the corrections" in content
    assert "This list was corrected 2 times after it was published." in content


def test_the_village_page_shows_the_corrections_too(client, fixed):
    content = client.get("/v/371603102203/").content.decode()

    assert "漏记7月银行存款利息。" in content
    assert "更正后合计" in content
