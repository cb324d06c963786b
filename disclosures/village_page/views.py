"""The village page: what a villager sees after scanning the sign. It gathers every
feature (the latest month, the modules, timeliness, questions), so it is the one place
that imports from all of them; no feature imports it."""

from django.shortcuts import render

from disclosures.affairs.public import module_summaries
from disclosures.assets.models import village_register_flags
from disclosures.caching import public_village_page
from disclosures.compliance.report import village_timeliness
from disclosures.finance.views import month_context, month_links, published_months
from disclosures.questions.models import QuestionRecord
from villages.visits import views_this_month


@public_village_page
def village_page(request, village):
    """What a villager sees after scanning the sign: the latest published month in full,
    links to every earlier month and year, and the latest disclosures of each module.
    A fixed number of queries however long the history, one when the page is cached
    (and the visit count's one write, disclosures/caching.py)."""
    months = list(published_months(village).order_by("-year", "-month"))
    context = {
        "village": village,
        "months_by_year": month_links(village, months),
        "modules": module_summaries(village),
        "timeliness": village_timeliness(village),
        # Rendered into the cached page: the number may lag by up to PUBLIC_PAGE_SECONDS.
        "views_this_month": views_this_month(village),
        "question_record": QuestionRecord.for_village(village),
        # Rent overdue and other flags on the village's contracts (three queries).
        "register_flags": village_register_flags(village),
    }
    if months:
        context.update(month_context(months[0], request.GET.get("sort")))
    return render(request, "disclosures/village_page/village.html", context)
