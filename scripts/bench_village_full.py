"""The village page with every module filled and ten years of finance history.

    .venv/bin/python scripts/bench_village_full.py

Seeds the demo on a throwaway SQLite database, gives 五庙村 nine more years of published
months (ten in all), then reports the page's query count and median server time, rendered
afresh (cache emptied before each request) and cached, beside a trivial view.
"""

import os
import sys
import tempfile
import types
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")


def main():
    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
    # With DEBUG off the portal opens only an existing SQLite file.
    (Path(tmp) / "bench.sqlite3").touch()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from bench import measure  # scripts/bench.py: the same timing loop
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import include, path

    from tests import factories
    from villages.models import Village

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    wumiao = Village.objects.get(code="371603201201")
    first = wumiao.ledger_months.order_by("year", "month").first()
    end = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
    factories.make_history(wumiao, 108, 20, end=end)

    urls = types.ModuleType("bench_full_urls")
    urls.urlpatterns = [
        path("bench-trivial/", lambda request: HttpResponse("ok")),
        path("", include("portal.urls")),
    ]
    sys.modules["bench_full_urls"] = urls
    client = Client()

    with override_settings(ROOT_URLCONF="bench_full_urls"):
        trivial, _ = measure(client, "/bench-trivial/")
        page = wumiao.get_absolute_url()
        cold_ms, cold_q = measure(client, page, cold=True)
        warm_ms, _ = measure(client, page)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
            client.get(page)
        warm_q = len(queries) - cold_q
    months = wumiao.ledger_months.published().count()
    disclosures = wumiao.disclosures.published().count()
    print(f"五庙村: {months} published months, {disclosures} published disclosures")
    print(f"trivial view          {trivial:7.2f} ms")
    print(f"village page, afresh  {cold_ms:7.2f} ms  {cold_q} queries")
    ratio = warm_ms / trivial
    print(f"village page, cached  {warm_ms:7.2f} ms  {warm_q} queries ({ratio:.1f}x trivial)")


if __name__ == "__main__":
    main()
