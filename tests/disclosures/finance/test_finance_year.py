"""A village's year: /v/<code>/finance/<yyyy>/."""

import re
from decimal import Decimal

import pytest

from tests import factories
from tests.disclosures.finance.finance_helpers import EXPENSE, INCOME, correction, published_month

YANJIA = "371603102203"
# The village, its published months (every year: for the years' links), the year's entries,
# what the village's corrections changed (balances carried forward). The visit is counted in
# the cache.
FINANCE_YEAR_QUERIES = 4


def url(year, code=YANJIA):
    return f"/v/{code}/finance/{year}/"


@pytest.fixture
def year_2026(yanjia):
    """January and March published, April a draft, one month of 2025 published."""
    january = published_month(
        yanjia,
        2026,
        1,
        [
            (5, "记01-001", "土地承包费", INCOME, "经营收入", "50000"),
            (9, "记01-002", "村级运转经费补助", INCOME, "补助收入", "20000"),
            (12, "记01-003", "道路硬化工程款", EXPENSE, "公益支出", "30000"),
            (20, "记01-004", "村干部报酬", EXPENSE, "管理费用", "9800"),
        ],
        opening="10000",
    )
    march = published_month(
        yanjia,
        2026,
        3,
        [
            (3, "记03-001", "光伏收益", INCOME, "投资收益", "4500"),
            (15, "记03-002", "环境整治", EXPENSE, "公益支出", "6500"),
            (25, "记03-003", "办公用品", EXPENSE, "管理费用", "124.50"),
        ],
        opening="40200",
    )
    april = factories.make_month(yanjia, 2026, 4, published=False)
    from tests.disclosures.finance.finance_helpers import add_entry

    add_entry(april, 2, "记04-001", "草稿里的购车款", EXPENSE, "经营支出", "88888")
    published_month(yanjia, 2025, 12, [(8, "记12-001", "旧年支出", EXPENSE, "其他支出", "777")])
    return {"january": january, "march": march, "april": april}


def test_it_shows_twelve_months_side_by_side(client, year_2026):
    response = client.get(url(2026))

    assert response.status_code == 200
    rows = response.context["report"].months
    assert [row.number for row in rows] == list(range(1, 13))
    assert [row.number for row in rows if row.month] == [1, 3]
    january, march = rows[0].summary, rows[2].summary
    assert (january.income, january.expense, january.closing) == (
        Decimal("70000.00"),
        Decimal("39800.00"),
        Decimal("40200.00"),
    )
    assert (march.income, march.expense, march.closing) == (
        Decimal("4500.00"),
        Decimal("6624.50"),
        Decimal("38075.50"),
    )
    content = response.content.decode()
    table = content[content.index('<table class="months">') : content.index("</table>")]
    assert table.count("未公开") == 10
    assert "+70,000.00" in content
    assert "−39,800.00" in content
    assert "40,200.00" in content
    assert 'href="/v/371603102203/finance/2026-01/"' in content
    assert 'href="/v/371603102203/finance/2026-03/"' in content


def test_it_totals_the_year(client, year_2026):
    report = client.get(url(2026)).context["report"]

    assert report.income == Decimal("74500.00")
    assert report.expense == Decimal("46424.50")


def test_drafts_are_invisible(client, year_2026):
    content = client.get(url(2026)).content.decode()

    assert "草稿里的购车款" not in content
    assert "88,888" not in content
    assert "/finance/2026-04/" not in content


def test_it_breaks_the_year_down_by_category(client, year_2026):
    income, expense = client.get(url(2026)).context["report"].breakdown

    assert [(r.category.name, r.total, r.share) for r in income.rows] == [
        ("经营收入", Decimal("50000.00"), Decimal("67.1")),
        ("补助收入", Decimal("20000.00"), Decimal("26.8")),
        ("投资收益", Decimal("4500.00"), Decimal("6.0")),
    ]
    assert [(r.category.name, r.total, r.count) for r in expense.rows] == [
        ("公益支出", Decimal("36500.00"), 2),
        ("管理费用", Decimal("9924.50"), 2),
    ]


def test_it_lists_the_largest_expenses_with_their_permalinks(client, year_2026):
    response = client.get(url(2026))

    largest = response.context["report"].largest_expenses
    assert [e.description for e in largest] == [
        "道路硬化工程款",
        "村干部报酬",
        "环境整治",
        "办公用品",
    ]
    content = response.content.decode()
    for entry in largest:
        assert f'href="/v/{YANJIA}/entries/{entry.pk}/"' in content


def test_it_lists_at_most_ten_largest_expenses(client, yanjia):
    factories.make_month(yanjia, 2026, 5, entries=40)

    largest = client.get(url(2026)).context["report"].largest_expenses

    assert len(largest) == 10
    amounts = [e.amount for e in largest]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] == Decimal("138.00")


def test_it_counts_published_corrections_and_never_draft_ones(client, year_2026):
    january = year_2026["january"]
    correction(
        january, "工程款多记", [(12, "更01-001", "冲减工程款", EXPENSE, "公益支出", "-3000")]
    )
    correction(
        january,
        "草稿更正",
        [(13, "更01-002", "草稿更正的支出", EXPENSE, "公益支出", "99999")],
        published=False,
    )

    response = client.get(url(2026))

    january_row = response.context["report"].months[0]
    assert january_row.corrected
    assert january_row.summary.expense == Decimal("36800.00")
    assert response.context["report"].expense == Decimal("43424.50")
    content = response.content.decode()
    assert "草稿更正的支出" not in content
    assert "99,999" not in content
    assert "更正" in content


def test_it_draws_the_two_charts(client, year_2026):
    response = client.get(url(2026))

    content = response.content.decode()
    assert content.count('role="img"') == 2
    assert "2026年每月收入与支出" in content
    assert "2026年各科目支出" in content
    assert "<script" not in content


def test_it_includes_the_downloads(client, year_2026):
    response = client.get(url(2026))

    assert "disclosures/finance/includes/_month_downloads.html" in [
        t.name for t in response.templates
    ]


def test_it_links_to_the_neighbouring_years(client, year_2026):
    content = client.get(url(2026)).content.decode()
    assert '<a rel="prev" href="/v/371603102203/finance/2025/">' in content
    assert 'rel="next"' not in content

    content = client.get(url(2025)).content.decode()
    assert '<a rel="next" href="/v/371603102203/finance/2026/">' in content


def test_the_month_page_and_village_page_link_to_it(client, year_2026):
    assert 'href="/v/371603102203/finance/2026/"' in client.get(f"/v/{YANJIA}/").content.decode()
    month_page = client.get(f"/v/{YANJIA}/finance/2026-03/").content.decode()
    assert 'href="/v/371603102203/finance/2026/"' in month_page


def test_its_url_is_named(year_2026):
    from django.urls import reverse

    assert reverse("disclosures:finance_year", kwargs={"code": YANJIA, "year": 2026}) == url(2026)


def test_it_is_404_for_a_year_without_a_published_month(client, year_2026, yanjia):
    factories.make_month(yanjia, 2027, 1, entries=2, published=False)

    assert client.get(url(2024)).status_code == 404
    assert client.get(url(2027)).status_code == 404


def test_it_is_404_for_another_village(client, year_2026, wumiao):
    factories.make_month(wumiao, 2024, 6, entries=2)

    assert client.get(url(2026, code="371603201201")).status_code == 404
    assert client.get(url(2024)).status_code == 404
    assert client.get(url(2026, code="371603102299")).status_code == 404


@pytest.mark.parametrize("year", ["26", "20266", "2026-", "year"])
def test_it_is_404_for_a_malformed_year(client, year_2026, year):
    assert client.get(f"/v/{YANJIA}/finance/{year}/").status_code == 404


def test_it_speaks_chinese_by_default(client, year_2026):
    content = client.get(url(2026)).content.decode()

    assert '<html lang="zh-CN">' in content
    assert "2026年财务" in content
    assert "逐月收支" in content


def test_it_speaks_english_on_request(client, year_2026):
    content = client.get(url(2026), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in content
    assert "Finance, 2026" in content
    assert "Month by month" in content
    assert "not published" in content
    assert "Public welfare expenses" in content


@pytest.mark.parametrize("entries", [20, 300])
def test_its_queries_do_not_grow_with_the_entries(
    client, django_assert_num_queries, yanjia, entries
):
    factories.make_month(yanjia, 2026, 2, entries=entries)
    month = factories.make_month(yanjia, 2026, 3, entries=entries)
    correction(month, "补记", [(30, "更-001", "利息", INCOME, "其他收入", "8.5")])

    with django_assert_num_queries(FINANCE_YEAR_QUERIES):
        response = client.get(url(2026))

    assert len(response.context["report"].entries) == 2 * entries + 1


@pytest.mark.parametrize("years", [1, 10])
def test_its_queries_do_not_grow_with_the_years(client, django_assert_num_queries, yanjia, years):
    factories.make_history(yanjia, 12 * years, entries_per_month=3, end=(2026, 12))

    with django_assert_num_queries(FINANCE_YEAR_QUERIES):
        response = client.get(url(2026))

    assert len(response.context["report"].published_months) == 12
    links = re.findall(r'href="/v/371603102203/finance/(\d{4})/"', response.content.decode())
    assert links == ([] if years == 1 else ["2025"])
