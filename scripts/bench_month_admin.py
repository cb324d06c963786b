"""The month's admin at real size: server time and queries of the month's change page,
its entries' list and an entry's page, for a draft month of 2,000 entries, next to the
page of a month of 20 entries (edited inline). Not a test: it always exits 0.

    .venv/bin/python scripts/bench_month_admin.py [--requests 20]

On a throwaway SQLite database, logged in as the village's accountant, through
django.test.Client: the median of `--requests` requests after five to warm up.
"""

import argparse
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")

from bench_finance import setup_django  # noqa: E402  (scripts/ is on sys.path)


def measure(client, method, url, requests, data=None):
    """(median ms, queries of one request)."""
    from django.db import connection

    def send():
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (url, response.status_code)

    for _ in range(5):
        send()
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        send()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        send()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, len(queries)


INLINE = 20  # disclosures.finance.admin.INLINE_ENTRIES


def make_data():
    from tests import factories
    from villages.roles import ACCOUNTANT

    township = factories.make_township()
    village = factories.make_village(township, "371603201201", "五庙村")
    accountant = factories.make_user("kuaiji", ACCOUNTANT, villages=[village])
    months = {
        size: factories.make_month(village, 2026, month, entries=size, published=False)
        for month, size in ((8, INLINE), (9, 2000))
    }
    return accountant, months


def pages(months):
    for size, month in months.items():
        change = f"/admin/disclosures/ledgermonth/{month.pk}/change/"
        entries = "/admin/disclosures/ledgerentry/"
        entry = month.entries.order_by("pk").last()
        save = {
            "village": month.village_id,
            "year": month.year,
            "month": month.month,
            "opening_balance": str(month.opening_balance),
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        }
        if size <= INLINE:  # inline: the entries' forms are posted with the month
            continue
        yield f"month page, {size:,} entries", "get", change, None
        yield f"  save the month, {size:,} entries", "post", change, save
        yield (
            f"  entries' list, page 1 of {size // 100}",
            "get",
            entries,
            {"ledger__id__exact": month.pk},
        )
        yield (
            f"  entries' list, page {size // 100}",
            "get",
            entries,
            {
                "ledger__id__exact": month.pk,
                "p": size // 100,
            },
        )
        yield "  one entry's page", "get", f"{entries}{entry.pk}/change/", None
    small = months[INLINE]
    yield (
        f"month page, {INLINE} entries (inline)",
        "get",
        (f"/admin/disclosures/ledgermonth/{small.pk}/change/"),
        None,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    rows = [("admin page (accountant)", "median", "queries")]
    with tempfile.TemporaryDirectory(prefix="portal-bench-month-admin-") as tmp:
        setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        from django.core.management import call_command
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections
        from django.test import Client
        from django.test.utils import override_settings

        # As Django's test runner does: keep one connection, so its queries are counted.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        call_command("migrate", verbosity=0)
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                accountant, months = make_data()
                client = Client()
                client.force_login(accountant)
                for label, method, url, data in pages(months):
                    ms, queries = measure(client, method, url, args.requests, data)
                    rows.append((label, f"{ms:.1f} ms", str(queries)))
        except Exception:
            traceback.print_exc()
    print(f"Median of {args.requests} requests each, SQLite, django.test.Client.\n")
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
    sys.exit(0)
