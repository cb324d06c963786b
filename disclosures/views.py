from itertools import groupby

from django.shortcuts import get_object_or_404, render

from disclosures.caching import public_village_page
from disclosures.tables import LedgerEntryTable


def _month_context(month):
    entries = list(month.original_entries().select_related("category__parent"))
    return {
        "month": month,
        "summary": month.summarize(entries),
        "table": LedgerEntryTable(entries),
    }


def _month_links(village, months):
    """[(year, [(month, url), ...]), ...] newest first, without a reverse() per link."""
    base = village.get_absolute_url()
    return [
        (year, [(m.month, f"{base}finance/{m.period_slug}/") for m in group])
        for year, group in groupby(months, lambda m: m.year)
    ]


@public_village_page
def village_page(request, village):
    """What a villager sees after scanning the sign: the latest published month in full
    and links to every earlier one. Three queries however long the history, one when the
    page is cached."""
    months = list(
        village.ledger_months.published()
        .only("id", "village_id", "year", "month", "opening_balance", "published_at")
        .order_by("-year", "-month")
    )
    context = {"village": village, "months_by_year": _month_links(village, months)}
    if months:
        context.update(_month_context(months[0]))
    return render(request, "disclosures/village.html", context)


@public_village_page
def finance_month(request, village, period):
    year, month_number = period
    # Through the related manager, so month.village is the village already loaded.
    month = get_object_or_404(village.ledger_months.published(), year=year, month=month_number)
    neighbours = list(
        village.ledger_months.published().values_list("year", "month").order_by("year", "month")
    )
    index = neighbours.index((year, month_number))
    context = {
        "village": village,
        "previous_period": neighbours[index - 1] if index > 0 else None,
        "next_period": neighbours[index + 1] if index + 1 < len(neighbours) else None,
        **_month_context(month),
    }
    return render(request, "disclosures/finance_month.html", context)
