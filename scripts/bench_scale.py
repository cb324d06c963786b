"""The scale benchmark (`make bench-scale`, issue 14): every public page and every admin
list staff use, timed on a province-sized PostgreSQL database against the same page on
the demo's, in one run. Not a test: it always exits 0.

    .venv/bin/python scripts/bench_scale.py [--villages 500] [--years 10] [--rebuild]

Two databases on the PostgreSQL server of BENCH_DATABASE_SERVER (default
postgres://postgres@127.0.0.1:5432): BENCH_DEMO_DB (default village_portal_bench_demo,
`seed_demo`: 7 villages, a year) and BENCH_PROVINCE_DB (default village_portal_province:
the demo plus `make_province --villages N --years Y`). Each is built once, when missing
(`--rebuild` drops and builds them again), and migrated on every run. 500 villages × 10
years (about 2.3 million ledger lines) take about 10 minutes to build on two cores.

Each page is asked for REPEAT times on each database in turn, interleaved in rounds, so
that a machine busy with something else slows both alike; the table shows the median
server time of each (Django's test client, in this process), their ratio and the size
of each page. Public pages are rendered every time (the page cache is emptied before
each request, outside the timing): the demo's 五庙村 (a year) against a generated
village (ten years). Admin pages as the demo's 利国乡 staff (xiangzhen) on both, as the
staff of a generated township of 25 villages (xz<township code>) against xiangzhen, and
as the superuser (admin). Beside each page's size the table gives the rows it shows
(the change list's rows, else the rows of the page's tables).

A change list the demo fills less than a page of (100 rows) shows more rows on the
province; its ratio is partly the cost of those rows. So each such list is measured a
second time, "(N rows)": both databases with the list's page cut to the N rows the demo
shows (ModelAdmin.list_per_page, set for the run), the same rows of work against ten
years and 500 villages of history. Both lines are printed: the first is what staff get,
the second what history costs (the demo has no corrections: its corrections lists are
empty, and their "(1 rows)" line still compares an empty list with a one-row one).
A township's dashboards (compliance, visits, the home page) show all its villages, 25
in a generated township against the demo's 4, so beside them one village's compliance
grid is measured: the demo's 五庙村 (a year) against a generated village (ten years),
one row on both.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="No directory at")

SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DEMO_DB = os.environ.get("BENCH_DEMO_DB", "village_portal_bench_demo")
PROVINCE_DB = os.environ.get("BENCH_PROVINCE_DB", "village_portal_province")
TARGET = 1.5
DEMO_VILLAGE = "371603201201"  # 五庙村, a year of history in the demo


def manage(database, *args):
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)


def psql_admin(sql):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql)
        # CREATE and DROP DATABASE return no rows: fetchall() would raise.
        return cursor.fetchall() if cursor.description else []


def exists(database):
    return bool(psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))


def build(database, rebuild, province=None):
    if rebuild and exists(database):
        psql_admin(f'DROP DATABASE "{database}"')
    if exists(database):
        print(f"{database}: already built; migrating", file=sys.stderr)
        manage(database, "migrate", "--no-input", "-v", "0")
        return
    started = time.monotonic()
    psql_admin(f'CREATE DATABASE "{database}"')
    manage(database, "migrate", "--no-input", "-v", "0")
    manage(database, "seed_demo", "-v", "0")
    if province:
        villages, years = province
        manage(database, "make_province", "--villages", str(villages), "--years", str(years))
    print(f"{database}: built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DEMO_DB}"
    import django

    django.setup()


def use(database):
    """Point the default connection at another database."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = database
    ContentType.objects.clear_cache()


def pages_of(database):
    """(label, URL, username or None) of every page measured, on this database."""
    from villages.models import Township, Village

    use(database)
    if database == DEMO_DB:
        village, staff = DEMO_VILLAGE, "xiangzhen"
    else:
        township = Township.objects.filter(district__code__gt="371603").order_by("code").first()
        village = township.villages.order_by("code").first().code
        staff = f"xz{township.code}"
    pages = [("public: landing /", "/", None)]
    # The same village on both (the demo is in the province), and a village of ten years
    # against the demo's village of one.
    for label, code in (("五庙村 on both", DEMO_VILLAGE), ("10 years", village)):
        months = Village.objects.get(code=code).ledger_months.filter(status="published")
        month = months.order_by("-year", "-month").first()
        year = month.year if month.month > 1 else month.year - 1
        pages += [
            (f"public, {label}: village page", f"/v/{code}/", None),
            (f"public, {label}: month page", f"/v/{code}/finance/{month.period_slug}/", None),
            (f"public, {label}: year page", f"/v/{code}/finance/{year}/", None),
        ]
    admin_pages = [
        ("ledger months", "/admin/disclosures/ledgermonth/"),
        ("entries", "/admin/disclosures/ledgerentry/"),
        ("corrections", "/admin/disclosures/ledgercorrection/"),
        ("disclosures", "/admin/disclosures/disclosure/"),
        ("questions", "/admin/disclosures/question/"),
        ("compliance", "/admin/disclosures/compliance/"),
        ("visits", "/admin/villages/visits/"),
        ("villages", "/admin/villages/village/"),
        ("home (work queue)", "/admin/"),
    ]
    users = [
        # The same user and page on both: the demo's 利国乡, 4 villages, in a province.
        ("利国乡 staff", "xiangzhen"),
        # Staff of a generated township of 25 villages with ten years (a page of more
        # rows than the demo's 4 villages: read the sizes beside the ratio).
        ("big township's staff", staff),
        ("superuser", "admin"),
    ]
    for who, username in users:
        # One village's compliance grid: a single row on both, so a township's 25
        # villages against the demo's 4 do not hide what ten years of history cost.
        code = DEMO_VILLAGE if username == "xiangzhen" else village
        one_village = [("compliance, one village", f"/admin/disclosures/compliance/v/{code}/")]
        pages += [(f"{who}: {label}", url, username) for label, url in admin_pages + one_village]
    return pages


def rows_of(html):
    """The rows a page shows: a change list's result rows, else its tables' body rows."""
    if 'id="changelist"' in html:
        table = html.split('id="result_list"', 1)
        if len(table) == 1:
            return 0  # an empty list has no table
        return table[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return sum(body.count("<tr") for body in bodies) if bodies else html.count("<tr")


def changelist_admin(url):
    """The ModelAdmin of a change list's URL, or None for any other page."""
    from django.urls import resolve

    match = resolve(url)
    if not (match.url_name or "").endswith("_changelist"):
        return None
    return getattr(match.func, "model_admin", None)


def timed(client, url, repeat):
    from django.core.cache import cache

    times, html = [], ""
    for _ in range(repeat):
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
    return times, len(html), rows_of(html)


def measure_page(pages, index, repeat, rounds):
    """(demo ms, province ms, {db: size}, {db: rows}) of one page, interleaved."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    samples = {DEMO_DB: [], PROVINCE_DB: []}
    sizes, rows = {}, {}
    for _round in range(rounds):
        for database in (DEMO_DB, PROVINCE_DB):
            _label, url, username = pages[database][index]
            use(database)
            client = Client(HTTP_USER_AGENT="bench-scale")
            if username:
                client.force_login(get_user_model().objects.get(username=username))
            client.get(url)  # warm: the connection, templates, catalogs
            times, sizes[database], rows[database] = timed(client, url, repeat)
            samples[database] += times
    demo = statistics.median(samples[DEMO_DB]) * 1000
    province = statistics.median(samples[PROVINCE_DB]) * 1000
    return demo, province, sizes, rows


def measure(pages, repeat, rounds):
    results = []
    for index, (label, url, _username) in enumerate(pages[DEMO_DB]):
        demo, province, sizes, rows = measure_page(pages, index, repeat, rounds)
        results.append((label, demo, province, sizes, rows))
        print(f"  {label}: {province / demo:.2f}×", file=sys.stderr)
        model_admin = changelist_admin(url)
        if model_admin is None or rows[DEMO_DB] >= rows[PROVINCE_DB]:
            continue
        # The same rows on both: the list's page cut to what the demo shows.
        per_page = max(rows[DEMO_DB], 1)
        default = model_admin.list_per_page
        model_admin.list_per_page = per_page
        try:
            demo, province, sizes, rows = measure_page(pages, index, repeat, rounds)
        finally:
            model_admin.list_per_page = default
        equal = f"{label} ({per_page} rows)"
        results.append((equal, demo, province, sizes, rows))
        print(f"  {equal}: {province / demo:.2f}×", file=sys.stderr)
    return results


def report(results):
    from disclosures.models import LedgerEntry
    from villages.models import Village

    use(PROVINCE_DB)
    size = f"{Village.objects.count():,} villages, {LedgerEntry.objects.count():,} ledger lines"
    print(
        f"\nScale benchmark: {PROVINCE_DB} ({size}) against the demo ({DEMO_DB}), "
        "median server time, measured interleaved in one run"
    )
    print(
        f"{'page':<58} {'demo ms':>8} {'province ms':>12} {'ratio':>7}  "
        "rows demo → province  KB demo → province"
    )
    for label, demo, province, sizes, rows in results:
        ratio = province / demo
        mark = "ok" if ratio <= TARGET else f"> {TARGET}"
        print(
            f"{label:<58} {demo:>8.1f} {province:>12.1f} {ratio:>6.2f}×  "
            f"{rows[DEMO_DB]:>4} → {rows[PROVINCE_DB]:<4}  "
            f"{sizes[DEMO_DB] / 1024:>4.0f} → {sizes[PROVINCE_DB] / 1024:<4.0f}  {mark}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--villages", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="drop and build both databases")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    options = parser.parse_args()
    build(DEMO_DB, options.rebuild)
    build(PROVINCE_DB, options.rebuild, province=(options.villages, options.years))
    setup_django()
    pages = {database: pages_of(database) for database in (DEMO_DB, PROVINCE_DB)}
    if options.only:
        pages = {db: [p for p in ps if options.only in p[0]] for db, ps in pages.items()}
    results = measure(pages, options.repeat, options.rounds)
    report(results)


if __name__ == "__main__":
    main()
