"""Server time and queries of the public finance pages. Not a test: it always exits 0.

    .venv/bin/python scripts/bench_finance.py [--requests 100]

On a throwaway SQLite database: a village with a published month of 300 entries (and one
published correction), and a year of twelve published months. For each page, the median
server time of `--requests` requests through django.test.Client, each rendered afresh
(the page cache emptied before it, outside the timing), and the queries of one request.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
    os.environ["DATABASE_URL"] = database_url  # a temporary SQLite file, never a server
    import django

    django.setup()


def measure(client, url, requests):
    """(median ms rendered afresh, queries of one request, bytes)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm up: templates, translation catalogs, the connection
        assert client.get(url).status_code == 200, url
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        size = len(client.get(url).content)
    count = len(queries)
    times = []
    for _ in range(requests):
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, count, size


def make_data():
    from tests import factories
    from tests.disclosures.finance.finance_helpers import EXPENSE, correction

    township = factories.make_township()
    month_village = factories.make_village(township, "371603201201", "五庙村")
    september = factories.make_month(month_village, 2026, 9, entries=300)
    correction(september, "金额录错", [(3, "更-001", "冲减", EXPENSE, "管理费用", "-3")])
    year_25 = factories.make_village(township, "371603201202", "东营村")
    factories.make_history(year_25, 12, entries_per_month=25, end=(2026, 12))
    year_300 = factories.make_village(township, "371603201203", "闫家村")
    factories.make_history(year_300, 12, entries_per_month=300, end=(2026, 12))
    return [
        ("month page, 300 entries + 1 correction", "/v/371603201201/finance/2026-09/"),
        ("  sorted by amount", "/v/371603201201/finance/2026-09/?sort=-amount"),
        ("village page, latest month of 300 entries", "/v/371603201201/"),
        ("year page, 300 entries (12 × 25)", "/v/371603201202/finance/2026/"),
        ("year page, 3,600 entries (12 × 300)", "/v/371603201203/finance/2026/"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    rows = [("page (rendered afresh, cache emptied)", "median", "queries", "size")]
    with tempfile.TemporaryDirectory(prefix="portal-bench-finance-") as tmp:
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(tmp) / "bench.sqlite3").touch()
        setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        try:
            client = Client()
            for label, url in make_data():
                ms, queries, size = measure(client, url, args.requests)
                rows.append((label, f"{ms:.1f} ms", str(queries), f"{size / 1024:.0f} KiB"))
        except Exception:
            traceback.print_exc()
    print(f"Median of {args.requests} requests each, SQLite, django.test.Client.\n")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
    sys.exit(0)
