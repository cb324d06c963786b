"""The village page's summary: what it shows of every feature besides the latest month
(the modules' latest disclosures, timeliness, the question record, the registers'
flags, the standing in the township's quarterly ranking). Eight queries to compute, and
the same for every visitor until the village publishes again or the day changes, so it
is computed once per public version and day: right after a publication commits (the
request that published pays, not the next villager), else by the first page that needs
it, and kept in the cache."""

from django.core.cache import cache
from django.db import transaction

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


def _precompute(sender, item, **kwargs):
    """After a publication commits: the summary of the village's new version."""
    from villages.models import Village

    village_id = item.village.pk

    def compute():
        village = Village.objects.with_places().filter(pk=village_id).first()
        if village is not None:
            village_summary(village)

    transaction.on_commit(compute)


published.connect(_precompute, dispatch_uid="village-page-summary")
