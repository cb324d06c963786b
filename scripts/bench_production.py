"""The production server under load (issues 10 and 14). Not a test: exits 0.

    .venv/bin/python scripts/bench_production.py        (make bench runs it too)

On a throwaway SQLite database with the demo data (or DATABASE_URL, if set, on an empty
PostgreSQL database of your own), it starts gunicorn with gunicorn.conf.py, the production
settings (persistent connections: CONN_MAX_AGE) and the PDF worker, as `make serve` does,
with the shared Redis cache when one answers at REDIS_URL (default 127.0.0.1:6379; under a
key prefix of its own), and reports:
  1. the village page's p95 while 8 clients loop on posters and booklets, over its idle p95
     (and, to compare, while the same 8 clients loop on the trivial view);
  2. throughput of the cached village page, and of a conditional GET answered 304, over a
     trivial view's (/healthz: one SELECT 1 through the whole middleware), from 8 clients
     sending WeChat's User-Agent and gzip, the page and the trivial view taking turns in
     short rounds of the same run, with p50/p95 of each;
  3. the server time (gunicorn's own, from its access log) of the village, month and year
     pages rendered afresh, over the trivial view's, measured in turns by one client, in
     three cases (AFRESH): the page expired or the village published news (the page is
     rendered around the parts the publication rendered), the summary computed again,
     nothing kept at all; and of a cached hit and of a 304;
  4. the size of the village page's compressed HTML.
The client threads share the machine's cores with the server: throughput ratios are
pulled towards 1 by the client's own cost; the server-time ratios are not.
"""

import gzip
import itertools
import multiprocessing
import os
import re
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
# WeChat's in-app browser on an Android phone, as most villagers read the pages.
PHONE = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile "
    "Safari/537.36 XWEB/5023 MMWEBSDK/20230701 MicroMessenger/8.0.40.2420(0x28002837) "
    "WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64",
    "Accept-Encoding": "gzip",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
TRIVIAL = "/healthz"
CLIENTS = 8
ROUNDS, ROUND_SECONDS = 6, 1.0
FRESH_SAMPLES = 40
# gunicorn's access log, as the bench reads it: the request line, status, microseconds.
ACCESS_LOG_FORMAT = '"%(r)s" %(s)s %(D)s'


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


def p50(times):
    return statistics.median(times)


def interleaved(port, paths, headers):
    """{path: (requests per second, [seconds of each request])}: CLIENTS clients on one
    path at a time, the paths taking turns in ROUNDS rounds of ROUND_SECONDS each, so that
    whatever else the machine does weighs on all of them alike."""
    done = {path: [0, 0.0, []] for path in paths}
    for _, path in itertools.product(range(ROUNDS), paths):
        stop = time.monotonic() + ROUND_SECONDS
        started = time.perf_counter()

        def loop(path=path, stop=stop):
            while time.monotonic() < stop:
                begin = time.perf_counter()
                fetch(port, path, headers[path])
                done[path][2].append(time.perf_counter() - begin)
                done[path][0] += 1

        threads = [threading.Thread(target=loop) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done[path][1] += time.perf_counter() - started
    return {path: (count / seconds, times) for path, (count, seconds, times) in done.items()}


class AccessLog:
    """gunicorn's own time for each request (microseconds), read from its access log."""

    LINE = re.compile(r'^"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) (?P<us>\d+)$')

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def mark(self):
        self.offset = self.path.stat().st_size

    def since_mark(self):
        """[(path, status, seconds)] of the requests logged since mark()."""
        with open(self.path, encoding="utf-8", errors="replace") as log:
            log.seek(self.offset)
            lines = log.read().splitlines()
        found = [self.LINE.match(line) for line in lines]
        return [(m["path"], int(m["status"]), int(m["us"]) / 1e6) for m in found if m]


# What is forgotten before each request of a page rendered afresh, in three cases:
# the cache's keys (disclosures/caching.py, village_page/summary.py).
AFRESH = [
    # The page expired (PUBLIC_PAGE_SECONDS), or the village had news: the worker has
    # rendered the new summary and latest month (summary.py), so the page is rendered
    # around its parts.
    ("page expired or news", ["public-page"]),
    # A new day, or news the worker has not rendered yet: the summary is computed again.
    ("summary again", ["public-page", "village-summary"]),
    # Nothing kept: what the worker does after news, or a cache that was lost.
    ("nothing kept", ["public-page", "village-summary", "finance"]),
]


def forget(redis_client, prefix, kinds):
    """Empty the shared cache of these kinds of keys (never the villages' state)."""
    for kind in kinds:
        for key in redis_client.scan_iter(f"{prefix}:*:{kind}:*"):
            redis_client.delete(key)


def server_times(port, log, pages, headers=None, fresh=None):
    """{path: [server seconds]}: one client asking for each path in turn (the trivial
    view among them), FRESH_SAMPLES times; fresh(): called before each page request."""
    log.mark()
    for _ in range(FRESH_SAMPLES):
        for path in pages:
            if fresh and path != TRIVIAL:
                fresh()
            fetch(port, path, (headers or {}).get(path, PHONE))
    times = {}
    for path, _status, seconds in log.since_mark():
        times.setdefault(path, []).append(seconds)
    return times


def redis_for_bench():
    """(REDIS_URL, client) of a Redis that answers, else (None, None)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        client = redis.Redis.from_url(url)
        client.ping()
        return url, client
    except Exception:
        return None, None


def main():
    folder = Path(tempfile.mkdtemp(prefix="bench-production-"))
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-" + os.urandom(32).hex())
    env.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    if env["DATABASE_URL"].startswith("sqlite"):
        (folder / "bench.sqlite3").touch()
    env.update(MEDIA_ROOT=str(folder / "media"), CONN_MAX_AGE="60", PYTHONWARNINGS="ignore")
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    redis_url, redis_client = redis_for_bench()
    prefix = f"portal-bench-{os.getpid()}"
    if redis_url:
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix)
    manage = [sys.executable, "manage.py"]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "check": True}
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **quiet)
    subprocess.run([*manage, "seed_demo", "-v", "0"], **quiet)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], **quiet)
    # The posters publishing queued are made before the measurement: the load is the
    # PDFs asked for during it.
    subprocess.run([*manage, "db_worker", "--batch", "--no-startup-delay"], **quiet)
    try:
        with open(folder / "gunicorn.log", "wb") as log:
            serve(env, manage, log, AccessLog(folder / "access.log"), (redis_client, prefix))
    finally:
        if redis_client:
            for key in redis_client.scan_iter(f"{prefix}:*"):
                redis_client.delete(key)
        shutil.rmtree(folder, ignore_errors=True)


def serve(env, manage, log, access_log, cache):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            f"--access-logformat={ACCESS_LOG_FORMAT}",
        ],
        cwd=ROOT,
        env={**env, "PORT": str(port), "GUNICORN_ACCESS_LOG": str(access_log.path)},
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
        report(port, access_log, cache)
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


def report(port, access_log, cache):
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

    print("Production server (gunicorn.conf.py, the PDF worker running), village", VILLAGE)
    print(
        f"  idle p95 {p95(idle) * 1000:.1f} ms; with 8 clients on PDFs p95 "
        f"{p95(loaded) * 1000:.1f} ms; ratio {p95(loaded) / p95(idle):.2f} (target <= 2)"
    )
    print(
        f"  for comparison, 8 clients on the trivial view: p95 {p95(busy) * 1000:.1f} ms, "
        f"ratio {p95(busy) / p95(idle):.2f}; PDFs over trivial {p95(loaded) / p95(busy):.2f}"
    )
    pages_report(port, period, access_log, cache)


def pages_report(port, period, access_log, cache):
    """Parts 2 to 4 of the report (the module's docstring)."""
    redis_client, prefix = cache
    month, year = f"{VILLAGE}finance/{period}/", f"{VILLAGE}finance/{period[:4]}/"
    for path in (VILLAGE, month, year):
        fetch(port, path, PHONE)
    etag = fetch(port, VILLAGE, PHONE)[1]["ETag"]
    conditional = f"{VILLAGE}?revalidate"  # the same page: the parameter is dropped
    headers = {TRIVIAL: PHONE, VILLAGE: PHONE, conditional: {**PHONE, "If-None-Match": etag}}
    assert fetch(port, conditional, headers[conditional])[0] == 304

    print(f"  cache: {'Redis (shared)' if redis_client else 'LocMem (per process)'}")
    print(f"  {CLIENTS} clients, WeChat's User-Agent, gzip; {ROUNDS} rounds of each in turn:")
    access_log.mark()
    measured = interleaved(port, [TRIVIAL, VILLAGE, conditional], headers)
    served = access_log.since_mark()
    trivial_rate = measured[TRIVIAL][0]
    targets = {TRIVIAL: "", VILLAGE: " (target >= 0.5)", conditional: " (target >= 1)"}
    names = {TRIVIAL: "trivial view", VILLAGE: "village page, cached", conditional: "304"}
    for path, (rate, times) in measured.items():
        statuses = {status for p, status, _ in served if p == path}
        print(
            f"    {names[path]:<22} {rate:7.0f}/s  ratio {rate / trivial_rate:.2f}{targets[path]}"
            f"  p50 {p50(times) * 1000:.1f} ms  p95 {p95(times) * 1000:.1f} ms  {statuses}"
        )

    print(f"  server time (gunicorn's), one client, {FRESH_SAMPLES} of each in turn:")
    warm = server_times(port, access_log, [TRIVIAL, VILLAGE, conditional], headers)
    base = p50(warm[TRIVIAL])
    print(f"    trivial view           p50 {base * 1000:.2f} ms")
    for path, name in ((VILLAGE, "village page, cached"), (conditional, "304")):
        print(f"    {name:<22} p50 {p50(warm[path]) * 1000:.2f} ms  {p50(warm[path]) / base:.2f} x")
    if redis_client is None:
        print("    (no Redis: the pages rendered afresh are not measured)")
    else:
        for case, kinds in AFRESH:
            print(f"    rendered afresh, {case}:")
            cold = server_times(
                port,
                access_log,
                [TRIVIAL, VILLAGE, month, year],
                fresh=lambda kinds=kinds: forget(redis_client, prefix, kinds),
            )
            base = p50(cold[TRIVIAL])
            pages = ((VILLAGE, "village page"), (month, "month page"), (year, "year page"))
            for path, name in pages:
                ratio = p50(cold[path]) / base
                print(
                    f"      {name:<20} p50 {p50(cold[path]) * 1000:.2f} ms  "
                    f"p95 {p95(cold[path]) * 1000:.2f} ms  {ratio:.1f} x (target <= 4)"
                )

    status, headers, body = fetch(port, VILLAGE, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    plain = len(gzip.decompress(body))
    print(
        f"  compressed HTML {len(body) / 1024:.1f} KB ({plain / 1024:.1f} KB plain; target <= 6 KB)"
    )


if __name__ == "__main__":
    main()
