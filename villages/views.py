import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.views.decorators.cache import cache_control

from common.cards import card_png
from common.qr import qr_svg
from common.text import clean_text
from villages.models import District, Village
from villages.search import search_villages


def landing(request):
    """The search (villages/search.py), then the districts, each a link to its townships
    (or, on a portal of one district, its townships straight away). The villages are on
    each township's page (/t/<code>/, with its rankings and feeds, in disclosures'
    compliance views): the page is the same size for 10 villages or a province's 5,000."""
    query = clean_text(request.GET.get("q", "")).strip()[:50]  # PostgreSQL refuses a NUL
    if query:
        villages = search_villages(query)
        return render(request, "villages/landing.html", {"query": query, "results": villages})
    districts = list(District.objects.annotate(township_count=Count("townships")))
    if len(districts) == 1:
        return render(request, "villages/landing.html", district_context(districts[0]))
    return render(request, "villages/landing.html", {"districts": districts})


def district_context(district):
    townships = district.townships.annotate(village_count=Count("villages")).order_by("code")
    return {"district": district, "townships": townships}


def district_page(request, code):
    """/d/<district code>/: the district's townships."""
    district = get_object_or_404(District, code=code)
    context = {**district_context(district), "district_page": True}
    return render(request, "villages/landing.html", context)


@cache_control(public=True, max_age=86400)
def qr_code(request, code):
    village = get_object_or_404(Village, code=code)
    return HttpResponse(qr_svg(village.sign_url), content_type="image/svg+xml")


def switch_language(request, language):
    """A plain link, not a form: public pages carry no CSRF token, so they can be cached,
    and the link works in any browser. Only a preference cookie is set."""
    next_url = request.GET.get("next", "/")
    # Only a path on this site: redirect() would take a bare word for a URL pattern's name.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
    return response


def _png(data):
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _card_once(key, title, subtitle="", size=300):
    """Drawn once, then served from the cache; the key names what is drawn, so a renamed
    village gets a new card."""
    key = "card:" + hashlib.sha256(f"{key}|{title}|{subtitle}|{size}".encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = card_png(title, subtitle, size)
        cache.set(key, data, None)
    return data


def village_card(request, code):
    """/v/<code>/share.png: the picture beside a shared link (og:image)."""
    village = get_object_or_404(Village.objects.select_related("township"), code=code)
    return _png(_card_once(code, village.name, village.township.name))


def portal_card(request):
    with translation.override(settings.LANGUAGE_CODE):  # one card, in Chinese
        return _png(_card_once("portal", gettext("Village affairs disclosed")))


def favicon(request):
    with translation.override(settings.LANGUAGE_CODE):
        # Translators: one character for the favicon: 村 (village).
        return _png(_card_once("favicon", pgettext("favicon", "V"), size=64))
