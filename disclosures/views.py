from itertools import groupby

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from disclosures.affairs_public import module_summaries
from disclosures.caching import public_village_page
from disclosures.charts import year_charts
from disclosures.compliance import village_timeliness
from disclosures.finance import month_report, year_report
from disclosures.models import LedgerEntry
from disclosures.publishing import Status
from disclosures.questions import Question, QuestionRecord, public_questions
from disclosures.tables import LedgerEntryTable
from villages.visits import views_this_month

# What the public pages need of a month (status too: Publishable.from_db reads it).
LIST_FIELDS = ("id", "village_id", "status", "year", "month", "opening_balance")
# The month body also names the reviewer and shows the fingerprint.
MONTH_FIELDS = (*LIST_FIELDS, "published_at", "fingerprint", "published_by__username")
MONTH_FIELDS += ("published_by__first_name", "published_by__last_name")


def _month_context(month, sort=None):
    """The month body (includes/_month.html): one query, the entries with those of the
    month's published corrections. Sorting sorts the loaded list."""
    report = month_report(month)
    questions = list(public_questions(Question.objects.filter(entry__ledger=month)))
    row_context = {
        "village_code": month.village.code,
        "flagged_ids": report.flagged_ids,
        "asked_ids": {q.entry_id for q in questions if not q.is_hidden},
    }
    return {
        "questions": questions,
        "month": month,
        "report": report,
        "summary": report.summary,
        "table": LedgerEntryTable(list(report.entries), order_by=sort, **row_context),
        "correction_tables": [
            (
                item.correction,
                LedgerEntryTable(
                    item.entries,
                    orderable=False,
                    attrs={"class": "ledger adjustments"},
                    **row_context,
                ),
            )
            for item in report.corrections
        ],
    }


def _month_links(village, months):
    """[(year, [(month, url), ...]), ...] newest first, without a reverse() per link."""
    base = village.get_absolute_url()
    return [
        (year, [(m.month, f"{base}finance/{m.period_slug}/") for m in group])
        for year, group in groupby(months, lambda m: m.year)
    ]


def _published_months(village):
    return village.ledger_months.published().select_related("published_by").only(*MONTH_FIELDS)


@public_village_page
def village_page(request, village):
    """What a villager sees after scanning the sign: the latest published month in full,
    links to every earlier month and year, and the latest disclosures of each module.
    A fixed number of queries however long the history, one when the page is cached
    (and the visit count's one write, disclosures/caching.py)."""
    months = list(_published_months(village).order_by("-year", "-month"))
    context = {
        "village": village,
        "months_by_year": _month_links(village, months),
        "modules": module_summaries(village),
        "timeliness": village_timeliness(village),
        # Rendered into the cached page: the number may lag by up to PUBLIC_PAGE_SECONDS.
        "views_this_month": views_this_month(village),
        "question_record": QuestionRecord.for_village(village),
    }
    if months:
        context.update(_month_context(months[0], request.GET.get("sort")))
    return render(request, "disclosures/village.html", context)


@public_village_page
def finance_month(request, village, period):
    year, month_number = period
    # Through the related manager, so month.village is the village already loaded.
    month = get_object_or_404(_published_months(village), year=year, month=month_number)
    neighbours = list(
        village.ledger_months.published().values_list("year", "month").order_by("year", "month")
    )
    index = neighbours.index((year, month_number))
    context = {
        "village": village,
        "previous_period": neighbours[index - 1] if index > 0 else None,
        "next_period": neighbours[index + 1] if index + 1 < len(neighbours) else None,
        **_month_context(month, request.GET.get("sort")),
    }
    return render(request, "disclosures/finance_month.html", context)


@public_village_page
def finance_year(request, village, year):
    """Twelve months side by side, by category, the largest expenses, two charts.
    Three queries: the village, its published months, the year's entries."""
    months = list(village.ledger_months.published().only(*LIST_FIELDS).order_by("year", "month"))
    years = sorted({m.year for m in months})
    if year not in years:
        raise Http404("No published month in this year.")
    report = year_report(village, year, [m for m in months if m.year == year])
    index = years.index(year)
    context = {
        "village": village,
        "year": year,
        "report": report,
        "previous_year": years[index - 1] if index > 0 else None,
        "next_year": years[index + 1] if index + 1 < len(years) else None,
        **year_charts(report),
    }
    return render(request, "disclosures/finance_year.html", context)


@public_village_page
def entry_permalink(request, village, entry_id):
    """/v/<code>/entries/<id>/: the stable address of one line, for links and questions.
    Redirects to the line on its month's page, once that month (or the correction the
    line belongs to) is published."""
    entry = get_object_or_404(
        LedgerEntry.objects.published_parent()
        .filter(ledger__village=village, ledger__status=Status.PUBLISHED)
        .select_related("ledger")
        .only("id", "ledger__id", "ledger__status", "ledger__year", "ledger__month"),
        pk=entry_id,
    )
    month_url = f"{village.get_absolute_url()}finance/{entry.ledger.period_slug}/"
    return redirect(f"{month_url}#{entry.anchor}")
