"""What the public pages show of the affairs catalog: plain functions, a fixed number of
queries each, whatever the history."""

from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from disclosures.affairs.models import CatalogItem, Module, mask_id_number, mask_phone


@dataclass
class ModuleSummary:
    module: str
    label: str
    url: str
    disclosures: list = field(default_factory=list)


def module_url(village, module):
    # Written out like the village's own address: no reverse() per link.
    return f"{village.get_absolute_url()}m/{module}/"


def listed(disclosures):
    """Published disclosures as lists show them (title, item, period): the text is not
    needed there."""
    return disclosures.published().select_related("item").defer("body")


def module_summaries(village, per_module=3):
    """For each of the nine modules, in order: its label, its page and the latest
    `per_module` published disclosures of the village. One query."""
    ranked = (
        listed(village.disclosures)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("item__module")],
                order_by=[F("period_start").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_module)
        .order_by("item__module", "rank")
    )
    by_module = {}
    for disclosure in ranked:
        by_module.setdefault(disclosure.item.module, []).append(disclosure)
    return [
        ModuleSummary(
            module=module.value,
            label=module.label,
            url=module_url(village, module.value),
            disclosures=by_module.get(module.value, []),
        )
        for module in Module
    ]


def module_sections(village, module):
    """[(catalog item, [published disclosures, newest first]), ...] for the module's
    items (the standard ones and the township's own), in catalog order. Two queries."""
    items = list(
        CatalogItem.objects.for_township(village.township)
        .filter(module=module, is_finance_list=False)
        .order_by("position", "name")
    )
    by_item = {item.pk: [] for item in items}
    disclosures = listed(village.disclosures).filter(item__module=module)
    for disclosure in disclosures.order_by("-period_start", "-pk"):
        by_item.setdefault(disclosure.item_id, []).append(disclosure)
    sections = [(item, by_item[item.pk]) for item in items]
    # An item no longer in the catalog still shows what was published against it.
    known = {item.pk for item in items}
    orphans = {}
    for item_id, found in by_item.items():
        if item_id not in known:
            orphans[item_id] = (found[0].item, found)
    return sections + list(orphans.values())


def masked_rows(disclosure):
    """The rows of a livelihood list as they may be shown: masked again on the way out,
    whatever is stored (masking an already masked number leaves it as it is)."""
    rows = list(disclosure.rows.all())
    for row in rows:
        row.id_number = mask_id_number(row.id_number)
        row.phone = mask_phone(row.phone)
    return rows
