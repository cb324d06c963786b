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
