"""How often each village's public pages are opened: counts per day, nothing else.

A row holds a village, a day (Beijing time) and two numbers: page views, and scans of a
printed QR code (the sign or the notice-board poster, which encode the page's address
with SCAN_MARKER). No IP address, user agent, cookie, path or time of day is stored,
so nothing here can tell one villager from another.

Counting happens in disclosures/caching.py, which decides what a view is. A view costs
no database work: `count_visit` adds one in the process's memory, sent on each second
to a Redis hash shared by every server when REDIS_URL is set, and
`flush_visits` writes what has gathered to VillageVisitDay, one statement per village and
day. Each web process flushes every VISIT_FLUSH_SECONDS from a background thread and
once more when it exits, so a crash loses at most that much of its counts (with Redis,
only what a flush had taken and not yet written).
"""

import atexit
import datetime
import logging
import os
import random
import threading
import time
from collections import Counter
from contextlib import nullcontext

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

# Printed QR codes open the page at ?qr: short, so the code stays small. The page counts
# a scan and redirects to the clean address, where the view is counted like any other.


class VillageVisitDay(models.Model):
    # No index of its own: the unique (village, day) index below serves every lookup by
    # village, and the visits page's last twelve months (monthly_counts) read only those
    # days from it. With a village-only index beside it PostgreSQL read every day the
    # villages were ever counted and dropped the older ones.
    village = models.ForeignKey(
        "villages.Village",
        on_delete=models.CASCADE,
        related_name="visit_days",
        verbose_name=_("village"),
        db_index=False,
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)
    scans = models.PositiveIntegerField(_("QR code scans"), default=0)

    class Meta:
        ordering = ["village", "day"]
        verbose_name = _("visits of a day")
        verbose_name_plural = _("visits by day")
        constraints = [
            models.UniqueConstraint(fields=["village", "day"], name="one_visit_row_per_village_day")
        ]

    def __str__(self):
        return f"{self.village_id} {self.day}: {self.views}/{self.scans}"


def record_visit(village, *, scan=False, day=None):
    """Write one page view, or one scan, for the village today (Beijing time) at once."""
    day = day or timezone.localdate()
    add_visits({(village.pk, day): (0, 1) if scan else (1, 0)})


def add_visits(counts):
    """Add {(village_id, day): (views, scans)} to the database, one statement per row.

    INSERT ... ON CONFLICT DO UPDATE adds to the day's row, creating it if it is the
    first count of the day. Two processes writing the first count of a day at once cannot
    lose a count or fail on the unique constraint, as an UPDATE-then-INSERT would between
    its two statements. SQLite (3.24+) and PostgreSQL (9.5+) share this syntax."""
    meta = VillageVisitDay._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    village_id, day_column, views, scans = (
        quote(meta.get_field(name).column) for name in ("village", "day", "views", "scans")
    )
    sql = (
        f"INSERT INTO {table} ({village_id}, {day_column}, {views}, {scans}) "
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({village_id}, {day_column}) "
        f"DO UPDATE SET {views} = {table}.{views} + excluded.{views}, "
        f"{scans} = {table}.{scans} + excluded.{scans}"
    )
    rows = [[pk, day, v, s] for (pk, day), (v, s) in sorted(counts.items())]
    # All or none: a flush that fails puts every count back for the next one.
    with transaction.atomic() if len(rows) > 1 else nullcontext(), connection.cursor() as cursor:
        for row in rows:
            cursor.execute(sql, row)


# Counting in the cache, flushing to the database

PENDING_KEY = "visits-pending"
# With Redis, each process adds up its counts in memory and sends them in one round trip
# at most this often: a request pays no round trip for its count.
PUSH_SECONDS = 1.0
logger = logging.getLogger(__name__)
_local = Counter()  # "village_id:day:views|scans" -> count, this process's, not yet sent
_lock = threading.Lock()
_pushed_at = 0.0
_flusher_pid = None


def _shared():
    """(the Redis client, the hash's key) when the cache is Django's Redis cache."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True), backend.make_and_validate_key(PENDING_KEY)
    return None


def count_visit(village_id, *, scan=False, day=None):
    """Count one page view, or one scan: no database query. In the process's memory,
    sent on to Redis (a hash shared by every server) at most every PUSH_SECONDS."""
    day = day or timezone.localdate()
    with _lock:
        _local[f"{village_id}:{day.isoformat()}:{'scans' if scan else 'views'}"] += 1
    if time.monotonic() - _pushed_at >= PUSH_SECONDS:
        _push()
    _start_flusher()


def _take_local():
    with _lock:
        fields = dict(_local)
        _local.clear()
    return fields


def _keep_local(fields):
    with _lock:
        _local.update(fields)  # Counter.update adds


def _push():
    """Send this process's counts to the shared hash (HINCRBY, atomic): one round trip."""
    global _pushed_at
    _pushed_at = time.monotonic()
    shared = _shared()
    if not shared:
        return
    fields = _take_local()
    if fields:
        client, key = shared
        try:
            with client.pipeline(transaction=False) as pipe:
                for field, count in fields.items():
                    pipe.hincrby(key, field, count)
                pipe.execute()
        except RedisError:
            # Redis does not answer (common/cache.py serves pages without it meanwhile):
            # the counts stay in this process until it does, or until the next flush
            # writes them to the database straight from here (_take_pending).
            _keep_local(fields)


def _take_pending():
    """What has been counted since the last flush, taken out of the cache atomically, as
    {(village_id, day): (views, scans)}."""
    shared = _shared()
    fields = Counter()
    if shared:
        _push()
        client, key = shared
        try:
            with client.pipeline(transaction=True) as pipe:
                raw, _ = pipe.hgetall(key).delete(key).execute()
            fields.update({field.decode(): int(count) for field, count in raw.items()})
        except RedisError:
            logger.warning("Redis does not answer: writing this process's visit counts only")
    # This process's counts not sent on to Redis (none, unless Redis is down or they came
    # in since the push above).
    fields.update(_take_local())
    counts = {}
    for field, count in fields.items():
        village_id, day, kind = field.split(":")
        row = int(village_id), datetime.date.fromisoformat(day)
        views, scans = counts.get(row, (0, 0))
        counts[row] = (views + count, scans) if kind == "views" else (views, scans + count)
    return counts


def forget_pending():
    """Drop the counts not yet written (for the tests: each starts with none)."""
    _take_pending()


def _put_back(counts):
    with _lock:
        for (village_id, day), (views, scans) in counts.items():
            _local[f"{village_id}:{day.isoformat()}:views"] += views
            _local[f"{village_id}:{day.isoformat()}:scans"] += scans
    _push()


def flush_visits():
    """Write the counts gathered in the cache to VillageVisitDay; return how many
    village-days were written. Counts of villages deleted meanwhile are dropped; if the
    database refuses (busy, down), the counts go back to the cache for the next flush."""
    counts = _take_pending()
    if not counts:
        return 0
    try:
        villages = VillageVisitDay._meta.get_field("village").related_model.objects
        known = set(villages.filter(pk__in={pk for pk, _ in counts}).values_list("pk", flat=True))
        counts = {(pk, day): count for (pk, day), count in counts.items() if pk in known}
        add_visits(counts)
    except DatabaseError:
        _put_back(counts)
        raise
    return len(counts)


def _flush_quietly():
    try:
        flush_visits()
    except Exception:
        # A count is not worth a crash: the next flush tries again.
        logger.warning("Could not write the visit counts", exc_info=True)


def _flush_every(seconds):
    """Send the counts on to Redis each PUSH_SECONDS (so that a quiet process does not
    keep them), and write them to the database each `seconds`."""
    stop, flushed_at = threading.Event(), time.monotonic()
    while not stop.wait(PUSH_SECONDS):
        if time.monotonic() - flushed_at < seconds:
            try:
                _push()
            except Exception:
                logger.warning("Could not send the visit counts to the cache", exc_info=True)
            continue
        flushed_at = time.monotonic()
        _flush_quietly()
        connection.close()  # this thread's own connection


def _start_flusher():
    """The process's flusher: a daemon thread started on the first count (in each
    process: gunicorn forks its workers), and a last flush when the process exits."""
    global _flusher_pid
    seconds = settings.VISIT_FLUSH_SECONDS
    if not seconds or _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    threading.Thread(target=_flush_every, args=[seconds], daemon=True, name="visits").start()
    atexit.register(_flush_quietly)


def month_start(day):
    return day.replace(day=1)


def views_this_month(village, today=None):
    """The village's page views since the first of this month (one query)."""
    today = today or timezone.localdate()
    total = village.visit_days.filter(day__gte=month_start(today)).aggregate(Sum("views"))
    return total["views__sum"] or 0


VIEWS_KEPT_SECONDS = 60


def views_this_month_kept(village):
    """views_this_month as the village page shows it: kept in the cache for a minute, so
    that a page rendered afresh makes no query for it. The number lags anyway: the counts
    reach the database every VISIT_FLUSH_SECONDS."""
    today = timezone.localdate()
    key = f"views-this-month:{village.pk}:{month_start(today).isoformat()}"
    views = caches["default"].get(key)
    if views is None:
        views = views_this_month(village, today)
        caches["default"].set(key, views, VIEWS_KEPT_SECONDS)
    return views


def last_months(today, count=12):
    """The first days of the `count` months up to today's, oldest first."""
    months = [month_start(today)]
    while len(months) < count:
        months.append(month_start(months[-1] - datetime.timedelta(days=1)))
    return months[::-1]


def monthly_counts(villages, months):
    """{(village_id, month's first day): (views, scans)} for the given months, one query."""
    rows = (
        VillageVisitDay.objects.filter(village__in=villages, day__gte=months[0])
        .annotate(month=TruncMonth("day"))
        .values("village_id", "month")
        .annotate(views=Sum("views"), scans=Sum("scans"))
        .order_by()
    )
    return {(row["village_id"], row["month"]): (row["views"], row["scans"]) for row in rows}


def seed_demo_visits(villages, today=None, days=120):
    """Plausible counts for the demo: a few dozen views a day, about a third from the sign.
    Days that already have a row are left as they are, so running it again changes nothing."""
    today = today or timezone.localdate()
    rows = []
    for village in villages:
        rng = random.Random(f"visits-{village.code}")
        for back in range(days):
            views = rng.randint(5, 60)
            rows.append(
                VillageVisitDay(
                    village=village,
                    day=today - datetime.timedelta(days=back),
                    views=views,
                    scans=rng.randint(0, views // 2),
                )
            )
    VillageVisitDay.objects.bulk_create(rows, ignore_conflicts=True)
