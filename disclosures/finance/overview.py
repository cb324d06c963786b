"""Which months of which villages are missing, draft, submitted, sent back or published."""

from django.utils import timezone

from disclosures.finance.models import LedgerMonth

MISSING = "missing"


def recent_periods(count=12, today=None):
    """The last `count` months up to the current one, oldest first, as (year, month)."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def ledger_overview(villages, periods=None):
    periods = periods or recent_periods()
    villages = list(villages.select_related("township"))
    first, last = periods[0], periods[-1]
    months = (
        LedgerMonth.objects.filter(village__in=villages)
        .filter(year__gte=first[0], year__lte=last[0])
        .only("id", "village_id", "year", "month", "status")
    )
    status_of = {(m.village_id, m.year, m.month): m for m in months}
    rows = []
    for village in villages:
        cells = []
        for year, month in periods:
            ledger = status_of.get((village.pk, year, month))
            cells.append(
                {
                    "year": year,
                    "month": month,
                    "ledger": ledger,
                    "status": ledger.status if ledger else MISSING,
                }
            )
        rows.append({"village": village, "cells": cells})
    return {"periods": periods, "rows": rows}
