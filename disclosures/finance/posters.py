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

from django.utils import translation
from django.utils.translation import pgettext

from common.names import person_name
from common.pdf import css_string, page_counter_css, render_pdf
from common.qr import public_url, qr_png_data_uri, scan_url
from disclosures.finance.models import LedgerEntry, Summary, carried_opening, correction_shifts
from disclosures.finance.report import resolved_matter_ids, unlinked_large_expenses
from disclosures.money import capital_yuan
from disclosures.publishing import mark_shown

SIZES = {"a4": "A4", "a3": "A3"}
POSTER_CACHE_SECONDS = 24 * 3600
# Browsers and proxies may keep a poster this long; a correction published meanwhile
# shows up at the latest after that (the server-side cache is renewed at once).
POSTER_MAX_AGE = 300


def _rows(entries, flagged_ids=frozenset()):
    return [
        {
            "entry": entry,
            "capital": capital_yuan(entry.amount),
            "category": entry.category.full_name,
            "funding_source": entry.get_funding_source_display(),
            "flagged": entry.pk in flagged_ids,
        }
        for entry in entries
    ]


def poster_context(month, size="a4"):
    """Everything the template prints, with the queries done here: the month's entries
    and the published corrections with their entries (four queries)."""
    village = month.village
    entries = list(
        month.original_entries()
        .with_matter_resolution()
        .select_related("category__parent", "major_matter", "contract")
        .prefetch_related("photos")
        .order_by("date", "voucher_number", "pk")
    )
    corrections = list(
        month.corrections.published()
        .select_related("published_by", "submitted_by")
        .order_by("published_at", "pk")
    )
    adjusting = (
        LedgerEntry.objects.filter(correction__in=corrections)
        .with_matter_resolution()
        .select_related("category__parent", "major_matter", "contract")
        .prefetch_related("photos")
    )
    by_correction = {}
    for entry in adjusting.order_by("date", "voucher_number", "pk"):
        by_correction.setdefault(entry.correction_id, []).append(entry)
    for correction in corrections:
        correction.ledger = month  # loaded already: its village names the chain
    # The poster shows a fingerprint only while it still matches what is printed.
    mark_shown(
        [(month, month.canonical_content(entries))]
        + [(c, c.canonical_content(by_correction.get(c.pk, []))) for c in corrections]
    )
    before = month.summarize(entries)
    title = pgettext("poster", "%(village)s %(year)d-%(month)d finance disclosure") % {
        "village": village.name,
        "year": month.year,
        "month": month.month,
    }
    district = village.township.district
    all_adjusting = [entry for entries_ in by_correction.values() for entry in entries_]
    # Large expenses without a published decision (四议两公开), flagged as on the web page.
    flagged_ids = {
        entry.pk
        for entry in unlinked_large_expenses(
            [*entries, *all_adjusting],
            village.township,
            resolved_matter_ids([*entries, *all_adjusting]),
        )
    }
    # Corrections to earlier months published since carry into this month's balances.
    opening = carried_opening(month, correction_shifts(village.pk))
    after = Summary.of(opening, [*entries, *all_adjusting])
    return {
        "size": size,
        "page_size": SIZES[size],
        "title": title,
        "running_title": css_string(title),
        "running_places": css_string(
            f"{district.city}{district.name} · {village.township.name} · {village.name}"
        ),
        "running_fingerprint": css_string(
            pgettext("poster", "Fingerprint %(short)s") % {"short": month.short_fingerprint}
            if not month.fingerprint_broken
            else pgettext("poster", "Warning: the fingerprint no longer matches")
        ),
        # Translators: keep {page} and {pages}; the PDF fills them with the page numbers.
        "page_counter": page_counter_css(pgettext("poster", "Page {page} of {pages}")),
        "month": month,
        "village": village,
        "township": village.township,
        "district": district,
        "rows": _rows(entries, flagged_ids),
        "flagged_count": len(flagged_ids),
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
                "rows": _rows(by_correction.get(correction.pk, []), flagged_ids),
                "published_by": person_name(correction.published_by),
            }
            for correction in corrections
        ],
        "after": after if corrections or after.opening != before.opening else None,
        "carried_opening": opening,
        "submitted_by": person_name(month.submitted_by),
        "published_by": person_name(month.published_by),
        "url": public_url(month.get_absolute_url()),
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
        context["qr"] = qr_png_data_uri(scan_url(month.get_absolute_url()))
        return render_pdf("disclosures/finance/poster.html", context)


def poster_etag(month, size):
    """Changes when the published content does: the month, a new correction, or the
    village's public version (bumped on every publication)."""
    fingerprints = month.corrections.published().order_by("pk").values_list("fingerprint")
    content = "|".join(
        [month.fingerprint, size, str(month.village.public_version)]
        + [fingerprint for (fingerprint,) in fingerprints]
    )
    return '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'
