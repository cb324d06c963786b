"""The power-list booklet: the whole list as an A4 PDF, made by the background worker
(powers/tasks.py), and the items of a village that the list page shows too."""

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.pdf import css_string, page_counter_css, render_pdf
from disclosures.powers.models import DisciplineArea, ListKind, PowerItem, PowerStep


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


def discipline_counts(items):
    return {
        "party": sum(item.discipline == DisciplineArea.PARTY for item in items),
        "village": sum(item.discipline == DisciplineArea.VILLAGE for item in items),
    }


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
            "counts": discipline_counts(positive),
            "printed_on": printed_on,
            "page_counter": page_counter_css(pgettext("poster", "Page {page} of {pages}")),
            "running_title": css_string(f"{village.name} · {_('Small and micro power lists')}"),
        }
        return render_pdf("disclosures/powers/booklet.html", context)
