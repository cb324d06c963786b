"""The village page's summary: what it shows of every feature besides the latest month
(the modules' latest disclosures, timeliness, the question record, the registers'
flags, the standing in the township's quarterly ranking). Eight queries to compute, and
the same for every visitor until the village publishes again or the day changes, so it
is computed once per public version and day, and rendered once per language: right after
a publication commits (the request that published pays, not the next villager), else by
the first page that needs it, and kept in the cache. The publication renders the latest
month too (a finance part, disclosures/caching.py)."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from disclosures.affairs.public import module_summaries
from disclosures.assets.models import village_register_flags
from disclosures.compliance.models import latest_standing
from disclosures.compliance.report import local_today, village_timeliness
from disclosures.publishing import published
from disclosures.questions.models import QuestionRecord

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


def _precompute(sender, item, **kwargs):
    """After a publication commits: the village page's parts of the new version, the
    summary and the latest month, rendered in every language, so that the villagers who
    come for the news find the page cheap to make."""
    from disclosures.village_page.views import village_finance
    from villages.models import Village

    village_id = item.village.pk

    def compute():
        village = Village.objects.with_places().filter(pk=village_id).first()
        if village is None:
            return
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                village_summary_html(village)
                village_finance(village)

    transaction.on_commit(compute)


published.connect(_precompute, dispatch_uid="village-page-summary")
