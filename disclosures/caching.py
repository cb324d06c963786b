"""Public pages are cached until the village publishes something new, and counted.

A villager's page changes only when the village publishes, so the rendered page is kept
under a key holding the village's public_version: publishing bumps the version and the
next request renders afresh. A warm page costs one query (the village) and the count.
The timeout bounds how long a renamed village or township shows its old name.

Counting (villages/visits.py): every page this decorator serves is an HTML page of the
village. A GET answered 200 or 304 (the browser shows the copy it has) counts one view,
cached or not; HEAD, redirects, errors and
requests from bots and link-preview fetchers do not. Downloads (CSV, XLSX, PDF), photos
and the QR image have their own views and are never counted. A printed QR code opens the
page with ?qr: that request counts one scan and redirects to the clean address, which
then counts the view, so one scan is one scan and one view, and the marker never reaches
the cache or the page's links.

A page is cached under its path and the query parameters it declares it uses, with values
it accepts (e.g. ?sort=amount); every other parameter (WeChat's ?from=singlemessage, a
tracker's, a random one) is dropped before the view sees the request, so it neither makes
a new cache entry nor reaches the page's links. The village, and so its public_version,
is read from the database on every request: a publication through any server changes
the key on every server, whichever cache (LocMem or the shared Redis) they use.
"""

import hashlib
import logging
import re
from functools import wraps

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from django.utils.translation import get_language

from common.qr import SCAN_MARKER
from villages.models import Village
from villages.visits import record_visit

PUBLIC_PAGE_SECONDS = 300

# Crawlers, link previews (which fetch a page when a link is pasted in a chat), scripts
# and monitors. No User-Agent at all is a script too: every browser sends one. WeChat's
# in-app browser ("MicroMessenger") is what most villagers use and matches none of these;
# CUBOT is a brand of Android phones, not a bot.
BOT_USER_AGENT = re.compile(
    r"(?<!cu)bot|spider|crawl|slurp|preview|facebookexternalhit|whatsapp|headless"
    r"|curl|wget|python-|go-http-client|java/|okhttp|monitor",
    re.IGNORECASE,
)

logger = logging.getLogger(__name__)


def is_bot(request):
    user_agent = request.headers.get("User-Agent", "")
    return not user_agent or BOT_USER_AGENT.search(user_agent) is not None


def _count(village, request, *, scan=False):
    if request.method != "GET" or is_bot(request):
        return
    try:
        record_visit(village, scan=scan)
    except DatabaseError:
        # A lost count is not worth a villager's page (e.g. SQLite busy under load).
        logger.warning("Could not count a visit of village %s", village.code, exc_info=True)


def _without_marker(request):
    query = request.GET.copy()
    del query[SCAN_MARKER]
    return f"{request.path}?{query.urlencode()}" if query else request.path


def public_village(code):
    """The village of a public address, with its township and district, or 404. Every
    public view of a village starts here: pages through `public_village_page`, downloads,
    posters and photos directly."""
    return get_object_or_404(Village.objects.with_places(), code=code)


def _keep_declared(request, query):
    """Leave in the request only the declared parameters with accepted values: `query`
    maps a name to the values it accepts, or to a test of the value."""
    kept = QueryDict(mutable=True)
    for name, accepted in query.items():
        value = request.GET.get(name)
        if value is not None and (accepted(value) if callable(accepted) else value in accepted):
            kept[name] = value
    kept._mutable = False
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def _page(request, village, view, kwargs):
    """The page from the cache, or rendered by the view (and then cached)."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    key = f"public-page:{village.pk}:{village.public_version}:{get_language()}:{path}"
    cached = cache.get(key)
    if cached is not None:
        return HttpResponse(cached)
    response = view(request, village, **kwargs)
    if response.status_code == 200 and request.method == "GET":
        cache.set(key, response.content, PUBLIC_PAGE_SECONDS)
    return response


def _validators(village):
    """ETag and Last-Modified of every page of the village: what it has published (its
    public_version), the language, and the names the pages show. A browser (or WeChat)
    that has the page gets 304 after one query, without rendering or the cache."""
    place = village.township
    state = f"{village.public_version}:{get_language()}:{village.name}:{place.name}"
    state += f":{place.district.name}"
    digest = hashlib.sha256(state.encode()).hexdigest()[:20]
    etag = f'"{digest}"'
    changed = village.public_changed_at
    return {"etag": etag, "last_modified": int(changed.timestamp()) if changed else None}


def _revalidate_always(response, validators):
    """Cache-Control: no-cache: browsers and WeChat may keep the page but must ask each
    time, so a correction is never hidden behind a stale copy; the answer is usually 304."""
    response["ETag"] = validators["etag"]
    if validators["last_modified"] is not None:
        response["Last-Modified"] = http_date(validators["last_modified"])
    patch_cache_control(response, no_cache=True)


def _is_download(response):
    return response.status_code == 200 and not response["Content-Type"].startswith("text/html")


def public_village_page(view=None, *, query=None):
    """Wrap a view(request, village, **kwargs): load the village by its code, serve
    the cached page when there is one, and count the visit. `query`: the parameters the
    page uses, e.g. @public_village_page(query={"sort": ("date", "amount")}); no other
    parameter reaches the view or the cache key."""
    if view is None:
        return lambda view: public_village_page(view, query=query)
    declared = query or {}

    @wraps(view)
    def wrapper(request, code, **kwargs):
        village = public_village(code)
        if SCAN_MARKER in request.GET:
            _count(village, request, scan=True)
            response = HttpResponseRedirect(_without_marker(request))
            # Each scan must reach the server, even the same phone's second one.
            add_never_cache_headers(response)
            return response
        _keep_declared(request, declared)
        validators = _validators(village)
        response = get_conditional_response(request, **validators)
        if response is None:
            response = _page(request, village, view, kwargs)
        if response.status_code in (200, 304):
            _revalidate_always(response, validators)
        if response.status_code in (200, 304) and not _is_download(response):
            _count(village, request)
        # The language comes from Accept-Language or the language cookie.
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response["Content-Language"] = get_language()
        return response

    return wrapper
