"""The notice-board poster (公开栏): a published month as a printable A4 or A3 PDF.

Villages post the month on the board outside the committee office as well as online. The
poster carries everything the public page does: the summary, every original entry with its
amount in figures and in capital numerals (大写), the published corrections with their
reason and date, the totals before and after, who reviewed it, the fingerprint, and a QR
code to the same month online. It is always printed in Chinese.

It depends only on published content, which never changes: a village's poster is cached
until the village publishes again (its public_version), like the public pages.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from disclosures.models import LedgerEntry, Summary
from disclosures.money import capital_yuan
from villages.models import Village
from villages.pdf import render_pdf
from villages.qr import qr_png_data_uri
from villages.visits import SCAN_MARKER

SIZES = {"a4": "A4", "a3": "A3"}
POSTER_CACHE_SECONDS = 24 * 3600
# Browsers and proxies may keep a poster this long; a correction published meanwhile
# shows up at the latest after that (the server-side cache is renewed at once).
POSTER_MAX_AGE = 300


def _css_string(text):
    """A CSS string literal, safe inside <style>: no quote, backslash or tag can end it."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + re.sub(r"\s", " ", escaped) + '"'


def page_counter_css():
    """The CSS `content` of the page-number margin box, in the active language:
    "第 " counter(page) " 页 / 共 " counter(pages) " 页"."""
    # Translators: keep {page} and {pages}; the PDF fills them with the page numbers.
    label = pgettext("poster", "Page {page} of {pages}")
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def _rows(entries):
    return [
        {
            "entry": entry,
            "capital": capital_yuan(entry.amount),
            "category": entry.category.full_name,
            "funding_source": entry.get_funding_source_display(),
        }
        for entry in entries
    ]


def _person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def poster_context(month, size="a4"):
    """Everything the template prints, with the queries done here: the month's entries
    and the published corrections with their entries (four queries)."""
    village = month.village
    entries = list(
        month.original_entries()
        .select_related("category__parent")
        .order_by("date", "voucher_number", "pk")
    )
    corrections = list(
        month.corrections.published()
        .select_related("published_by", "submitted_by")
        .order_by("published_at", "pk")
    )
    adjusting = LedgerEntry.objects.filter(correction__in=corrections).select_related(
        "category__parent"
    )
    by_correction = {}
    for entry in adjusting.order_by("date", "voucher_number", "pk"):
        by_correction.setdefault(entry.correction_id, []).append(entry)
    before = month.summarize(entries)
    title = pgettext("poster", "%(village)s %(year)d-%(month)d finance disclosure") % {
        "village": village.name,
        "year": month.year,
        "month": month.month,
    }
    district = village.township.district
    all_adjusting = [entry for entries_ in by_correction.values() for entry in entries_]
    after = Summary.of(month.opening_balance, [*entries, *all_adjusting])
    return {
        "size": size,
        "page_size": SIZES[size],
        "title": title,
        "running_title": _css_string(title),
        "running_places": _css_string(
            f"{district.city}{district.name} · {village.township.name} · {village.name}"
        ),
        "running_fingerprint": _css_string(
            pgettext("poster", "Fingerprint %(short)s") % {"short": month.short_fingerprint}
        ),
        "page_counter": page_counter_css(),
        "month": month,
        "village": village,
        "township": village.township,
        "district": district,
        "rows": _rows(entries),
        "entries_caption": pgettext("poster", "Entries"),
        "entries_empty": pgettext("poster", "No income or expense this month."),
        "summary": before,
        "summary_capital": {
            "opening": capital_yuan(before.opening),
            "income": capital_yuan(before.income),
            "expense": capital_yuan(before.expense),
            "closing": capital_yuan(before.closing),
        },
        "corrections": [
            {
                "correction": correction,
                "rows": _rows(by_correction.get(correction.pk, [])),
                "published_by": _person(correction.published_by),
            }
            for correction in corrections
        ],
        "after": after if corrections else None,
        "submitted_by": _person(month.submitted_by),
        "published_by": _person(month.published_by),
        "url": settings.PUBLIC_BASE_URL + month.get_absolute_url(),
    }


def render_month_poster(month, size="a4"):
    """The poster of a published month as PDF bytes; size "a4" (portrait) or "a3"."""
    if size not in SIZES:
        raise ValueError(f"unknown poster size {size!r}")
    if not month.is_published:
        raise ValueError("only a published month is posted")
    with translation.override("zh-hans"):
        context = poster_context(month, size)
        # Scanning the board's code counts as a scan, like the sign's; the printed text
        # stays the clean address, for typing.
        context["qr"] = qr_png_data_uri(f"{context['url']}?{SCAN_MARKER}")
        return render_pdf("disclosures/poster.html", context)


def poster_etag(month, size):
    """Changes when the published content does: the month, a new correction, or the
    village's public version (bumped on every publication)."""
    fingerprints = month.corrections.published().order_by("pk").values_list("fingerprint")
    content = "|".join(
        [month.fingerprint, size, str(month.village.public_version)]
        + [fingerprint for (fingerprint,) in fingerprints]
    )
    return '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'


@require_safe
def month_poster(request, code, period):
    """/v/<code>/finance/<yyyy>-<mm>/poster.pdf[?size=a3]: public, published months only."""
    size = request.GET.get("size", "a4").lower()
    if size not in SIZES:
        raise Http404("unknown poster size")
    village = get_object_or_404(Village.objects.with_places(), code=code)
    year, month_number = period
    month = get_object_or_404(
        village.ledger_months.published().select_related("submitted_by", "published_by"),
        year=year,
        month=month_number,
    )
    etag = poster_etag(month, size)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        key = f"poster:{village.pk}:{village.public_version}:{month.pk}:{size}"
        pdf = cache.get(key)
        if pdf is None:
            pdf = render_month_poster(month, size)
            cache.set(key, pdf, POSTER_CACHE_SECONDS)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{village.code}-{month.period_slug}-{size}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=POSTER_MAX_AGE)
    return response
