"""How often each village's public pages are opened: counts per day, nothing else.

A row holds a village, a day (Beijing time) and two numbers: page views, and scans of a
printed QR code (the sign or the notice-board poster, which encode the page's address
with SCAN_MARKER). No IP address, user agent, cookie, path or time of day is stored,
so nothing here can tell one villager from another.

Counting happens in disclosures/caching.py, which decides what a view is.
"""

import datetime
import random

from django.db import connection, models
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Printed QR codes open the page at ?qr: short, so the code stays small. The page counts
# a scan and redirects to the clean address, where the view is counted like any other.


class VillageVisitDay(models.Model):
    village = models.ForeignKey(
        "villages.Village",
        on_delete=models.CASCADE,
        related_name="visit_days",
        verbose_name=_("village"),
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
    """Count one page view, or one scan, for the village today (Beijing time).

    One statement, atomic in the database: INSERT ... ON CONFLICT DO UPDATE adds one to
    the day's row, creating it if it is the first visit of the day. Two processes counting
    the first visit of a day at once cannot lose a count or fail on the unique constraint,
    as an UPDATE-then-INSERT would between its two statements. SQLite (3.24+) and
    PostgreSQL (9.5+) share this syntax.
    """
    day = day or timezone.localdate()
    meta = VillageVisitDay._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    village_id, day_column, views, scans = (
        quote(meta.get_field(name).column) for name in ("village", "day", "views", "scans")
    )
    counted = scans if scan else views
    sql = (
        f"INSERT INTO {table} ({village_id}, {day_column}, {views}, {scans}) "
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({village_id}, {day_column}) "
        f"DO UPDATE SET {counted} = {table}.{counted} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [village.pk, day, 0 if scan else 1, 1 if scan else 0])


def month_start(day):
    return day.replace(day=1)


def views_this_month(village, today=None):
    """The village's page views since the first of this month (one query)."""
    today = today or timezone.localdate()
    total = village.visit_days.filter(day__gte=month_start(today)).aggregate(Sum("views"))
    return total["views__sum"] or 0


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
