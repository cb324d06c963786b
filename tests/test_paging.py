"""common/paging.py: long admin lists page on the planner's estimate, never COUNT(*)
over millions of rows; short ones, and SQLite, are counted exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import paging
from disclosures.models import LedgerMonth
from tests import factories


@pytest.fixture
def months(wumiao):
    return [factories.make_month(wumiao, 2025, month) for month in range(1, 13)]


def count_and_sql(queryset):
    paginator = paging.EstimatedCountPaginator(queryset, 5)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    return count, " ".join(query["sql"] for query in queries)


def test_a_short_list_is_counted_exactly(months):
    paginator = paging.EstimatedCountPaginator(LedgerMonth.objects.order_by("pk"), 5)
    assert paginator.count == 12
    assert paginator.num_pages == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate")
def test_a_long_list_is_counted_by_the_planners_estimate(months, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disclosures_ledgermonth")
    queryset = LedgerMonth.objects.order_by("pk")

    count, sql = count_and_sql(queryset)

    assert count == paging.estimated_count(queryset) > 0
    assert sql.startswith("EXPLAIN") and "COUNT(" not in sql.upper()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has no estimate to read")
def test_sqlite_counts_exactly(months, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 0)
    assert paging.estimated_count(LedgerMonth.objects.all()) is None
    assert count_and_sql(LedgerMonth.objects.order_by("pk"))[0] == 12


def test_in_ids_filters_like_in_with_the_ids_as_one_parameter(wumiao):
    """The entries list scopes a township by the ids of its months, thousands over ten
    years: one array parameter on PostgreSQL, a plain IN elsewhere; none is nothing."""
    import disclosures.finance.admin  # noqa: F401 (registers the lookup on LedgerEntry.ledger)
    from disclosures.models import LedgerEntry

    months = [factories.make_month(wumiao, 2024, month, entries=2) for month in (1, 2, 3)]
    ids = [month.pk for month in months[:2]]
    chosen = LedgerEntry.objects.filter(ledger__in_ids=ids).order_by("pk")
    assert list(chosen) == list(LedgerEntry.objects.filter(ledger_id__in=ids).order_by("pk"))
    assert len(chosen) == 4
    sql, params = chosen.query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in sql and params == (ids,)
    assert not LedgerEntry.objects.filter(ledger__in_ids=[]).exists()
