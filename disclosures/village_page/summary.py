"""The village page's parts: what it shows of every feature besides the latest month
(the modules' latest disclosures, timeliness, the question record, the registers'
flags, the standing in the township's quarterly ranking), and its finance parts (the
latest month, the list of months).

The summary takes eight queries to compute and is the same for every visitor until the
village has news or the day changes: it is computed once per public version and day, and
rendered once per language. The finance parts are kept until the village publishes
something its finance pages show (disclosures/caching.py). Both are rendered by the
background worker right after news commits (bump_public_version), not by the next
villager."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_tasks import task

from disclosures.affairs.public import module_summaries
from disclosures.assets.models import village_register_flags
from disclosures.caching import finance_parts
from disclosures.compliance.models import latest_standing
from disclosures.compliance.report import local_today, village_timeliness
from disclosures.finance.views import month_context, month_links, published_months
from disclosures.questions.models import QuestionRecord
from villages.models import Village, public_version_bumped

SUMMARY_SECONDS = 24 * 3600


def summary_key(village, day):
    return f"village-summary:{village.pk}:{village.public_version}:{day.isoformat()}"


def village_summary(village):
    """{"modules", "timeliness", "question_record", "register_flags", "standing"} of the village as
    its public_version stands, from the cache or computed (and kept)."""
    day = local_today()
    key = summary_key(village, day)
    summary = cache.get(key)
    if summary is None:
        summary = {
            "modules": module_summaries(village),
            "timeliness": village_timeliness(village, today=day),
            "question_record": QuestionRecord.for_village(village, on=day),
            # Rent overdue and other flags on the village's contracts (three queries).
            "register_flags": village_register_flags(village, day),
            # Its points and rank in the township's latest quarterly ranking (one query;
            # publishing a ranking bumps its villages' public versions).
            "standing": latest_standing(village),
        }
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


# The summary's parts of the village page, each a template given the summary.
PARTS = {
    "timeliness_line": "disclosures/village_page/_timeliness_line.html",
    "ask": "disclosures/village_page/_ask.html",
    "register_flags": "disclosures/village_page/_register_flags.html",
    "timeliness": "disclosures/compliance/includes/_timeliness.html",
    "standing": "disclosures/compliance/includes/_standing.html",
    "modules": "disclosures/affairs/includes/_modules.html",
}


def village_summary_html(village):
    """{part: HTML} of the summary in the active language: rendered once per public
    version, day and language, like the summary itself."""
    key = f"{summary_key(village, local_today())}:{get_language()}"
    parts = cache.get(key)
    if parts is None:
        context = {"village": village, **village_summary(village)}
        parts = {
            name: render_to_string(template, context).strip()
            for name, template in PARTS.items()
            if name != "standing" or context["standing"]
        }
        cache.set(key, parts, SUMMARY_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}


def village_finance(village, sort=None):
    return finance_parts(village, f"village:{sort}", lambda: finance_html(village, sort))


def finance_html(village, sort):
    """The village page's finance parts: the first screen's money, the links to every
    module, the latest month in full and the list of every month. Seven queries."""
    months = list(published_months(village).order_by("-year", "-month"))
    context = {"village": village, "months_by_year": month_links(village, months)}
    if months:
        context.update(month_context(months[0], sort), money_shown=True)
    return {
        "money": render_to_string("disclosures/village_page/_money.html", context).strip(),
        "quick_links": render_to_string("disclosures/village_page/_quick_links.html", context),
        "month": render_to_string("disclosures/finance/includes/_month.html", context).strip()
        if months
        else "",
        "months": render_to_string("disclosures/village_page/_months.html", context).strip(),
    }


def render_parts(village_ids):
    """The village page's parts of the villages' current versions, the summary and the
    latest month, rendered in every language (about 40 ms a village), unless kept."""
    for village in Village.objects.with_places().filter(pk__in=village_ids):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                village_summary_html(village)
                village_finance(village)


@task()
def render_parts_in_background(village_ids):
    render_parts(village_ids)


@receiver(public_version_bumped, dispatch_uid="village-page-parts")
def _render_after_commit(sender, villages, **kwargs):
    """After news commits (a publication, a question's step, a power list, a ranking),
    the background worker renders the parts of the new version, so that the villagers
    who come for the news find the page cheap to make. Not the request that made the
    news: that may be a villager's question, or a power list of a hundred villages."""
    village_ids = list(villages.values_list("pk", flat=True))
    transaction.on_commit(lambda: render_parts_in_background.enqueue(village_ids))
