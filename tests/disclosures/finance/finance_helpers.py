"""Building published months and corrections with known entries, for the finance pages.

Entries of a published month cannot be added any more, so each helper adds the entries
first and publishes afterwards, through the real workflow (fingerprints included)."""

import datetime
from decimal import Decimal

from disclosures.models import Kind, LedgerCorrection, LedgerEntry
from tests import factories

INCOME, EXPENSE = Kind.INCOME, Kind.EXPENSE


def add_entry(month, day, voucher, description, kind, category, amount, correction=None):
    return LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=description,
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
        approved_by="韩兴和",
    )


def published_month(village, year, month, lines, opening="10000.00"):
    """lines: [(day, voucher, description, kind, category, amount)]."""
    ledger = factories.make_month(village, year, month, opening=opening, published=False)
    for line in lines:
        add_entry(ledger, *line)
    when = datetime.datetime(year, month, 28, tzinfo=datetime.UTC)
    return factories.publish(ledger, when=when)


def correction(month, reason, lines, *, published=True, when=None):
    """Adjusting entries to a published month. lines as for published_month; the day is
    of the corrected month."""
    item = LedgerCorrection.objects.create(ledger=month, reason=reason)
    for line in lines:
        add_entry(month, *line, correction=item)
    if published:
        factories.publish(item, when=when)
    return item
