"""What villagers see of a village's finances, computed from loaded entries.

The public pages load a month's (or a year's) entries in one query, together with the
entries of its published corrections, and compute everything else here in Python:
totals before and after the corrections, the breakdown by category, the twelve months of
a year, the largest expenses. So the number of queries never grows with the entries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils.dates import MONTHS_AP

from common.names import person_name
from disclosures.finance.models import (
    Kind,
    LedgerEntry,
    Summary,
    carried_opening,
    correction_shifts,
)

ZERO = Decimal("0")
LARGEST_EXPENSES = 10


def public_entries(ledger_ids):
    """The entries villagers may see of these published months: the original lines and
    the adjusting lines of published corrections, never those of a draft correction."""
    return LedgerEntry.objects.published().filter(ledger_id__in=ledger_ids)


def entry_permalink(village_code, entry_id):
    """/v/<code>/entries/<id>/: redirects to the entry on its month's page."""
    return reverse("disclosures:entry", kwargs={"code": village_code, "entry_id": entry_id})


def resolved_matter_ids(entries):
    """Ids of the major matters, among those the entries pay for, whose resolution is
    published. Entries from `LedgerEntry.objects.with_matter_resolution()` cost no query."""
    entries = list(entries)
    if all(hasattr(entry, "matter_resolved") for entry in entries):
        return {entry.major_matter_id for entry in entries if entry.matter_resolved}
    ids = {entry.major_matter_id for entry in entries if entry.major_matter_id}
    if not ids:
        return set()
    matters = LedgerEntry.major_matter.field.related_model.objects
    return set(matters.filter(pk__in=ids).resolved().values_list("pk", flat=True))


def unlinked_large_expenses(entries, township, resolved_matter_ids):
    """The expenses among `entries` (published ones: the caller's to ensure) at or above
    the township's major-matter threshold that are not linked to a matter whose
    resolution is published: spending that lacks a public decision record (四议两公开)."""
    threshold = township.major_matter_threshold
    return [
        entry
        for entry in entries
        if entry.kind == Kind.EXPENSE
        and entry.amount >= threshold
        and entry.major_matter_id not in resolved_matter_ids
    ]


# Breakdown by top-level category.


@dataclass
class BreakdownRow:
    category: object
    count: int = 0
    total: Decimal = ZERO
    share: Decimal | None = None


@dataclass
class Breakdown:
    kind: str
    rows: list
    total: Decimal

    @property
    def label(self):
        return Kind(self.kind).label


def category_breakdown(entries):
    """Income and expense by top-level category, largest first, with each one's share
    of its side in percent (one decimal). Adjusting entries count with their sign."""
    rows = defaultdict(dict)
    for entry in entries:
        top = entry.category.top_level
        row = rows[entry.kind].setdefault(top.pk, BreakdownRow(category=top))
        row.count += 1
        row.total += entry.amount
    breakdowns = []
    for kind in (Kind.INCOME, Kind.EXPENSE):
        kind_rows = sorted(
            rows[kind].values(),
            key=lambda row: (-row.total, row.category.position, row.category.name),
        )
        total = sum((row.total for row in kind_rows), ZERO)
        for row in kind_rows:
            if total > 0:
                row.share = (row.total * 100 / total).quantize(Decimal("0.1"))
        breakdowns.append(Breakdown(kind=kind, rows=kind_rows, total=total))
    return breakdowns


# One month.


@dataclass
class CorrectionReport:
    correction: object
    entries: list


@dataclass
class MonthReport:
    month: object
    entries: list  # the original lines, in ledger order, numbered
    corrections: list = field(default_factory=list)  # CorrectionReport, oldest first
    shifts: list = field(default_factory=list)  # the village's corrections (correction_shifts)

    @cached_property
    def adjusting_entries(self):
        return [entry for report in self.corrections for entry in report.entries]

    @cached_property
    def flagged_ids(self):
        """Ids of the expenses that reach the township's major-matter threshold without a
        published decision record (四议两公开): flagged on the page."""
        entries = self.entries + self.adjusting_entries
        township = self.month.village.township
        return {
            e.pk for e in unlinked_large_expenses(entries, township, resolved_matter_ids(entries))
        }

    @cached_property
    def summary(self):
        """The totals as the month was published."""
        return self.month.summarize(self.entries)

    @cached_property
    def carried_opening(self):
        """The opening balance after corrections to earlier months published since."""
        return carried_opening(self.month, self.shifts)

    @cached_property
    def corrected_summary(self):
        """The totals after every published correction, this month's and earlier ones'."""
        return Summary.of(self.carried_opening, self.entries + self.adjusting_entries)

    @cached_property
    def breakdown(self):
        """By category, after the corrections: where the money went in the end."""
        return category_breakdown(self.entries + self.adjusting_entries)

    @property
    def reviewer_name(self):
        return person_name(self.month.published_by)

    def shown_content(self):
        """[(the month or a correction, the canonical content of the lines shown)]: what
        the page's fingerprints are checked against."""
        return [(self.month, self.month.canonical_content(self.entries))] + [
            (item.correction, item.correction.canonical_content(item.entries))
            for item in self.corrections
        ]


def month_report(month, entries=None, related=()):
    """A published month with its published corrections: one query (the entries, with
    their category and correction loaded along, and the `related` relations). Select
    month.published_by along with the month to name the reviewer without a query.
    `entries` replaces the public lines for a draft's preview (staff only)."""
    entries = public_entries([month.pk]) if entries is None else entries
    entries = list(
        entries.with_matter_resolution()
        .select_related("category__parent", "correction__published_by", "major_matter", *related)
        .prefetch_related("photos")
    )
    report = MonthReport(
        month=month,
        entries=[e for e in entries if e.correction_id is None],
        shifts=correction_shifts(month.village_id),
    )
    for number, entry in enumerate(report.entries, start=1):
        entry.row_number = number
    by_correction = {}
    for entry in entries:
        if entry.correction_id is not None:
            by_correction.setdefault(entry.correction_id, []).append(entry)
    corrections = sorted(
        (group[0].correction for group in by_correction.values()),
        key=lambda c: (c.published_at, c.pk),
    )
    for correction in corrections:
        correction.ledger = month  # loaded already: its village names the chain
        correction.reviewer_name = person_name(correction.published_by)
        adjusting = by_correction[correction.pk]
        for number, entry in enumerate(adjusting, start=1):
            entry.row_number = number
        report.corrections.append(CorrectionReport(correction=correction, entries=adjusting))
    return report


# One year.


@dataclass
class MonthRow:
    number: int
    month: object = None  # None: not published
    summary: Summary | None = None
    corrected: bool = False
    url: str = ""

    @property
    def label(self):
        return MONTHS_AP[self.number]


@dataclass
class YearReport:
    year: int
    months: list  # twelve MonthRow
    entries: list  # every public entry of the year, adjusting ones included
    village_code: str = ""

    @cached_property
    def published_months(self):
        return [row for row in self.months if row.month]

    @cached_property
    def income(self):
        return sum((row.summary.income for row in self.published_months), ZERO)

    @cached_property
    def expense(self):
        return sum((row.summary.expense for row in self.published_months), ZERO)

    @cached_property
    def breakdown(self):
        return category_breakdown(self.entries)

    @cached_property
    def largest_expenses(self):
        """The year's largest expense lines, each with its permalink."""
        expenses = [e for e in self.entries if e.kind == Kind.EXPENSE and e.amount > 0]
        largest = sorted(expenses, key=lambda e: (-e.amount, e.date, e.pk))[:LARGEST_EXPENSES]
        for entry in largest:
            entry.permalink = entry_permalink(self.village_code, entry.pk)
        return largest


def year_report(village, year, months):
    """`months`: the village's published months of `year`. One query: their entries."""
    entries = list(public_entries([m.pk for m in months]).select_related("category__parent"))
    shifts = correction_shifts(village.pk)
    by_month = defaultdict(list)
    for entry in entries:
        by_month[entry.ledger_id].append(entry)
    published = {m.month: m for m in months}
    rows = []
    for number in range(1, 13):
        month = published.get(number)
        if month is None:
            rows.append(MonthRow(number=number))
            continue
        month_entries = by_month[month.pk]
        rows.append(
            MonthRow(
                number=number,
                month=month,
                summary=Summary.of(carried_opening(month, shifts), month_entries),
                corrected=any(e.correction_id for e in month_entries),
                url=reverse(
                    "disclosures:finance_month",
                    kwargs={"code": village.code, "period": (year, number)},
                ),
            )
        )
    return YearReport(year=year, months=rows, entries=entries, village_code=village.code)
