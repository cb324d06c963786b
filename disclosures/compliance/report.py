"""Who discloses on time: every village × catalog item × period, as the township sees it.

Each periodic catalog item (monthly, quarterly, yearly) is due by its deadline
(CatalogItem.deadline_for). For every village, item and period in a range the status is:

- on time: published on or before the deadline;
- late: published after it;
- missing: the deadline has passed and nothing is published;
- not yet due: nothing published and the deadline is still ahead.

Items disclosed "when it happens" cannot be missed by the portal's knowledge: each of their
published disclosures counts, on time or late, and nothing else. The monthly finance list is
the catalog's `is_finance_list` item, counted from the published ledger months.

Days are compared in the local time zone (Beijing): a list published at 23:30 on the
deadline day is on time, one published at 00:30 the day after is late. The on-time rate is
on time / (on time + late + missing): what is not yet due does not count.

Everything is loaded in a fixed number of queries (villages, catalog items, published
disclosures in range, published ledger months in range) and built in Python, whatever
the number of villages and periods. `today` can be given, for tests and reports.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from disclosures.affairs.models import (
    CatalogItem,
    Disclosure,
    Module,
    add_months,
    period_label,
    period_start_of,
)
from disclosures.finance.models import LedgerMonth
from villages.models import Village

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
NOT_YET_DUE = "not_yet_due"

STATUS_LABELS = {
    ON_TIME: _("on time"),
    LATE: _("late"),
    MISSING: _("missing"),
    NOT_YET_DUE: _("not yet due"),
}
# The word a CSV or a screen reader gets; the colour is only ever an addition to it.
STATUSES = [ON_TIME, LATE, MISSING, NOT_YET_DUE]

MODULE_ORDER = {value: index for index, value in enumerate(Module.values)}


def local_today():
    """Today in Beijing: the clock of every count here (tests replace it)."""
    return timezone.localdate()


def default_range(today):
    """The last twelve months up to today: from the first day of the month eleven months
    back. Each item's periods are those holding a day of this range."""
    return add_months(today.replace(day=1), -11), today


def status_for(deadline, published_on, today):
    if published_on is not None:
        return ON_TIME if published_on <= deadline else LATE
    return MISSING if deadline < today else NOT_YET_DUE


def catalog_order(item):
    return (MODULE_ORDER.get(item.module, len(MODULE_ORDER)), item.position, item.name)


@dataclass
class Cell:
    """One village's one item for one period (or one event, for "when it happens" items)."""

    village_id: int
    item: CatalogItem
    period_start: datetime.date
    deadline: datetime.date
    published_on: datetime.date | None
    status: str

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def days_late(self):
        if self.status != LATE:
            return 0
        return (self.published_on - self.deadline).days

    @property
    def period_label(self):
        return period_label(self.item.frequency, self.period_start)

    @property
    def label(self):
        """三月财务, 2026年第三季度 农村低保对象名单: what the line is about."""
        if self.item.is_finance_list:
            return finance_label(self.period_start)
        return f"{self.period_label} {self.item.name}"

    @property
    def published_text(self):
        """4月5日公开."""
        if self.published_on is None:
            return ""
        day = self.published_on
        return _("published %(month)d/%(day)d") % {"month": day.month, "day": day.day}

    @property
    def status_text(self):
        """按时, 逾期 3 天, 缺失, 未到期."""
        if self.status == LATE:
            return ngettext("late by %(days)d day", "late by %(days)d days", self.days_late) % {
                "days": self.days_late
            }
        return str(self.status_label)

    @property
    def css_class(self):
        return {ON_TIME: "on-time", LATE: "late", MISSING: "late"}.get(self.status, "muted")


def finance_label(period_start):
    return pgettext("timeliness", "%(month)s finance") % {"month": MONTHS[period_start.month]}


@dataclass
class Tally:
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_yet_due: int = 0

    def add(self, status):
        setattr(self, status, getattr(self, status) + 1)

    def merge(self, other):
        for status in STATUSES:
            setattr(self, status, getattr(self, status) + getattr(other, status))

    @property
    def due(self):
        """What counts for the rate: everything whose deadline has come."""
        return self.on_time + self.late + self.missing

    @property
    def rate(self):
        """On time / (on time + late + missing), or None when nothing is due yet."""
        return self.on_time / self.due if self.due else None

    @property
    def percent(self):
        """The rate in whole percent, rounded half up; None when nothing is due yet."""
        if not self.due:
            return None
        return (200 * self.on_time + self.due) // (2 * self.due)

    @property
    def worst(self):
        for status in (MISSING, LATE, ON_TIME):
            if getattr(self, status):
                return status
        return NOT_YET_DUE


@dataclass
class VillageRow:
    village: Village
    cells: list = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    by_item: dict = field(default_factory=dict)
    # [(item, tally or None)] for the township's table, in its column order.
    columns: list = field(default_factory=list)

    def add(self, cell):
        self.cells.append(cell)
        self.tally.add(cell.status)
        self.by_item.setdefault(cell.item.pk, Tally()).add(cell.status)

    def item_tallies(self, items):
        """[(item, its tally or None)] in the order of `items`, for a table row."""
        return [(item, self.by_item.get(item.pk)) for item in items]

    def cells_by_item(self):
        """[(item, [cells])] in catalog order, for the village's own grid."""
        grouped = {}
        for cell in self.cells:
            grouped.setdefault(cell.item.pk, (cell.item, []))[1].append(cell)
        return sorted(grouped.values(), key=lambda pair: catalog_order(pair[0]))


@dataclass
class TownshipReport:
    township: object
    items: list
    rows: list
    tally: Tally
    first_day: datetime.date
    last_day: datetime.date
    today: datetime.date
    item_totals: list = field(default_factory=list)


SORTS = {
    "code": lambda row: (row.village.code,),
    "name": lambda row: (row.village.name, row.village.code),
    # Lowest rate first; villages with nothing due yet last either way.
    "rate": lambda row: (row.tally.rate is None, row.tally.rate or 0, row.village.code),
    "-rate": lambda row: (row.tally.rate is None, -(row.tally.rate or 0), row.village.code),
    "missing": lambda row: (-row.tally.missing, row.village.code),
    "late": lambda row: (-row.tally.late, row.village.code),
}


def sort_rows(rows, sort):
    return sorted(rows, key=SORTS.get(sort, SORTS["code"]))


# Loading: one query each, whatever the number of villages and periods.


def applicable_items(township_ids):
    """The standard catalog and these townships' own items, in catalog order."""
    items = CatalogItem.objects.filter(Q(township__isnull=True) | Q(township__in=township_ids))
    return sorted(items, key=catalog_order)


def earliest_period(items, first_day):
    starts = [period_start_of(first_day, item.frequency) for item in items]
    return min(starts, default=first_day)


def _local_day(moment):
    return timezone.localdate(moment) if moment else None


def published_disclosures(villages, items, first_day, last_day):
    """[(village id, item id, period start, published at)] of the range: one query."""
    rows = (
        Disclosure.objects.published()
        .filter(
            village__in=villages,
            item__in=[item.pk for item in items if not item.is_finance_list],
            period_start__gte=earliest_period(items, first_day),
            period_start__lte=last_day,
        )
        .values_list("village_id", "item_id", "period_start", "published_at")
        # Unordered: the model's order joins the villages to sort by their code.
        .order_by()
    )
    return list(rows)


def published_months(villages, first_day, last_day):
    """[(village id, first day of the month, published at)] of the range: one query."""
    rows = (
        LedgerMonth.objects.published()
        .filter(village__in=villages, year__gte=first_day.year, year__lte=last_day.year)
        .values_list("village_id", "year", "month", "published_at")
        .order_by()
    )
    first = first_day.replace(day=1)
    return [
        (village_id, datetime.date(year, month, 1), published_at)
        for village_id, year, month, published_at in rows
        if first <= datetime.date(year, month, 1) <= last_day
    ]


def village_records(village, items, first_day, last_day):
    """Both of the above for one village in a single query (a UNION): the village page
    spends one query on the catalog and one on this."""
    no_item = Value(None, output_field=IntegerField())
    disclosures = (
        Disclosure.objects.published()
        .filter(
            village=village,
            item__in=[item.pk for item in items if not item.is_finance_list],
            period_start__gte=earliest_period(items, first_day),
            period_start__lte=last_day,
        )
        .annotate(
            r_item=F("item_id"),
            r_year=ExtractYear("period_start"),
            r_month=ExtractMonth("period_start"),
            r_day=ExtractDay("period_start"),
            r_at=F("published_at"),
        )
        .values_list("r_item", "r_year", "r_month", "r_day", "r_at")
        .order_by()
    )
    months = (
        LedgerMonth.objects.published()
        .filter(village=village, year__gte=first_day.year, year__lte=last_day.year)
        .annotate(
            r_item=no_item,
            r_year=F("year"),
            r_month=F("month"),
            r_day=Value(1, output_field=IntegerField()),
            r_at=F("published_at"),
        )
        .values_list("r_item", "r_year", "r_month", "r_day", "r_at")
        .order_by()
    )
    disclosure_rows, month_rows = [], []
    first = first_day.replace(day=1)
    for item_id, year, month, day, published_at in disclosures.union(months, all=True):
        start = datetime.date(int(year), int(month), int(day))
        if item_id is None:
            if first <= start <= last_day:
                month_rows.append((village.pk, start, published_at))
        else:
            disclosure_rows.append((village.pk, item_id, start, published_at))
    return disclosure_rows, month_rows


# Building the grid: plain Python over what was loaded.


def build_rows(villages, items, disclosure_rows, month_rows, first_day, last_day, today):
    """A VillageRow per village, its cells in catalog order then period order."""
    first_publication = {}
    events = {}
    event_items = {item.pk for item in items if not item.is_periodic}
    for village_id, item_id, start, published_at in disclosure_rows:
        published_on = _local_day(published_at)
        if published_on is None or published_on > today:
            continue  # Not yet published by the clock's today.
        if item_id in event_items:
            if first_day <= start <= last_day:
                events.setdefault((village_id, item_id), []).append((start, published_on))
            continue
        key = (village_id, item_id, start)
        # A period disclosed twice: the first publication decides.
        if key not in first_publication or published_on < first_publication[key]:
            first_publication[key] = published_on
    finance_items = [item.pk for item in items if item.is_finance_list]
    for village_id, start, published_at in month_rows:
        published_on = _local_day(published_at)
        if published_on is None or published_on > today:
            continue
        for item_id in finance_items:
            first_publication[(village_id, item_id, start)] = published_on

    periods = {item.pk: item.periods_between(first_day, last_day) for item in items}
    rows = []
    for village in villages:
        row = VillageRow(village=village)
        for item in items:
            if item.township_id not in (None, village.township_id):
                continue
            if not item.is_periodic:
                for start, published_on in sorted(events.get((village.pk, item.pk), [])):
                    deadline = item.deadline_for(start)
                    status = ON_TIME if published_on <= deadline else LATE
                    row.add(Cell(village.pk, item, start, deadline, published_on, status))
                continue
            for start in periods[item.pk]:
                deadline = item.deadline_for(start)
                published_on = first_publication.get((village.pk, item.pk, start))
                status = status_for(deadline, published_on, today)
                row.add(Cell(village.pk, item, start, deadline, published_on, status))
        rows.append(row)
    return rows


def township_reports(townships, first_day=None, last_day=None, today=None, sort=None):
    """A TownshipReport per township: villages × items × periods, with rates.

    Four queries for any number of townships, villages and periods (five if `townships`
    is a queryset not yet evaluated)."""
    today = today or local_today()
    default_first, default_last = default_range(today)
    first_day = first_day or default_first
    last_day = last_day or default_last
    townships = list(townships)
    villages = list(
        Village.objects.filter(township__in=townships).select_related("township").order_by("code")
    )
    items = applicable_items([township.pk for township in townships])
    village_ids = [village.pk for village in villages]
    disclosure_rows = published_disclosures(village_ids, items, first_day, last_day)
    month_rows = (
        published_months(village_ids, first_day, last_day)
        if any(item.is_finance_list for item in items)
        else []
    )
    rows = build_rows(villages, items, disclosure_rows, month_rows, first_day, last_day, today)
    reports = []
    for township in townships:
        township_rows = [row for row in rows if row.village.township_id == township.pk]
        tally = Tally()
        by_item = {}
        for row in township_rows:
            tally.merge(row.tally)
            for item_id, item_tally in row.by_item.items():
                by_item.setdefault(item_id, Tally()).merge(item_tally)
        # Columns: the items with anything to count (an event item once published).
        columns = [item for item in items if item.pk in by_item]
        for row in township_rows:
            row.columns = row.item_tallies(columns)
        reports.append(
            TownshipReport(
                township=township,
                items=columns,
                rows=sort_rows(township_rows, sort),
                tally=tally,
                first_day=first_day,
                last_day=last_day,
                today=today,
                item_totals=[(item, by_item[item.pk]) for item in columns],
            )
        )
    return reports


def township_report(township, **kwargs):
    return township_reports([township], **kwargs)[0]


def village_row(village, first_day=None, last_day=None, today=None):
    """One village's cells and tally (for the township's detail page): three queries."""
    today = today or local_today()
    default_first, default_last = default_range(today)
    first_day = first_day or default_first
    last_day = last_day or default_last
    items = applicable_items([village.township_id])
    disclosure_rows, month_rows = village_records(village, items, first_day, last_day)
    return build_rows([village], items, disclosure_rows, month_rows, first_day, last_day, today)[0]


@dataclass
class VillageTimeliness:
    lines: list
    tally: Tally
    first_day: datetime.date


def village_timeliness(village, today=None, count=5):
    """What the village page says of the village's own timeliness: the latest decided
    period of each item (newest deadline first, at most `count`), as lines like
    "三月财务 4月5日公开 · 按时", and the on-time rate of the last twelve months.

    Two queries: the catalog, and the published disclosures and months (one UNION)."""
    today = today or local_today()
    row = village_row(village, today=today)
    latest = {}
    for cell in row.cells:
        if cell.status == NOT_YET_DUE:
            continue
        known = latest.get(cell.item.pk)
        if known is None or cell.deadline > known.deadline:
            latest[cell.item.pk] = cell
    lines = sorted(
        latest.values(),
        key=lambda cell: (-cell.deadline.toordinal(), catalog_order(cell.item)),
    )[:count]
    return VillageTimeliness(lines=lines, tally=row.tally, first_day=default_range(today)[0])
