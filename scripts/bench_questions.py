"""码上问 in figures: the question form and the village questions page (queries and median
server time of 200 requests), and how many questions a second the form accepts while the
rate limit is not reached. Not a test.

    .venv/bin/python scripts/bench_questions.py            # a throwaway SQLite file
    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_questions.py --keep-database

The questions page is measured with 600 questions (20 pages), each answered.
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
QUESTIONS = 600
POSTS = 300
PHONE = "Mozilla/5.0 (Linux; Android 10) Mobile Safari/537.36 MicroMessenger/8.0.40"


def timed(client, method, url, **kwargs):
    started = time.perf_counter()
    response = getattr(client, method)(url, HTTP_USER_AGENT=PHONE, **kwargs)
    return time.perf_counter() - started, response


def median_ms(client, url):
    for _ in range(10):
        client.get(url, HTTP_USER_AGENT=PHONE)
    return statistics.median(timed(client, "get", url)[0] for _ in range(REQUESTS)) * 1000


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, HTTP_USER_AGENT=PHONE)
    return len(captured)


def run():
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from disclosures.questions.models import Question
    from tests import factories
    from villages.roles import ACCOUNTANT

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    village = factories.make_village(factories.make_township(), "371603201201", "五庙村")
    factories.make_history(village, 12, entries_per_month=15)
    accountant = factories.make_user("bench-accountant", ACCOUNTANT, villages=[village])
    for number in range(QUESTIONS):
        Question.receive(village, f"第{number}个问题：这笔钱做什么用？").answer(
            accountant, "这是修路的材料费，发票在村委会。"
        )
    client = Client()
    ask_url = f"/v/{village.code}/ask/"
    page_url = f"/v/{village.code}/questions/"
    print(f"database: {connection.vendor}; {QUESTIONS} answered questions")
    form_queries, form_ms = queries(client, ask_url), median_ms(client, ask_url)
    print(f"form (GET {ask_url}): {form_queries} queries, {form_ms:.2f} ms")

    cache.clear()
    fresh = queries(client, page_url)
    cached = queries(client, page_url)
    times = []
    for _ in range(REQUESTS // 4):
        cache.clear()
        times.append(timed(client, "get", page_url)[0])
    print(
        f"questions page: {fresh} queries fresh, {statistics.median(times) * 1000:.2f} ms; "
        f"{cached} cached, {median_ms(client, page_url):.2f} ms"
    )

    # Acceptance rate: every post from its own address, so the limit is never reached.
    settings.QUESTIONS_PER_HOUR = 5
    started = time.perf_counter()
    for number in range(POSTS):
        data = {"text": f"第{number}个新问题：这笔钱做什么用？", "website": ""}
        _, response = timed(
            client, "post", ask_url, data=data, REMOTE_ADDR=f"10.0.{number // 250}.{number % 250}"
        )
        assert response.status_code == 302, response.status_code
    elapsed = time.perf_counter() - started
    each_ms = elapsed / POSTS * 1000
    print(f"form accepts {POSTS / elapsed:.0f} questions/s ({each_ms:.1f} ms each, one process)")
    refused = [
        timed(
            client,
            "post",
            ask_url,
            data={"text": "同一部手机的问题？", "website": ""},
            REMOTE_ADDR="10.9.9.9",
        )[1].status_code
        for _ in range(8)
    ]
    print(f"one address, 8 posts in a row: {refused}")


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
    if "DATABASE_URL" in os.environ and "--keep-database" in sys.argv:
        run()
        return
    with tempfile.TemporaryDirectory() as folder:
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(folder) / "bench.sqlite3").touch()
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        run()


if __name__ == "__main__":
    main()
