"""Time the power list booklet (/v/<code>/powers/booklet.pdf). Not a test: it always exits 0.

    .venv/bin/python scripts/bench_booklet.py [runs]

Builds 五庙村 with the district's template and the demo's two local items (40 positive and
30 negative items) on a throwaway SQLite database, renders the booklet `runs` times (3 by
default) and prints wall-clock and CPU seconds, in total and per page. CPU time is the
steadier figure on a shared machine.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message="No directory at")


def main(runs):
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # a throwaway SECRET_KEY
        # With DEBUG off the portal opens only an existing SQLite file.
        (Path(tmp) / "bench.sqlite3").touch()
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from disclosures.powers.booklet import render_booklet
        from disclosures.powers.demo import create_demo_power_lists
        from tests import factories
        from villages.models import Village

        township = factories.make_township()
        factories.make_village(township, "371603201201", "五庙村")
        create_demo_power_lists()
        village = Village.objects.with_places().get(code="371603201201")

        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = render_booklet(village)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        path = Path(tmp) / "booklet.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"booklet: {pages} pages, {len(pdf) / 1024:.0f} KiB, median of {runs} runs")
        print(f"  wall {wall:.2f} s = {wall / pages:.3f} s/page")
        print(f"  CPU  {cpu:.2f} s = {cpu / pages:.3f} s/page")
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
