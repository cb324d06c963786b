from itertools import groupby

from django.shortcuts import get_object_or_404, render

from disclosures.tables import LedgerEntryTable
from villages.models import Village


def _get_public_village(code):
    return get_object_or_404(Village.objects.with_places(), code=code)


def _month_context(month):
    entries = list(month.entries.select_related("category"))
    return {
        "month": month,
        "summary": month.summarize(entries),
        "table": LedgerEntryTable(entries),
    }


def village_page(request, code):
    """What a villager sees after scanning the sign: the latest published month in full
    and links to every earlier one. Four queries however long the history."""
    village = _get_public_village(code)
    months = list(
        village.ledger_months.published()
        .only("id", "village_id", "year", "month", "opening_balance", "published_at")
        .order_by("-year", "-month")
    )
    context = {
        "village": village,
        "months_by_year": [
            (year, list(group)) for year, group in groupby(months, lambda m: m.year)
        ],
    }
    if months:
        context.update(_month_context(months[0]))
    return render(request, "disclosures/village.html", context)


def finance_month(request, code, period):
    year, month_number = period
    village = _get_public_village(code)
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
