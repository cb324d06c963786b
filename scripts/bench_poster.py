"""Seconds per page of the notice-board poster. Not a test: it always exits 0.

    .venv/bin/python scripts/bench_poster.py [--entries 300] [--runs 3] [--keep DIR]

Renders the poster of a published month of `--entries` entries (and one correction), A4 and
A3, on a throwaway SQLite database, `--runs` times each, and prints the median. `--keep`
writes the PDFs to DIR to look at.
"""

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")


def pages_of(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M)[1])


def make_month(entries):
    from disclosures.models import Kind, LedgerCorrection, LedgerEntry
    from tests import factories

    township = factories.make_township()
    village = factories.make_village(township, "371603201201", "五庙村")
    month = factories.make_month(village, 2026, 7, entries=entries)
    correction = LedgerCorrection.objects.create(ledger=month, reason="记0003 多记 50 元，冲减")
    LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(2026, 7, 31),
        voucher_number="更07-01",
        description="冲减多记费用",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("-50"),
    )
    factories.publish(correction)
    month.refresh_from_db()
    return month


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-poster-bench-") as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(tmp) / "bench.sqlite3").touch()
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        import django

        django.setup()
        from django.core.management import call_command

        from disclosures.finance.posters import render_month_poster

        call_command("migrate", verbosity=0)
        month = make_month(args.entries)
        render_month_poster(month, "a4")  # warm up: fonts, templates, catalogs
        print(f"Poster of a published month with {args.entries} entries and one correction")
        print(f"median of {args.runs} renders; wall clock and this process's CPU time\n")
        for size in ("a4", "a3"):
            times, cpu_times = [], []
            for _ in range(args.runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                pdf = render_month_poster(month, size)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            seconds, pages = statistics.median(times), pages_of(pdf)
            cpu = statistics.median(cpu_times)
            print(
                f"{size.upper()}: {pages} pages, {seconds:.2f} s ({cpu:.2f} s CPU), "
                f"{seconds / pages:.3f} s per page ({cpu / pages:.3f} s CPU), "
                f"PDF {len(pdf) / 1024:.0f} KiB"
            )
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"poster-{size}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
    sys.exit(0)
