from itertools import groupby

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from disclosures import generated
from disclosures.caching import finance_parts, public_village, public_village_page
from disclosures.finance import exports, opendata, photos, posters, tasks
from disclosures.finance.charts import year_charts
from disclosures.finance.models import LedgerEntry, LedgerMonth, ReceiptPhoto
from disclosures.finance.report import month_report, year_report
from disclosures.finance.tables import LEDGER_SORTS, LedgerEntryTable
from disclosures.opendata import json_response
from disclosures.publishing import mark_shown
from disclosures.questions.models import Question, public_questions

# What the public pages need of a month (status too: Publishable.from_db reads it).
LIST_FIELDS = ("id", "village_id", "status", "year", "month", "opening_balance", "published_at")
# The month body also names the reviewer and shows the fingerprint.
MONTH_FIELDS = (
    *LIST_FIELDS,
    "published_at",
    "fingerprint",
    "published_by__username",
    "opening_reason",
    "negative_balance_reason",
)
# ... and checks that fingerprint against what it shows (publishing.mark_shown).
MONTH_FIELDS += ("chain_position", "previous_fingerprint")
MONTH_FIELDS += ("published_by__first_name", "published_by__last_name")


def month_context(month, sort=None, entries=None):
    """The month body (finance/includes/_month.html): one query, the entries with those of the
    month's published corrections. Sorting sorts the loaded list."""
    report = month_report(month, entries)
    if entries is None:  # a draft's preview has no fingerprint to check
        mark_shown(report.shown_content())
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


def month_links(village, months):
    """[(year, [(month, url), ...]), ...] newest first, without a reverse() per link."""
    base = village.get_absolute_url()
    return [
        (year, [(m.month, f"{base}finance/{m.period_slug}/") for m in group])
        for year, group in groupby(months, lambda m: m.year)
    ]


def published_months(village):
    return village.ledger_months.published().select_related("published_by").only(*MONTH_FIELDS)


@public_village_page(query=LEDGER_SORTS)
def finance_month(request, village, period):
    year, month_number = period
    sort = request.GET.get("sort")
    finance = finance_parts(
        village,
        f"month:{year}-{month_number}:{sort}",
        lambda: month_page_html(village, year, month_number, sort),
    )
    if finance is None:
        return month_not_public(request, village, year, month_number)
    context = {
        "village": village,
        # Unsaved: it names the period in the title and the JSON twin's address.
        "month": LedgerMonth(village=village, year=year, month=month_number),
        "finance": finance,
    }
    return render(request, "disclosures/finance/month.html", context)


def month_page_html(village, year, month_number, sort):
    """The month page's content (a finance part), or None if the month is not public.
    Seven queries."""
    # Through the related manager, so month.village is the village already loaded.
    month = published_months(village).filter(year=year, month=month_number).first()
    if month is None:
        return None
    neighbours = list(
        village.ledger_months.published().values_list("year", "month").order_by("year", "month")
    )
    index = neighbours.index((year, month_number))
    context = {
        "village": village,
        "previous_period": neighbours[index - 1] if index > 0 else None,
        "next_period": neighbours[index + 1] if index + 1 < len(neighbours) else None,
        **month_context(month, sort),
    }
    return {"content": render_to_string("disclosures/finance/includes/_month_page.html", context)}


def month_not_public(request, village, year, month_number):
    """A month's address before the month is published (the current month's, typed from
    a calendar, or a draft's): a page that says so and links to the latest published
    month, answered 404 so that it is neither cached nor counted as a visit."""
    in_review = village.ledger_months.filter(year=year, month=month_number).exists() or (
        (year, month_number) >= current_period()
    )
    context = {
        "village": village,
        "year": year,
        "month_number": month_number,
        "in_review": in_review,
        "latest": published_months(village).order_by("-year", "-month").first(),
    }
    return render(request, "disclosures/finance/month_not_public.html", context, status=404)


def current_period():
    today = timezone.localdate()
    return today.year, today.month


@public_village_page
def finance_year(request, village, year):
    """Twelve months side by side, by category, the largest expenses, two charts."""
    finance = finance_parts(village, f"year:{year}", lambda: year_page_html(village, year))
    context = {"village": village, "year": year, "finance": finance}
    return render(request, "disclosures/finance/year.html", context)


def year_page_html(village, year):
    """The year page's content (a finance part). Two queries: the village's published
    months, the year's entries."""
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
    return {"content": render_to_string("disclosures/finance/includes/_year_page.html", context)}


@public_village_page
def entry_permalink(request, village, entry_id):
    """/v/<code>/entries/<id>/: the stable address of one line, for links and questions.
    Redirects to the line on its month's page, once that month (or the correction the
    line belongs to) is published."""
    entry = get_object_or_404(
        LedgerEntry.objects.published()
        .filter(ledger__village=village)
        .select_related("ledger")
        .only("id", "ledger__id", "ledger__status", "ledger__year", "ledger__month"),
        pk=entry_id,
    )
    month_url = f"{village.get_absolute_url()}finance/{entry.ledger.period_slug}/"
    return redirect(f"{month_url}#{entry.anchor}")


# Downloads of published months and years: .csv or .xlsx (exports.py).


@require_safe
def finance_month_export(request, code, period, fmt):
    village = public_village(code)
    year, number = period
    month = get_object_or_404(village.ledger_months.published(), year=year, month=number)
    return exports.month_download(village, month, fmt)


@require_safe
def finance_year_export(request, code, year, fmt):
    village = public_village(code)
    months = list(village.ledger_months.published().filter(year=year).order_by("month"))
    if not months:
        raise Http404("No published month in this year.")
    return exports.year_download(village, year, months, fmt)


@require_safe
def finance_month_json(request, code, period):
    """The month's JSON twin (opendata.py): four queries, the village, the month, its
    entries and their receipt photos."""
    village = public_village(code)
    year, number = period
    month = get_object_or_404(village.ledger_months.published(), year=year, month=number)
    return json_response(opendata.month_document(month))


@require_safe
def finance_year_json(request, code, year):
    """The year's JSON twin: three queries, the village, its months of the year, their
    entries."""
    village = public_village(code)
    months = list(village.ledger_months.published().filter(year=year).order_by("month"))
    if not months:
        raise Http404("No published month in this year.")
    report = year_report(village, year, months)
    return json_response(opendata.year_document(village, year, report))


# The notice-board poster (posters.py).


@require_safe
def month_poster(request, code, period):
    """/v/<code>/finance/<yyyy>-<mm>/poster.pdf[?size=a3]: public, published months only."""
    size = request.GET.get("size", "a4").lower()
    if size not in posters.SIZES:
        raise Http404("unknown poster size")
    village = public_village(code)
    year, month_number = period
    month = get_object_or_404(
        village.ledger_months.published().select_related("submitted_by", "published_by"),
        year=year,
        month=month_number,
    )
    etag = posters.poster_etag(month, size)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        # Made by the background worker (finance/tasks.py); until then a page that waits.
        response = generated.pdf_or_wait(
            request,
            tasks.poster_key(month, size, etag),
            tasks.poster_subject(month, size),
            f"{village.code}-{month.period_slug}-{size}.pdf",
            tasks.make_month_poster,
            month.pk,
            size,
        )
    if response.status_code in (200, 304):
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=posters.POSTER_MAX_AGE)
    return response


# Receipt photos of published entries (photos.py).


def _serve_receipt(request, code, token, field):
    photo = get_object_or_404(
        ReceiptPhoto.objects.published().only("token", "sha256", field),
        token=token,
        entry__ledger__village__code=code,
    )
    name = getattr(photo, field).name
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("receipt file missing") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["ETag"] = f'"{photo.sha256[:32]}-{field[0]}"'
    patch_cache_control(response, public=True, max_age=photos.PUBLIC_MAX_AGE, immutable=True)
    return response


@require_safe
def receipt_photo(request, code, token):
    """/v/<code>/receipts/<token>.jpg: the photo, if its entry's list is published."""
    return _serve_receipt(request, code, token, "image")


@require_safe
def receipt_thumbnail(request, code, token):
    """/v/<code>/receipts/<token>-thumb.jpg"""
    return _serve_receipt(request, code, token, "thumbnail")
