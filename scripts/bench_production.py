"""The production server under load (the issue's three ratios). Not a test: exits 0.

    .venv/bin/python scripts/bench_production.py        (make bench runs it too)

On a throwaway SQLite database with the demo data (or DATABASE_URL, if set, on an empty
PostgreSQL database of your own), it starts gunicorn with gunicorn.conf.py and the PDF
worker, as `make serve` does, and reports:
  1. the village page's p95 while 8 clients loop on posters and booklets, over its idle p95
     (and, to compare, while the same 8 clients loop on the trivial view);
  2. the village page's throughput over a trivial view's (/healthz: one SELECT 1), both
     from 4 clients, and what a conditional GET answered 304 costs beside the trivial view;
  3. the size of the village page's compressed HTML.
"""

import gzip
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VILLAGE = "/v/371603201201/"
PDFS = [
    "/v/371603201201/powers/booklet.pdf",
    "/v/371603201202/powers/booklet.pdf",
    "/v/371603201201/finance/{period}/poster.pdf",
    "/v/371603201201/finance/{period}/poster.pdf?size=a3",
    "/v/371603102203/finance/{period}/poster.pdf",
]
SAMPLES = 200


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def timed(port, path, count, headers=None):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fetch(port, path, headers)
        times.append(time.perf_counter() - start)
    return times


def p95(times):
    return statistics.quantiles(times, n=20)[-1]


def throughput(port, path, seconds=5, clients=4, headers=None):
    done = []
    stop = time.monotonic() + seconds

    def loop():
        count = 0
        while time.monotonic() < stop:
            fetch(port, path, headers)
            count += 1
        done.append(count)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main():
    folder = Path(tempfile.mkdtemp(prefix="bench-production-"))
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-" + os.urandom(32).hex())
    env.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    if env["DATABASE_URL"].startswith("sqlite"):
        (folder / "bench.sqlite3").touch()
    env.update(MEDIA_ROOT=str(folder / "media"), CONN_MAX_AGE="60", PYTHONWARNINGS="ignore")
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    manage = [sys.executable, "manage.py"]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "check": True}
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **quiet)
    subprocess.run([*manage, "seed_demo", "-v", "0"], **quiet)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], **quiet)
    # The posters publishing queued are made before the measurement: the load is the
    # PDFs asked for during it.
    subprocess.run([*manage, "db_worker", "--batch", "--no-startup-delay"], **quiet)
    with open(folder / "gunicorn.log", "wb") as log:
        serve(env, manage, log)
    shutil.rmtree(folder, ignore_errors=True)


def serve(env, manage, log):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "GUNICORN_ACCESS_LOG": "/dev/null"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # As make serve starts it: below the web server's priority.
    worker = subprocess.Popen(
        ["nice", "-n", "10", *manage, "db_worker"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        for _ in range(100):
            try:
                if fetch(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        report(port)
    finally:
        server.terminate()
        worker.terminate()
        server.wait()
        worker.wait()


def looping_client(port, paths, number, stop):
    """One of the 8 clients that loop on the PDFs (or, for comparison, the trivial view)."""
    paths = paths[number % len(paths) :] + paths[: number % len(paths)]
    while not stop.is_set():
        for path in paths:
            fetch(port, path)


def timed_under_load(port, paths):
    """The village page's times while 8 clients loop on `paths`. The clients are processes
    of their own: as threads of this one they would hold its GIL while reading PDFs, and
    the village page's time would count their work."""
    stop = multiprocessing.Event()
    clients = [
        multiprocessing.Process(target=looping_client, args=(port, paths, n, stop), daemon=True)
        for n in range(8)
    ]
    for client in clients:
        client.start()
    time.sleep(2)
    times = timed(port, VILLAGE, SAMPLES)
    stop.set()
    for client in clients:
        client.join(timeout=300)
    return times


def report(port):
    page = fetch(port, VILLAGE)[2].decode()
    period = page.split("/finance/")[1][:7]  # the latest month the page links
    pdfs = [path.format(period=period) for path in PDFS]
    for _ in range(20):
        fetch(port, VILLAGE)
    idle = timed(port, VILLAGE, SAMPLES)
    loaded = timed_under_load(port, pdfs)
    # Let the worker finish what the clients queued, so that it does not share the CPU
    # with the measurements below.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if {fetch(port, path)[0] for path in pdfs} == {200}:
            break
        time.sleep(1)
    # The same 8 clients on the trivial view: what any 8 busy clients cost the page on
    # this machine, PDFs or not (they share its cores with the server).
    busy = timed_under_load(port, ["/healthz"])

    trivial = throughput(port, "/healthz")
    village = throughput(port, VILLAGE)
    etag = fetch(port, VILLAGE)[1]["ETag"]
    not_modified = throughput(port, VILLAGE, headers={"If-None-Match": etag})
    status, headers, body = fetch(port, VILLAGE, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    plain = len(gzip.decompress(body))

    print("Production server (gunicorn.conf.py, the PDF worker running), village", VILLAGE)
    print(
        f"  idle p95 {p95(idle) * 1000:.1f} ms; with 8 clients on PDFs p95 "
        f"{p95(loaded) * 1000:.1f} ms; ratio {p95(loaded) / p95(idle):.2f} (target <= 2)"
    )
    print(
        f"  for comparison, 8 clients on the trivial view: p95 {p95(busy) * 1000:.1f} ms, "
        f"ratio {p95(busy) / p95(idle):.2f}; PDFs over trivial {p95(loaded) / p95(busy):.2f}"
    )
    print(
        f"  throughput: village page {village:.0f}/s, trivial view {trivial:.0f}/s; "
        f"ratio {village / trivial:.2f} (target >= 0.5)"
    )
    print(
        f"  conditional GET (304) {not_modified:.0f}/s, {not_modified / trivial:.2f} x the "
        f"trivial view (target: costs no more, >= 1)"
    )
    print(
        f"  compressed HTML {len(body) / 1024:.1f} KB ({plain / 1024:.1f} KB plain; target <= 6 KB)"
    )


if __name__ == "__main__":
    main()
