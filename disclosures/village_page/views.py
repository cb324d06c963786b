"""The village page: what a villager sees after scanning the sign. It gathers every
feature (the latest month, the modules, timeliness, questions), so it is the one place
that imports from all of them; no feature imports it. Its JSON twin and the village's
Atom feed of everything published gather the same way."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from common.qr import public_url
from disclosures.affairs.public import module_summaries
from disclosures.assets.models import village_register_flags
from disclosures.caching import public_village, public_village_page
from disclosures.compliance.models import latest_standing
from disclosures.compliance.report import village_timeliness
from disclosures.finance.opendata import month_document
from disclosures.finance.tables import LEDGER_SORTS
from disclosures.opendata import day, document, json_response, money
from disclosures.publishing import chain_members
from disclosures.village_page import bulk
from disclosures.village_page.summary import village_finance, village_summary_html
from villages.models import District
from villages.visits import views_this_month_kept

FEED_ITEMS = 50


@public_village_page(query=LEDGER_SORTS)
def village_page(request, village):
    """What a villager sees after scanning the sign: the latest published month in full,
    links to every earlier month and year, and the latest disclosures of each module.
    A fixed number of queries however long the history, none when the page is cached
    (disclosures/caching.py)."""
    sort = request.GET.get("sort")
    context = {
        "village": village,
        # The latest month and the list of months: rendered once per finance
        # publication (caching.finance_parts).
        "finance": village_finance(village, sort),
        # Modules, timeliness, questions, the registers' flags, the ranking: rendered
        # once per publication, day and language (summary.py).
        "summary": village_summary_html(village),
        # Rendered into the cached page: the number may lag by up to PUBLIC_PAGE_SECONDS.
        "views_this_month": views_this_month_kept(village),
    }
    return render(request, "disclosures/village_page/village.html", context)


@require_safe
def village_json(request, code):
    """The village page's JSON twin (docs/open-data.md): its months with their
    fingerprints, the latest month in full, the modules' latest disclosures, timeliness
    and the registers' flags. A fixed number of queries, like the page."""
    village = public_village(code)
    base = village.get_absolute_url()
    # Whole rows: the latest month's document names its place in the chain.
    months = list(village.ledger_months.published().order_by("-year", "-month"))
    flags = village_register_flags(village)
    tally = village_timeliness(village).tally
    # The modules' names as the village publishes them (Chinese), whatever the client asks.
    with translation.override(settings.LANGUAGE_CODE):
        modules = [module_block(summary) for summary in module_summaries(village)]
    standing = latest_standing(village)
    data = document(
        "village",
        village,
        base,
        feed=public_url(f"{base}feed.atom"),
        months=[
            {
                "period": month.period_slug,
                "url": public_url(f"{base}finance/{month.period_slug}/"),
                "json": public_url(f"{base}finance/{month.period_slug}.json"),
                "published_at": month.published_at.isoformat(),
                "fingerprint": month.fingerprint,
            }
            for month in months
        ],
        latest_month=month_document(months[0]) if months else None,
        modules=modules,
        timeliness={
            "on_time": tally.on_time,
            "late": tally.late,
            "missing": tally.missing,
            "percent": tally.percent,
        },
        registers={
            "url": public_url(f"{base}registers/"),
            "json": public_url(f"{base}registers.json"),
            "rent_overdue_contracts": len(flags.overdue),
            "rent_overdue_amount": money(flags.overdue_amount),
            "contracts_expired_in_use": len(flags.expired_in_use),
            "contracts_flagged": flags.count,
        },
        ranking=standing_block(standing),
    )
    return json_response(data)


def standing_block(standing):
    """The village's line of its township's latest quarterly ranking, or None."""
    if standing is None:
        return None
    ranking = standing.ranking
    return {
        "year": ranking.year,
        "quarter": ranking.quarter,
        "points": standing.row["points"],
        "rank": standing.row["rank"],
        "of": standing.of,
        "url": public_url(standing.url),
        "json": public_url(f"/t/{ranking.township.code}/ranking/{ranking.slug}.json"),
    }


def module_block(summary):
    return {
        "module": summary.module,
        "label": str(summary.label),
        "url": public_url(summary.url),
        "disclosures": [
            {
                "title": disclosure.title,
                "item": disclosure.item.name,
                "period_start": day(disclosure.period_start),
                "url": public_url(f"{summary.url.rsplit('/m/', 1)[0]}/d/{disclosure.pk}/"),
                "published_at": disclosure.published_at.isoformat(),
                "fingerprint": disclosure.fingerprint,
            }
            for disclosure in summary.disclosures
        ],
    }


class VillageFeed(Feed):
    """/v/<code>/feed.atom: the latest FEED_ITEMS things the village published, of every
    kind, newest first, each with its fingerprint. One query per kind of disclosure."""

    feed_type = Atom1Feed

    def get_object(self, request, code):
        return public_village(code)

    def title(self, village):
        return _("%(village)s: published") % {"village": village.name}

    def subtitle(self, village):
        return _("Everything %(village)s publishes after review, newest first.") % {
            "village": village.name
        }

    # Absolute addresses from PUBLIC_BASE_URL, as printed on the signs and in the JSON.
    def link(self, village):
        return village.public_url

    def feed_url(self, village):
        return public_url(f"{village.get_absolute_url()}feed.atom")

    def items(self, village):
        found = []
        for model in chain_members():
            lookup = model.chain_filter(village)
            path = next(iter(lookup)).removesuffix("__village")
            related = [path] if path != "village" else []
            found += (
                model.objects.published()
                .filter(**lookup)
                .select_related(*related)
                .order_by("-published_at")[:FEED_ITEMS]
            )
        found.sort(key=lambda item: (item.published_at, item.chain_position), reverse=True)
        for item in found:
            item.village_code = village.code
        return found[:FEED_ITEMS]

    def item_title(self, item):
        return f"{item._meta.verbose_name}: {item}"

    def item_description(self, item):
        return _("Fingerprint %(fingerprint)s, link %(position)s of the village's chain.") % {
            "fingerprint": item.fingerprint,
            "position": item.chain_position,
        }

    def item_link(self, item):
        # Every kind has a page, or belongs to one (a correction to its month, a step
        # to its matter).
        for candidate in (item, getattr(item, "ledger", None), getattr(item, "matter", None)):
            if candidate is not None and hasattr(candidate, "get_absolute_url"):
                return public_url(candidate.get_absolute_url())
        return public_url(f"/v/{item.village_code}/")

    def item_guid(self, item):
        return f"urn:sha256:{item.fingerprint}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


village_feed = VillageFeed()


@require_safe
def open_data_page(request):
    """What anyone may download, and what every field means: the bulk zips of the
    districts, built nightly. Two queries at most (the districts; none for the files)."""
    districts = District.objects.order_by("code")
    return render(
        request,
        "disclosures/village_page/open_data.html",
        {"archives": bulk.available_archives(districts)},
    )


@require_safe
def bulk_download(request, district):
    """A district's zip, as a static file would be served (nginx may serve
    MEDIA_ROOT/open-data/ itself, deploy/nginx.conf)."""
    path = bulk.archive_path(district)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Access-Control-Allow-Origin"] = "*"
    return response
