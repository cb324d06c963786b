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

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from disclosures import generated
from disclosures.caching import public_village, public_village_page
from disclosures.powers import tasks
from disclosures.powers.booklet import discipline_counts, village_power_items
from disclosures.powers.models import ListKind, PowerItem, PowerStep


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
        "counts": discipline_counts(positive),
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


def power_booklet(request, code):
    """The booklet as a download, made by the background worker (powers/tasks.py) once
    per village, public version and day; until then a page that reloads itself."""
    village = public_village(code)
    today = timezone.localdate()
    return generated.pdf_or_wait(
        request,
        tasks.booklet_key(village, today),
        tasks.booklet_subject(village),
        f"{village.code}-powers-{today:%Y%m%d}.pdf",
        tasks.make_booklet,
        village.pk,
        today.isoformat(),
    )
