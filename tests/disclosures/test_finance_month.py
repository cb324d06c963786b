"""One published month of a village: /v/<code>/finance/<yyyy>-<mm>/."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.models import Kind, LedgerEntry
from tests import factories

# Village, the month, the village's published periods (for previous/next), the entries.
FINANCE_MONTH_QUERIES = 4


def url(code, year, month):
    return f"/v/{code}/finance/{year:04d}-{month:02d}/"


def add_entry(month, day, voucher, description, kind, category, amount):
    return LedgerEntry.objects.create(
        ledger=month,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=description,
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
    )


@pytest.fixture
def july(yanjia):
    month = factories.make_month(yanjia, 2026, 7, opening="85210.40")
    add_entry(month, 2, "记07-001", "光伏电站收益分红", Kind.INCOME, "投资收益", "4500")
    add_entry(month, 10, "记07-002", "银行存款利息", Kind.INCOME, "其他收入", "86.35")
    add_entry(month, 15, "记07-003", "村内环境整治费用", Kind.EXPENSE, "公益支出", "6500")
    add_entry(month, 20, "记07-004", "办公用品（笔、纸、墨盒）", Kind.EXPENSE, "管理费用", "124.50")
    return month


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
    factories.make_month(wumiao, 2026, 9, entries=5)
    factories.make_month(yanjia, 2026, 9, entries=300)

    few = count_queries(client, url("371603201201", 2026, 9))
    many = count_queries(client, url("371603102203", 2026, 9))

    assert many == few == FINANCE_MONTH_QUERIES


def test_it_makes_a_fixed_number_of_queries(client, django_assert_num_queries, yanjia):
    factories.make_history(yanjia, 120, entries_per_month=15)

    with django_assert_num_queries(FINANCE_MONTH_QUERIES):
        response = client.get(url("371603102203", 2020, 1))

    assert response.context["previous_period"] == (2019, 12)
    assert response.context["next_period"] == (2020, 2)
