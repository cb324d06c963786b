"""The small and micro power lists (小微权力清单) as villagers see them.

/v/<code>/powers/ lists what applies in the village: the district's template, the
township's items and the village's own, positive list first. /v/<code>/powers/<pk>/
shows one positive item with its process drawn as a flowchart (HTML and CSS, no
JavaScript). /v/<code>/powers/booklet.pdf prints the whole list.

Caching: the lists have no review step, so saving an item or a step bumps the public
version of every village it applies to (PowerItem.refresh_public_pages, from a signal in
disclosures/powers/models.py). The ordinary public_village_page cache then serves these pages
like any other: one version per village, one mechanism, and a power list edited a few
times a year costs the village's other cached pages nothing worth counting.
"""

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.pdf import css_string, page_counter_css, render_pdf
from disclosures.caching import public_village, public_village_page
from disclosures.powers.models import DisciplineArea, ListKind, PowerItem, PowerStep

BOOKLET_SECONDS = 24 * 60 * 60


def _sort_key(item):
    # Positive list first; within a list by number, the district's before local items.
    level = 2 if item.village_id else 1 if item.township_id else 0
    return (item.kind != ListKind.POSITIVE, item.number, level, item.pk)


def village_power_items(village, *, with_steps=False):
    """(positive, negative) items that apply in the village, each sorted for reading."""
    items = PowerItem.objects.for_village(village)
    if with_steps:
        items = items.prefetch_related(
            Prefetch("steps", queryset=PowerStep.objects.order_by("order"))
        )
    items = sorted(items, key=_sort_key)
    positive = [item for item in items if item.kind == ListKind.POSITIVE]
    negative = [item for item in items if item.kind == ListKind.NEGATIVE]
    return positive, negative


def _discipline_counts(items):
    return {
        "party": sum(item.discipline == DisciplineArea.PARTY for item in items),
        "village": sum(item.discipline == DisciplineArea.VILLAGE for item in items),
    }


@public_village_page
def power_list(request, village):
    """Both lists, item by item. Two queries however many items, one when cached."""
    positive, negative = village_power_items(village)
    base = reverse("disclosures:powers", args=[village.code])
    for item in positive:
        item.url = f"{base}{item.pk}/"
    context = {
        "village": village,
        "positive": positive,
        "negative": negative,
        "counts": _discipline_counts(positive),
        "booklet_url": f"{base}booklet.pdf",
    }
    return render(request, "disclosures/powers/list.html", context)


@public_village_page
def power_item(request, village, pk):
    """One positive item and its flowchart. Three queries, one when cached."""
    items = PowerItem.objects.for_village(village).filter(kind=ListKind.POSITIVE)
    item = get_object_or_404(
        items.prefetch_related(Prefetch("steps", queryset=PowerStep.objects.order_by("order"))),
        pk=pk,
    )
    context = {
        "village": village,
        "item": item,
        "list_url": reverse("disclosures:powers", args=[village.code]),
    }
    return render(request, "disclosures/powers/item.html", context)


def render_booklet(village, printed_on=None):
    """The village's whole power list as an A4 PDF booklet, always in Chinese: it is
    printed for the village's notice board and meetings."""
    printed_on = printed_on or timezone.localdate()
    positive, negative = village_power_items(village, with_steps=True)
    with translation.override("zh-hans"):
        context = {
            "village": village,
            "positive": positive,
            "negative": negative,
            "counts": _discipline_counts(positive),
            "printed_on": printed_on,
            "page_counter": page_counter_css(pgettext("poster", "Page {page} of {pages}")),
            "running_title": css_string(f"{village.name} · {_('Small and micro power lists')}"),
        }
        return render_pdf("disclosures/powers/booklet.html", context)


def power_booklet(request, code):
    """The booklet as a download. Rendering takes seconds, so the PDF is cached per
    village, public version and day (not by public_village_page, which keeps HTML)."""
    village = public_village(code)
    today = timezone.localdate()
    key = f"power-booklet:{village.pk}:{village.public_version}:{today:%Y%m%d}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_booklet(village, printed_on=today)
        cache.set(key, pdf, BOOKLET_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{village.code}-powers-{today:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
