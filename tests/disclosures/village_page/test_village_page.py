"""The public village page, /v/<code>/: what a villager sees after scanning the sign."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import Kind, LedgerEntry
from disclosures.village_page.summary import village_summary
from tests import factories
from villages.models import Village

WUMIAO_URL = "/v/371603201201/"

# Rendered afresh after a publication (disclosures/caching.py counts the visit in the cache):
VILLAGE_PAGE_QUERIES = 8  # village, months, entries, receipt photos, views this month, the
# latest month's questions, what the village's corrections changed (balances carried
# forward), the seals its fingerprints are checked against. Whatever the history.
# The first render of a version and day also computes the village's summary (summary.py):
SUMMARY_QUERIES = 8  # modules, timeliness (2), the questions record, the register flags (3),
# the township's latest quarterly ranking


def after_publication(*villages):
    """What a publication leaves ready: the village's summary (summary.py)."""
    for village in villages:
        village_summary(Village.objects.with_places().get(pk=village.pk))


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
def september(wumiao):
    """The latest published month of 五庙村, with known entries."""
    month = factories.make_month(wumiao, 2026, 9, opening="12345.67", published=False)
    add_entry(month, 3, "记09-001", "集体土地（480亩）年度承包费", Kind.INCOME, "经营收入", "96000")
    add_entry(month, 8, "记09-002", "村级组织运转经费补助", Kind.INCOME, "补助收入", "30000")
    add_entry(month, 12, "记09-003", "村内环境整治费用", Kind.EXPENSE, "公益支出", "6500")
    add_entry(month, 25, "记09-004", "村干部9月份报酬", Kind.EXPENSE, "管理费用", "9800")
    return factories.publish(month)


@pytest.fixture
def earlier_months(wumiao):
    return [
        factories.make_month(wumiao, 2025, 12, entries=2),
        factories.make_month(wumiao, 2026, 7, entries=3),
        factories.make_month(wumiao, 2026, 8, entries=3),
    ]


@pytest.fixture
def later_draft(wumiao):
    month = factories.make_month(wumiao, 2026, 10, published=False)
    add_entry(month, 2, "记10-001", "草稿中的购车款不应公开", Kind.EXPENSE, "经营支出", "88888")
    return month


def test_it_names_the_village_township_and_district(client, september):
    response = client.get(WUMIAO_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "五庙村" in content
    assert "利国乡" in content
    assert "沾化区" in content


def test_it_shows_the_latest_published_month_summary(client, september, earlier_months):
    response = client.get(WUMIAO_URL)

    assert response.context["month"] == september
    summary = response.context["summary"]
    assert summary.opening == Decimal("12345.67")
    assert summary.income == Decimal("126000.00")
    assert summary.expense == Decimal("16300.00")
    assert summary.closing == Decimal("122045.67")
    content = response.content.decode()
    assert "<dd>12,345.67</dd>" in content
    assert "+126,000.00" in content
    assert "−16,300.00" in content
    assert "<dd>122,045.67</dd>" in content


def test_it_lists_the_latest_months_entries(client, september):
    content = client.get(WUMIAO_URL).content.decode()

    for description in [
        "集体土地（480亩）年度承包费",
        "村级组织运转经费补助",
        "村内环境整治费用",
        "村干部9月份报酬",
    ]:
        assert description in content
    assert "+96,000.00" in content
    assert "−6,500.00" in content
    assert "记09-003" in content


def test_it_does_not_show_a_later_draft_month(client, september, later_draft):
    response = client.get(WUMIAO_URL)

    assert response.context["month"] == september
    content = response.content.decode()
    assert "草稿中的购车款不应公开" not in content
    assert "88,888.00" not in content
    assert later_draft.get_absolute_url() not in content
    assert "2026-10" not in content


def test_it_links_to_every_published_month(client, september, earlier_months, later_draft):
    content = client.get(WUMIAO_URL).content.decode()

    for month in [*earlier_months, september]:
        assert f'href="/v/371603201201/finance/{month.period_slug}/"' in content
    assert 'href="/v/371603201201/finance/2026-10/"' not in content


def test_it_groups_the_published_months_by_year(client, september, earlier_months):
    response = client.get(WUMIAO_URL)

    years = [
        (year, [number for number, _url in months])
        for year, months in response.context["months_by_year"]
    ]
    assert years == [(2026, [9, 8, 7]), (2025, [12])]


def test_it_does_not_show_another_villages_months(client, september, yanjia):
    factories.make_month(yanjia, 2026, 10, entries=3)
    other = factories.make_month(yanjia, 2026, 9, published=False)
    add_entry(other, 5, "记09-001", "闫家村的支出", Kind.EXPENSE, "管理费用", "4321")
    factories.publish(other)

    response = client.get(WUMIAO_URL)

    assert response.context["month"] == september
    content = response.content.decode()
    assert "闫家村的支出" not in content
    assert "/v/371603102203/" not in content


def test_it_is_404_for_an_unknown_code(client, wumiao):
    assert client.get("/v/371603201299/").status_code == 404


def test_it_is_404_for_a_code_that_is_not_twelve_digits(client, wumiao):
    assert client.get("/v/37160320120/").status_code == 404
    assert client.get("/v/3716032012011/").status_code == 404


def test_it_shows_a_notice_when_nothing_is_published(client, wumiao):
    factories.make_month(wumiao, 2026, 10, entries=2, published=False)

    response = client.get(WUMIAO_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "month" not in response.context
    content = response.content.decode()
    assert "No finance list has been published yet." in content
    assert "测试摘要" not in content


def test_it_renders_in_chinese_by_default(client, september):
    content = client.get(WUMIAO_URL).content.decode()

    assert '<html lang="zh-CN">' in content


def test_it_speaks_chinese_by_default(client, september):
    """Fails until the Chinese catalog is compiled (compilemessages)."""
    content = client.get(WUMIAO_URL).content.decode()

    assert "财务" in content


def test_it_renders_in_english_on_request(client, september, earlier_months):
    content = client.get(WUMIAO_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in content
    assert "Finance list, 2026-9" in content
    assert "Opening balance" in content
    assert "Closing balance" in content
    assert "All published months" in content
    # Category names follow the language too.
    assert "Public welfare expenses" in content


def test_its_queries_do_not_grow_with_the_history(client, wumiao, yanjia):
    factories.make_history(wumiao, 1, entries_per_month=15)
    factories.make_history(yanjia, 120, entries_per_month=15)

    after_publication(wumiao, yanjia)
    with CaptureQueriesContext(connection) as short:
        assert client.get(WUMIAO_URL).status_code == 200
    with CaptureQueriesContext(connection) as long:
        response = client.get("/v/371603102203/")
        assert response.status_code == 200

    assert len(long) == len(short)
    assert len(short) == VILLAGE_PAGE_QUERIES
    assert sum(len(months) for _, months in response.context["months_by_year"]) == 120


def test_it_makes_a_fixed_number_of_queries(client, django_assert_num_queries, yanjia):
    factories.make_history(yanjia, 120, entries_per_month=15)

    with django_assert_num_queries(VILLAGE_PAGE_QUERIES + SUMMARY_QUERIES):
        client.get("/v/371603102203/")
    cache.clear()
    after_publication(yanjia)
    with django_assert_num_queries(VILLAGE_PAGE_QUERIES):
        client.get("/v/371603102203/")


def test_a_publication_renders_the_pages_parts_once_it_commits(
    django_capture_on_commit_callbacks, django_assert_num_queries, client, wumiao, pdf_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_month(wumiao, 2026, 9, entries=3)
    pdf_worker.run()  # the parts, and the month's posters
    # The summary and the latest month are ready, the village is in its state: only the
    # views this month, then kept a minute.
    for language, queries in (("zh-hans", 1), ("en", 0)):
        with django_assert_num_queries(queries):
            page = client.get(WUMIAO_URL, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert page["Content-Language"] == language


def test_it_serves_a_cached_page_with_one_query_until_the_village_publishes(
    client, django_assert_num_queries, wumiao, september, accountant, reviewer
):
    client.get(WUMIAO_URL)
    with django_assert_num_queries(0):  # cached: the village's state and the count in the cache
        cached = client.get(WUMIAO_URL)
    assert "2026年9月财务清单" in cached.content.decode()

    october = factories.make_month(wumiao, 2026, 10, entries=2, published=False)
    factories.state_test_reasons(october)
    assert "2026年10月财务清单" not in client.get(WUMIAO_URL).content.decode()
    october.submit(accountant)
    assert "2026年10月财务清单" not in client.get(WUMIAO_URL).content.decode()
    october.publish(reviewer)

    assert "2026年10月财务清单" in client.get(WUMIAO_URL).content.decode()


def test_it_caches_each_language_separately(client, september):
    client.get(WUMIAO_URL)
    english = client.get(WUMIAO_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.content.decode()
    assert "Accept-Language" in english["Vary"]


def test_it_links_to_each_years_page(client, september, earlier_months):
    content = client.get(WUMIAO_URL).content.decode()

    assert 'href="/v/371603201201/finance/2026/"' in content
    assert 'href="/v/371603201201/finance/2025/"' in content
    assert 'href="/v/371603201201/finance/2024/"' not in content


def test_it_shows_the_latest_month_the_same_way_as_its_month_page(client, september):
    from tests.disclosures.finance.finance_helpers import correction

    correction(
        september,
        "补记9月30日利息",
        [(30, "更09-001", "银行利息", Kind.INCOME, "其他收入", "12.30")],
    )

    village = client.get(WUMIAO_URL)
    month = client.get(september.get_absolute_url())

    for response in (village, month):
        content = response.content.decode()
        assert "disclosures/finance/includes/_month.html" in [t.name for t in response.templates]
        assert "disclosures/finance/includes/_month_downloads.html" in [
            t.name for t in response.templates
        ]
        assert "补记9月30日利息" in content
        assert "更正" in content
        assert response.context["report"].corrected_summary.income == Decimal("126012.30")
        assert september.fingerprint[:10] in content
    assert village.context["table"].rows[0].record.pk == month.context["table"].rows[0].record.pk


def test_it_sorts_the_latest_months_entries(client, september):
    response = client.get(WUMIAO_URL + "?sort=-amount")

    amounts = [row.record.amount for row in response.context["table"].rows]
    assert amounts == sorted(amounts, reverse=True)
    assert 'href="?sort=amount#entries"' in response.content.decode()  # and back


@pytest.mark.parametrize("entries", [20, 300])
def test_its_queries_do_not_grow_with_the_entries(
    client, django_assert_num_queries, entries, wumiao
):
    factories.make_month(wumiao, 2026, 9, entries=entries)
    after_publication(wumiao)

    with django_assert_num_queries(VILLAGE_PAGE_QUERIES):
        response = client.get(WUMIAO_URL)

    assert len(response.context["table"].rows) == entries


@pytest.mark.parametrize("years", [1, 10])
def test_its_queries_do_not_grow_with_the_years(client, django_assert_num_queries, years, wumiao):
    factories.make_history(wumiao, 12 * years, entries_per_month=2, end=(2026, 12))
    after_publication(wumiao)

    with django_assert_num_queries(VILLAGE_PAGE_QUERIES):
        response = client.get(WUMIAO_URL)

    assert len(response.context["months_by_year"]) == years
