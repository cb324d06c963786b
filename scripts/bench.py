"""Performance report for the two things that must stay fast. Not a test: it always exits 0.

    .venv/bin/python scripts/bench.py

(a) The public village page /v/<code>/, what a villager opens by scanning the sign: median
    server time of 200 requests through django.test.Client and its query count, for one and
    for ten years of published history, beside a trivial view behind the same middleware.
The sign batch of 400 villages is scripts/bench_signs.py.

Everything runs on a throwaway SQLite database in a temporary directory.
"""

import os
import statistics
import sys
import tempfile
import time
import traceback
import types
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# WhiteNoise warns when collectstatic has not been run; the report does not need it.
warnings.filterwarnings("ignore", message="No directory at")

REQUESTS = 200
MAX_RATIO = 4


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def measure(client, url, cold=False):
    """(median milliseconds of REQUESTS requests, queries of one request).

    cold: empty the page cache before each request (outside the timing), so every
    request renders the page; otherwise all but the first are served from the cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):  # warm up: templates, translation catalogs, the connection
        assert client.get(url).status_code == 200, url
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the next request clears the connection's query log
    times = []
    for _ in range(REQUESTS):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, count


def bench_village_page():
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import include, path

    from tests import factories

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [
        path("bench-trivial/", lambda request: HttpResponse("ok")),
        path("", include("portal.urls")),
    ]
    sys.modules["bench_urls"] = urls

    township = factories.make_township()
    empty, one, ten = (factories.make_village(township, f"37160320120{n}", "五庙村") for n in "012")
    factories.make_history(one, 12, 20)
    factories.make_history(ten, 120, 20)
    client = Client()
    with override_settings(ROOT_URLCONF="bench_urls"):
        pages = ["/bench-trivial/", *(v.get_absolute_url() for v in (empty, one, ten))]
        warm = [measure(client, page) for page in pages]
        cold = [measure(client, page, cold=True) for page in pages[2:]]
        return warm, cold


def main():
    rows = [("measure", "result", "target", ""), None]

    def add(label, result, target="", ok=None):
        rows.append((label, result, target, "" if ok is None else "ok" if ok else "MISSED"))

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(tmp) / "bench.sqlite3").touch()
        setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        try:
            warm, cold = bench_village_page()
            trivial, empty, (one_ms, one_q), (ten_ms, ten_q) = warm
            (cold_one_ms, cold_one_q), (cold_ten_ms, cold_ten_q) = cold
            t_ms = trivial[0]
            add("trivial view", "{:.2f} ms, {} queries".format(*trivial))
            add("village page, nothing published", "{:.2f} ms, {} queries".format(*empty))
            add("village page, 1 year (12×20), cached", f"{one_ms:.2f} ms, {one_q} queries")
            add("village page, 10 years (120×20), cached", f"{ten_ms:.2f} ms, {ten_q} queries")
            add("  rendered afresh, 1 year", f"{cold_one_ms:.2f} ms, {cold_one_q} queries")
            add("  rendered afresh, 10 years", f"{cold_ten_ms:.2f} ms, {cold_ten_q} queries")
            add("queries: 10 years vs 1 year", f"{ten_q} vs {one_q}", "equal", ten_q == one_q)
            add(
                "queries afresh: 10 years vs 1 year",
                f"{cold_ten_q} vs {cold_one_q}",
                "equal",
                cold_ten_q == cold_one_q,
            )
            for label, ms in (("1 year", one_ms), ("10 years", ten_ms)):
                ratio = ms / t_ms
                add(
                    f"village / trivial, {label}",
                    f"{ratio:.1f}×",
                    f"≤ {MAX_RATIO}×",
                    ratio <= MAX_RATIO,
                )
        except Exception:
            traceback.print_exc()
            add("village page", "FAILED, see above")
    print(f"Village page: median of {REQUESTS} requests.\n")
    widths = [max(len(row[i]) for row in rows if row) for i in range(4)]
    for row in rows:
        cells = row or ["-" * width for width in widths]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
    sys.exit(0)
