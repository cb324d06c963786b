"""The township's public pages: its villages, its quarterly rankings (一季一晒) with each
one's breakdown and formula, their JSON twins, and the Atom feed of everything the
township's villages published. Every page costs a fixed number of queries."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from common.qr import public_url
from disclosures.compliance.models import QuarterlyRanking
from disclosures.opendata import FORMAT, json_response
from disclosures.publishing import chain_members
from villages.models import Township, Village

FEED_ITEMS = 50

# The parts of the points, in the order the page and the JSON show them.
PARTS = [
    ("on_time", _("Disclosed on time")),
    ("questions", _("Questions answered in time")),
    ("sunshine_held", _("Sunshine report held")),
    ("satisfaction", _("Satisfaction")),
    ("flags", _("Open flags")),
]


def _township(code):
    return get_object_or_404(Township.objects.select_related("district"), code=code)


@require_safe
def township_page(request, township):
    """Three queries: the township, its villages, its rankings."""
    township = _township(township)
    context = {
        "township": township,
        "villages": list(township.villages.order_by("code")),
        "rankings": list(township.rankings.only("year", "quarter", "published_at", "township_id")),
    }
    return render(request, "disclosures/compliance/township.html", context)


def _ranking(township, year, quarter):
    township = _township(township)
    ranking = get_object_or_404(
        QuarterlyRanking.objects.filter(township=township), year=year, quarter=quarter
    )
    ranking.township = township
    return ranking


@require_safe
def ranking_page(request, township, year, quarter):
    """Two queries: the township and the ranking, whose rows hold every breakdown."""
    ranking = _ranking(township, year, quarter)
    for row in ranking.rows:
        row["part_list"] = [(label, row["parts"][name]) for name, label in PARTS]
    return render(
        request,
        "disclosures/compliance/ranking.html",
        {"ranking": ranking, "township": ranking.township},
    )


def ranking_document(ranking):
    township = ranking.township
    return {
        "format": FORMAT,
        "kind": "ranking",
        "url": public_url(ranking.get_absolute_url()),
        "township": {"code": township.code, "name": township.name},
        "district": {"code": township.district.code, "name": township.district.name},
        "year": ranking.year,
        "quarter": ranking.quarter,
        "as_of": ranking.as_of.isoformat(),
        "published_at": ranking.published_at.isoformat(),
        "fingerprint": ranking.fingerprint,
        "formula": ranking.formula,
        "rows": [
            {
                **row,
                "url": public_url(f"/v/{row['village']['code']}/"),
            }
            for row in ranking.rows
        ],
    }


@require_safe
def ranking_json(request, township, year, quarter):
    return json_response(ranking_document(_ranking(township, year, quarter)))


class TownshipFeed(Feed):
    """/t/<code>/feed.atom: the latest FEED_ITEMS things the township's villages published,
    and its rankings, newest first. One query per kind of publication."""

    feed_type = Atom1Feed

    def get_object(self, request, township):
        return _township(township)

    def title(self, township):
        return _("%(township)s: published") % {"township": township.name}

    def subtitle(self, township):
        return _("Everything the villages of %(township)s publish after review, newest first.") % {
            "township": township.name
        }

    def link(self, township):
        return public_url(f"/t/{township.code}/")

    def feed_url(self, township):
        return public_url(f"/t/{township.code}/feed.atom")

    def author_name(self, township):
        return township.name

    def items(self, township):
        villages = Village.objects.filter(township=township)
        found = list(township.rankings.order_by("-published_at")[:FEED_ITEMS])
        for ranking in found:
            ranking.township = township
        for model in chain_members():
            lookup = next(iter(model.chain_filter(None)))
            found += (
                model.objects.published()
                .filter(**{f"{lookup}__in": villages})
                .select_related(lookup)
                .order_by("-published_at")[:FEED_ITEMS]
            )
        found.sort(key=lambda item: item.published_at, reverse=True)
        return found[:FEED_ITEMS]

    def item_title(self, item):
        if isinstance(item, QuarterlyRanking):
            return _("Quarterly ranking %(quarter)s") % {"quarter": item.slug}
        village = _village_of(item)
        return f"{village.name} · {item._meta.verbose_name}: {item}"

    def item_description(self, item):
        return _("Fingerprint %(fingerprint)s.") % {"fingerprint": item.fingerprint}

    def item_link(self, item):
        for candidate in (item, getattr(item, "ledger", None), getattr(item, "matter", None)):
            if candidate is not None and hasattr(candidate, "get_absolute_url"):
                return public_url(candidate.get_absolute_url())
        return public_url(_village_of(item).get_absolute_url())

    def item_guid(self, item):
        return f"urn:sha256:{item.fingerprint}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


def _village_of(item):
    lookup = next(iter(type(item).chain_filter(None))).removesuffix("__village")
    holder = item if lookup == "village" else getattr(item, lookup)
    return holder.village


township_feed = TownshipFeed()
