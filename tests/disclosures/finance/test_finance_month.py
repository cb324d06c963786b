"""One published month of a village: /v/<code>/finance/<yyyy>-<mm>/."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.models import Category
from tests import factories
from tests.disclosures.finance.finance_helpers import (
    EXPENSE,
    INCOME,
    add_entry,
    correction,
    published_month,
)

# Village, the month (with its reviewer), the village's published periods (for
# previous/next), the entries (with those of the month's published corrections).
FINANCE_MONTH_QUERIES = 8  # village, month, neighbours, entries, receipt photos,
# the questions about its lines (their answers only when there are questions), what the
# village's corrections changed (balances carried forward), the seals of the month and its
# corrections (to check the fingerprints against what is shown)


def url(code, year, month):
    return f"/v/{code}/finance/{year:04d}-{month:02d}/"


JULY = [
    (2, "记07-001", "光伏电站收益分红", INCOME, "投资收益", "4500"),
    (10, "记07-002", "银行存款利息", INCOME, "其他收入", "86.35"),
    (15, "记07-003", "村内环境整治费用", EXPENSE, "公益支出", "6500"),
    (20, "记07-004", "办公用品（笔、纸、墨盒）", EXPENSE, "管理费用", "124.50"),
]


@pytest.fixture
def july(yanjia):
    return published_month(yanjia, 2026, 7, JULY, opening="85210.40")


def entry_ids(response):
    """The entries' ids in the order the main table lists them."""
    return [entry.pk for entry in response.context["table"].data]


def test_it_shows_a_published_month_with_its_totals(client, july):
    response = client.get(url("371603102203", 2026, 7))

    assert response.status_code == 200
    assert response.context["month"] == july
    summary = response.context["summary"]
    assert summary.income == Decimal("4586.35")
    assert summary.expense == Decimal("6624.50")
    assert summary.closing == Decimal("83172.25")
    content = response.content.decode()
    assert "<dd>85,210.40</dd>" in content
    assert "+4,586.35" in content
    assert "−6,624.50" in content
    assert "<dd>83,172.25</dd>" in content
    assert "村内环境整治费用" in content
    assert "−6,500.00" in content
    assert "闫家村" in content
    assert "黄升镇" in content


def test_its_url_is_the_months_absolute_url(client, july):
    assert july.get_absolute_url() == "/v/371603102203/finance/2026-07/"
    assert (
        reverse("disclosures:finance_month", kwargs={"code": "371603102203", "period": (2026, 7)})
        == "/v/371603102203/finance/2026-07/"
    )
    assert client.get(july.get_absolute_url()).status_code == 200


def test_it_is_404_for_a_draft_month(client, yanjia):
    draft = factories.make_month(yanjia, 2026, 8, entries=3, published=False)

    response = client.get(url("371603102203", 2026, 8))

    assert response.status_code == 404
    assert "测试摘要" not in response.content.decode()
    assert draft.entries.count() == 3


def test_a_draft_months_address_says_it_is_in_review_and_links_the_latest(client, july):
    factories.make_month(july.village, 2026, 8, entries=3, published=False)

    response = client.get(url("371603102203", 2026, 8))

    assert response.status_code == 404
    html = response.content.decode()
    assert "本月清单还在审核，公开后可查看" in html
    assert f'href="{july.get_absolute_url()}"' in html
    assert "最新公开的清单：2026年7月" in html
    assert '<meta name="viewport"' in html  # a normal phone page, not a bare 404
    assert "测试摘要" not in html


def test_a_month_never_published_and_long_past_says_so(client, july, django_assert_num_queries):
    with django_assert_num_queries(4):  # village, the month, any draft of it, the latest
        response = client.get(url("371603102203", 2019, 3))
    assert response.status_code == 404
    html = response.content.decode()
    assert "这个月没有公开财务清单" in html
    assert "还在审核" not in html
    assert f'href="{july.get_absolute_url()}"' in html


def test_the_current_months_address_says_in_review_before_any_draft(client, july, monkeypatch):
    from disclosures.finance import views

    monkeypatch.setattr(views, "current_period", lambda: (2026, 9))
    assert "还在审核" in client.get(url("371603102203", 2026, 9)).content.decode()
    assert "还在审核" not in client.get(url("371603102203", 2026, 6)).content.decode()


def test_it_is_404_for_a_submitted_month(client, yanjia):
    month = factories.make_month(yanjia, 2026, 8, entries=3, published=False)
    month.status = "submitted"
    month.save()

    assert client.get(url("371603102203", 2026, 8)).status_code == 404


def test_it_is_404_for_a_month_of_another_village(client, july, wumiao):
    factories.make_month(wumiao, 2026, 6, entries=2)

    assert client.get(url("371603201201", 2026, 7)).status_code == 404
    assert client.get(url("371603102203", 2026, 6)).status_code == 404


def test_it_is_404_for_an_unknown_village(client, july):
    assert client.get(url("371603102299", 2026, 7)).status_code == 404


@pytest.mark.parametrize(
    "period", ["2026-13", "2026-00", "2026-1", "2026-7", "26-07", "2026-007", "2026_07", "202607"]
)
def test_it_is_404_for_a_malformed_period(client, july, period):
    assert client.get(f"/v/371603102203/finance/{period}/").status_code == 404


def test_it_links_to_the_previous_and_next_published_months(client, yanjia):
    factories.make_month(yanjia, 2026, 3, entries=1)
    factories.make_month(yanjia, 2026, 5, entries=1)
    factories.make_month(yanjia, 2026, 6, entries=1, published=False)
    factories.make_month(yanjia, 2026, 7, entries=1)
    factories.make_month(yanjia, 2026, 8, entries=1, published=False)

    response = client.get(url("371603102203", 2026, 5), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["previous_period"] == (2026, 3)
    # The June draft is skipped: the next published month is July.
    assert response.context["next_period"] == (2026, 7)
    content = response.content.decode()
    assert '<a rel="prev" href="/v/371603102203/finance/2026-03/">' in content
    assert '<a rel="next" href="/v/371603102203/finance/2026-07/">' in content
    assert "/finance/2026-06/" not in content
    assert 'href="/v/371603102203/"' in content


def test_the_first_month_has_no_previous_link(client, yanjia):
    factories.make_month(yanjia, 2025, 12, entries=1)
    factories.make_month(yanjia, 2026, 1, entries=1)

    response = client.get(url("371603102203", 2025, 12))

    assert response.context["previous_period"] is None
    assert response.context["next_period"] == (2026, 1)
    content = response.content.decode()
    assert 'rel="prev"' not in content
    assert '<a rel="next" href="/v/371603102203/finance/2026-01/">' in content


def test_the_latest_month_has_no_next_link_even_with_a_later_draft(client, yanjia):
    factories.make_month(yanjia, 2025, 12, entries=1)
    factories.make_month(yanjia, 2026, 1, entries=1)
    factories.make_month(yanjia, 2026, 2, entries=1, published=False)

    response = client.get(url("371603102203", 2026, 1))

    assert response.context["previous_period"] == (2025, 12)
    assert response.context["next_period"] is None
    content = response.content.decode()
    assert '<a rel="prev" href="/v/371603102203/finance/2025-12/">' in content
    assert 'rel="next"' not in content


def test_it_renders_in_english_on_request(client, july):
    content = client.get(url("371603102203", 2026, 7), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in content
    assert "Finance list, 2026-7" in content
    assert "All months" in content
    assert "4 entries" in content


def test_it_renders_in_chinese_by_default(client, july):
    content = client.get(url("371603102203", 2026, 7)).content.decode()

    assert '<html lang="zh-CN">' in content


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_its_queries_do_not_grow_with_the_history(client, wumiao, yanjia):
    factories.make_history(wumiao, 1, entries_per_month=15)
    factories.make_history(yanjia, 120, entries_per_month=15)

    short = count_queries(client, url("371603201201", 2026, 10))
    long = count_queries(client, url("371603102203", 2021, 6))

    assert long == short == FINANCE_MONTH_QUERIES


def test_its_queries_do_not_grow_with_the_entries(client, wumiao, yanjia):
    factories.make_month(wumiao, 2026, 9, entries=20)
    factories.make_month(yanjia, 2026, 9, entries=300)

    few = count_queries(client, url("371603201201", 2026, 9))
    many = count_queries(client, url("371603102203", 2026, 9))

    assert many == few == FINANCE_MONTH_QUERIES


@pytest.mark.parametrize(
    ("entries", "sort"), [(20, ""), (300, ""), (20, "?sort=-amount"), (300, "?sort=-amount")]
)
def test_its_queries_are_fixed_with_corrections_and_sorting(
    client, django_assert_num_queries, yanjia, entries, sort
):
    month = factories.make_month(yanjia, 2026, 9, entries=entries)
    correction(month, "凭证记0003金额录错", [(3, "更-001", "冲减", EXPENSE, "管理费用", "-3")])
    correction(month, "漏记利息", [(30, "更-002", "利息", INCOME, "其他收入", "8.5")])

    with django_assert_num_queries(FINANCE_MONTH_QUERIES):
        response = client.get(url("371603102203", 2026, 9) + sort)

    assert len(response.context["table"].rows) == entries
    assert len(response.context["correction_tables"]) == 2


def test_it_sorts_by_amount_and_by_date_with_plain_links(client, july):
    page = url("371603102203", 2026, 7)
    by_ledger = entry_ids(client.get(page))
    amounts = {e.pk: e.amount for e in july.entries.all()}

    largest_first = entry_ids(client.get(page + "?sort=-amount"))
    smallest_first = entry_ids(client.get(page + "?sort=amount"))

    assert [amounts[pk] for pk in largest_first] == sorted(amounts.values(), reverse=True)
    assert smallest_first == largest_first[::-1]
    assert entry_ids(client.get(page + "?sort=date")) == by_ledger
    assert entry_ids(client.get(page + "?sort=-date")) == by_ledger[::-1]
    content = client.get(page).content.decode()
    # Largest first, then smallest first: the amount a villager asks about is a big one.
    assert 'href="?sort=-amount#entries"' in content
    assert 'href="?sort=amount#entries"' in client.get(page + "?sort=-amount").content.decode()
    assert 'href="?sort=-amount#entries"' in client.get(page + "?sort=amount").content.decode()
    assert 'href="?sort=date#entries"' in content


def test_sorting_keeps_each_entrys_number_in_the_ledger(client, july):
    content = client.get(url("371603102203", 2026, 7) + "?sort=-amount").content.decode()

    # The 6,500 expense is line 3 of the ledger and first when sorted by amount.
    first_row = re.search(r"<tbody>\s*<tr [^>]*>(.*?)</tr>", content, re.S).group(1)
    assert "村内环境整治费用" in first_row
    assert ">3</a>" in first_row
    assert 'aria-sort="descending"' in content


@pytest.mark.parametrize("sort", ["description", "number", "-voucher_number", "amount;drop"])
def test_it_ignores_sorting_by_anything_else(client, july, sort):
    page = url("371603102203", 2026, 7)
    plain = client.get(page)
    response = client.get(f"{page}?sort={sort}")

    # The unknown order never reaches the view: the plain page, from the same cache entry.
    assert response.status_code == 200
    assert response.content == plain.content


def test_only_date_and_amount_are_sort_links(client, july):
    content = client.get(url("371603102203", 2026, 7)).content.decode()

    assert set(re.findall(r'href="\?sort=(-?\w+)#entries"', content)) == {"date", "-amount"}


def test_it_breaks_the_month_down_by_top_level_category(client, july):
    response = client.get(url("371603102203", 2026, 7), HTTP_ACCEPT_LANGUAGE="en")

    income, expense = response.context["report"].breakdown
    assert [(r.category.name, r.count, r.total, r.share) for r in income.rows] == [
        ("投资收益", 1, Decimal("4500.00"), Decimal("98.1")),
        ("其他收入", 1, Decimal("86.35"), Decimal("1.9")),
    ]
    assert [(r.category.name, r.count, r.total, r.share) for r in expense.rows] == [
        ("公益支出", 1, Decimal("6500.00"), Decimal("98.1")),
        ("管理费用", 1, Decimal("124.50"), Decimal("1.9")),
    ]
    assert expense.total == Decimal("6624.50")
    content = response.content.decode()
    assert "By category" in content
    assert "Public welfare expenses" in content
    assert "98.1%" in content


def test_sub_items_count_under_their_top_level_category(client, yanjia, huangsheng):
    management = factories.category(EXPENSE, "管理费用")
    office = Category.objects.create(
        kind=EXPENSE, name="办公费", parent=management, township=huangsheng
    )
    month = factories.make_month(yanjia, 2026, 7, published=False)
    add_entry(month, 3, "记1", "村干部报酬", EXPENSE, "管理费用", "900")
    ink = add_entry(month, 4, "记2", "墨盒", EXPENSE, "管理费用", "100")
    ink.category = office
    ink.save()
    factories.publish(month)

    response = client.get(url("371603102203", 2026, 7))

    _income, expense = response.context["report"].breakdown
    assert [(r.category.name, r.count, r.total) for r in expense.rows] == [
        ("管理费用", 2, Decimal("1000.00"))
    ]
    assert "管理费用 › 办公费" in response.content.decode()


def test_it_shows_the_fingerprint_reviewer_and_publication_date(client, july):
    july.refresh_from_db()

    content = client.get(url("371603102203", 2026, 7), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert len(july.fingerprint) == 64
    assert f'<code title="{july.fingerprint}">{july.fingerprint[:10]}</code>' in content
    assert "If anyone changed even one character" in content
    assert "published 2026-07-28" in content
    assert "reviewed by factory-reviewer" in content


def test_it_names_the_reviewer_by_full_name(client, july):
    july.refresh_from_db()
    User = type(july.published_by)
    User.objects.filter(pk=july.published_by_id).update(first_name="兴和", last_name="韩")

    content = client.get(url("371603102203", 2026, 7)).content.decode()

    assert "韩兴和" in content
    assert "factory-reviewer" not in content


def test_it_includes_the_downloads(client, july):
    response = client.get(url("371603102203", 2026, 7))

    assert "disclosures/finance/includes/_month_downloads.html" in [
        t.name for t in response.templates
    ]


def test_every_entry_has_its_anchor_and_a_link_to_it(client, july):
    content = client.get(url("371603102203", 2026, 7)).content.decode()

    assert july.entries.exists()
    for entry in july.entries.all():
        assert f'id="entry-{entry.pk}"' in content
        assert f'href="#entry-{entry.pk}"' in content


def test_it_links_to_its_year(client, july):
    content = client.get(url("371603102203", 2026, 7)).content.decode()

    assert 'href="/v/371603102203/finance/2026/"' in content


def test_it_makes_a_fixed_number_of_queries(client, django_assert_num_queries, yanjia):
    factories.make_history(yanjia, 120, entries_per_month=15)

    with django_assert_num_queries(FINANCE_MONTH_QUERIES):
        response = client.get(url("371603102203", 2020, 1))

    assert response.context["previous_period"] == (2019, 12)
    assert response.context["next_period"] == (2020, 2)
