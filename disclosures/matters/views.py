"""The village's major matters, as villagers see them.

/v/<code>/matters/ lists the matters with at least one published step; /v/<code>/matters/
<pk>/ shows one matter's six steps as a timeline, what was decided, and the money spent on
it against its budget. Only published steps and published finance lists are ever read.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe

from disclosures.caching import public_village, public_village_page
from disclosures.finance.models import Kind, LedgerEntry
from disclosures.matters.models import MatterStep, Step
from disclosures.matters.opendata import matter_document, matters_document
from disclosures.opendata import json_response
from disclosures.questions.models import public_questions

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Spending:
    """A matter's budget against what its linked, published expenses add up to."""

    budget: Decimal
    spent: Decimal

    @property
    def remaining(self):
        return self.budget - self.spent

    @property
    def over_budget(self):
        return self.spent > self.budget

    @property
    def overrun(self):
        return self.spent - self.budget

    @property
    def share(self):
        """Per cent of the budget spent (may pass 100), or None without a budget."""
        if self.budget <= 0:
            return None
        return self.spent / self.budget * HUNDRED

    @property
    def percent(self):
        return "—" if self.share is None else f"{self.share:.0f}"

    @property
    def bar_width(self):
        """The filled part of a 100-unit bar, as a plain number for the SVG."""
        if self.share is None:
            return "100" if self.spent > 0 else "0"
        return f"{min(max(self.share, Decimal(0)), HUNDRED):.1f}"


def entry_url_maker(village):
    """The finance team may give every entry its own page at /v/<code>/entries/<id>/;
    until it exists here, an entry is linked by its row on the month's page."""
    base = village.get_absolute_url()
    try:
        resolve(f"{base}entries/1/")
    except Resolver404:
        return lambda entry: f"{base}finance/{entry.ledger.period_slug}/#{entry.anchor}"
    return lambda entry: f"{base}entries/{entry.pk}/"


def public_matters(village):
    """The village's public matters with their spending and published steps, newest
    first. Two queries."""
    published_steps = MatterStep.objects.published().order_by("step")
    matters = list(
        village.major_matters.public()
        .with_progress()
        .prefetch_related(Prefetch("steps", queryset=published_steps, to_attr="published"))
        .order_by("-created_at", "-pk")
    )
    for matter in matters:
        matter.current_step = matter.published[-1]
        matter.spending = Spending(matter.budget, matter.spent)
    return matters


@public_village_page
def matters(request, village):
    """Three queries: the village, its public matters with their spending, their
    published steps."""
    context = {"village": village, "matters": public_matters(village), "step_count": len(Step)}
    return render(request, "disclosures/matters/list.html", context)


def matter_context(village, pk):
    """Four queries: the matter, its published steps, their attachments, the linked
    published entries."""
    matter = get_object_or_404(village.major_matters.public(), pk=pk)
    steps = {
        step.step: step
        for step in matter.steps.published().prefetch_related("attachments").order_by("step")
    }
    entries = list(
        LedgerEntry.objects.published()
        .filter(major_matter=matter, ledger__village=village)
        .select_related("ledger")
        .order_by("date", "voucher_number", "pk")
    )
    url_of = entry_url_maker(village)
    for entry in entries:
        entry.public_url = url_of(entry)
    spent = sum((e.amount for e in entries if e.kind == Kind.EXPENSE), Decimal("0"))
    context = {
        "village": village,
        "matter": matter,
        "timeline": [(step, steps.get(step)) for step in Step],
        "resolution": steps.get(Step.RESOLUTION),
        "result": steps.get(Step.RESULT_DISCLOSED),
        "entries": entries,
        "spending": Spending(matter.budget, spent),
    }
    return context


@public_village_page
def matter(request, village, pk):
    """Five queries however many steps, attachments and entries: the village and
    matter_context's four (and the questions, evaluated in the template)."""
    context = matter_context(village, pk)
    context["questions"] = public_questions(context["matter"].questions.all())
    return render(request, "disclosures/matters/detail.html", context)


@require_safe
def matters_json(request, code):
    village = public_village(code)
    return json_response(matters_document(village, public_matters(village)))


@require_safe
def matter_json(request, code, pk):
    """The matter page's JSON twin: its published steps and the lines paying for it."""
    village = public_village(code)
    context = matter_context(village, pk)
    steps = [step for _step, step in context["timeline"] if step is not None]
    return json_response(matter_document(village, context["matter"], steps, context["entries"]))
