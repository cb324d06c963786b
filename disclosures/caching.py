"""Public pages are cached until the village publishes something new, and counted.

A villager's page changes only when the village publishes, so the rendered page is kept
under a key holding the village's public_version: publishing bumps the version and the
next request renders afresh. The version (and the names the pages show) comes from the
cache too (villages/public_state.py), and the visit is counted in the cache
(villages/visits.py): a cached page, or a 304, costs no database query.
`answer_from_cache` serves them from a middleware before sessions, messages and the
language machinery run (portal/middleware.py); the decorator serves the same when the
request gets that far (a first request, a scan, a miss).

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
a new cache entry nor reaches the page's links. A publication through any server writes
the village's new version through to the shared cache (Redis), which changes the key
on every server.
"""

import gzip
import hashlib
import re
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from common.qr import SCAN_MARKER
from villages.models import Village
from villages.public_state import cached_public_state, remember_public_state
from villages.visits import count_visit

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


def is_bot(request):
    user_agent = request.headers.get("User-Agent", "")
    return not user_agent or BOT_USER_AGENT.search(user_agent) is not None


def _count(state, request, *, scan=False):
    if request.method == "GET" and not is_bot(request):
        count_visit(state["pk"], scan=scan)


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


def _page_key(request, state):
    """The page's cache key: the village's version and names, the language, the path
    with the declared parameters."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    names = hashlib.sha256(state["names"].encode()).hexdigest()[:12]
    return f"public-page:{state['pk']}:{state['version']}:{names}:{get_language()}:{path}"


def _validators(state):
    """ETag and Last-Modified of every page of the village: what it has published (its
    public_version), the language, and the names the pages show. A browser (or WeChat)
    that has the page gets 304 without a query, rendering or the page cache."""
    digest = f"{state['version']}:{get_language()}:{state['names']}"
    etag = f'"{hashlib.sha256(digest.encode()).hexdigest()[:20]}"'
    return {"etag": etag, "last_modified": state["changed"]}


def _revalidate_always(response, validators):
    """Cache-Control: no-cache: browsers and WeChat may keep the page but must ask each
    time, so a correction is never hidden by a stale copy; the answer is usually 304."""
    # Like GZipMiddleware's: a compressed body is not the same bytes, so the tag is weak.
    weak = "W/" if response.get("Content-Encoding") == "gzip" else ""
    response["ETag"] = weak + validators["etag"]
    if validators["last_modified"] is not None:
        response["Last-Modified"] = http_date(validators["last_modified"])
    patch_cache_control(response, no_cache=True)


def _is_download(response):
    return response.status_code == 200 and not response["Content-Type"].startswith("text/html")


def _finish(request, response, state, validators):
    """What every answer of a public page carries, and its count."""
    if response.status_code in (200, 304):
        _revalidate_always(response, validators)
    if response.status_code in (200, 304) and not _is_download(response):
        _count(state, request)
    # The language comes from Accept-Language or the language cookie.
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    response["Content-Language"] = get_language()
    return response


def _from_cache(request, state):
    """The 304, or the cached page, or None."""
    validators = _validators(state)
    response = get_conditional_response(request, **validators)
    if response is None:
        cached = cache.get(_page_key(request, state))
        if cached is None:
            return None
        if _takes_gzip(request):
            response = _gzipped(HttpResponse(cached))
        else:
            response = HttpResponse(gzip.decompress(cached))
            patch_vary_headers(response, ["Accept-Encoding"])
    return _finish(request, response, state, validators)


# A rendered page is kept compressed, and sent so to the browsers that take gzip (all of
# them), instead of being compressed again by GZipMiddleware on every hit.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _takes_gzip(request):
    return ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None


def _gzipped(response, compressed=None):
    """The response with its compressed body: the one given, or the one it has."""
    if compressed is not None:
        response.content = compressed
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _keep(request, response, state):
    """Keep a page just rendered, compressed; send it so if the browser takes gzip."""
    compressed = gzip.compress(response.content, mtime=0)
    cache.set(_page_key(request, state), compressed, PUBLIC_PAGE_SECONDS)
    return _gzipped(response, compressed) if _takes_gzip(request) else response


# How long a finance part stays cached: also how long the warning of a month whose
# fingerprint no longer matches its content (publishing.mark_shown) can take to appear.
FINANCE_PART_SECONDS = 3600


def finance_parts(village, name, render):
    """{part: HTML} of a finance page, from the cache or render() (which may return None:
    nothing to keep). The finance parts (a month's body, a year, the list of months)
    change only when the village publishes something a finance page shows, so they are
    kept under its finance_version (villages.Village.bump_public_version) and the
    township's threshold they flag expenses by: news in another module, a question about
    no ledger line, or a page's expiry renders the page around them, not them again."""
    key = ":".join(
        map(
            str,
            (
                "finance",
                village.pk,
                village.finance_version,
                village.township.major_matter_threshold,
                get_language(),
                name,
            ),
        )
    )
    parts = cache.get(key)
    if parts is None:
        parts = render()
        if parts is not None:
            cache.set(key, parts, FINANCE_PART_SECONDS)
    return parts and {part: mark_safe(html) for part, html in parts.items()}


def answer_from_cache(request):
    """A public page's answer when it needs no database: the village's state and the page
    are in the cache (or the browser has the page: 304). None otherwise, and the request
    goes on through the middleware to the view. Public pages carry no personal state,
    so the session, messages and user are not needed; the language is chosen from the
    cookie or Accept-Language as LocaleMiddleware would."""
    if request.method not in ("GET", "HEAD") or SCAN_MARKER in request.GET:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    declared = getattr(match.func, "public_page_query", None)
    state = declared is not None and cached_public_state(match.kwargs["code"])
    if not state:
        return None
    translation.activate(translation.get_language_from_request(request))
    request.LANGUAGE_CODE = get_language()
    _keep_declared(request, declared)
    response = _from_cache(request, state)
    if response is None:
        # The view renders the page: it need not look again (public_village_page).
        request.public_page_missed = state
        return None
    # What the rest of the middleware would add to a public page.
    response["Content-Length"] = len(response.content)
    return XFrameOptionsMiddleware(lambda request: response).process_response(request, response)


def _before_rendering(request, code, declared):
    """(answer, state) of a request the middleware did not look up: a scan's redirect,
    the cached page or the 304, or no answer."""
    state = cached_public_state(code)
    if state is None:
        state = remember_public_state(public_village(code))
    if SCAN_MARKER in request.GET:
        _count(state, request, scan=True)
        response = HttpResponseRedirect(_without_marker(request))
        # Each scan must reach the server, even the same phone's second one.
        add_never_cache_headers(response)
        return response, state
    _keep_declared(request, declared)
    return _from_cache(request, state), state


def public_village_page(view=None, *, query=None):
    """Wrap a view(request, village, **kwargs): serve the cached page when there is one,
    else render it with the village its cached state holds (villages/public_state.py;
    loaded by its code if none), and count the visit. `query`: the
    parameters the page uses, e.g. @public_village_page(query={"sort": ("date", "amount")});
    no other parameter reaches the view or the cache key."""
    if view is None:
        return lambda view: public_village_page(view, query=query)
    declared = query or {}

    @wraps(view)
    def wrapper(request, code, **kwargs):
        state = getattr(request, "public_page_missed", None)
        if state is None:
            response, state = _before_rendering(request, code, declared)
            if response is not None:
                return response
        # The village as its state keeps it (a state written before it did: loaded).
        village = state.get("village") or public_village(code)
        response = view(request, village, **kwargs)
        if response.status_code == 200 and request.method == "GET" and not _is_download(response):
            response = _keep(request, response, state)
        return _finish(request, response, state, _validators(state))

    wrapper.public_page_query = declared
    return wrapper
