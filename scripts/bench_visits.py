"""What counting a visit costs: the cached village page with a phone's User-Agent (counted)
and a bot's (not counted), median server time of 200 requests each. Not a test.

    .venv/bin/python scripts/bench_visits.py

Runs on a throwaway SQLite database file in a temporary directory.
"""

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")

REQUESTS = 200
PHONE = "Mozilla/5.0 (Linux; Android 10) Mobile Safari/537.36 MicroMessenger/8.0.40"
BOT = "Mozilla/5.0 (compatible; Baiduspider/2.0)"


def median_ms(client, url, user_agent):
    for _ in range(10):  # warm up, and fill the page cache
        client.get(url, HTTP_USER_AGENT=user_agent)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url, HTTP_USER_AGENT=user_agent)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main():
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(folder) / "bench.sqlite3").touch()
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from tests import factories

        call_command("migrate", verbosity=0)
        village = factories.make_village(factories.make_township(), "371603201201", "五庙村")
        factories.make_history(village, 12, entries_per_month=15)
        client = Client()
        url = village.get_absolute_url()
        # Alternate, so that a busy machine weighs on both alike.
        rounds = [(median_ms(client, url, PHONE), median_ms(client, url, BOT)) for _ in range(3)]
        counted = statistics.median(r[0] for r in rounds)
        uncounted = statistics.median(r[1] for r in rounds)
        print(f"cached village page, counted (phone): {counted:.2f} ms")
        print(f"cached village page, not counted (bot): {uncounted:.2f} ms")
        print(f"counting costs {counted - uncounted:.2f} ms per request")
        print(f"views stored: {village.visit_days.get().views}")


if __name__ == "__main__":
    main()
