from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control

from common.qr import qr_svg
from common.text import clean_text
from villages.models import Township, Village

SEARCH_LIMIT = 50


def landing(request):
    """Townships and their villages, with a search by village name or code."""
    query = clean_text(request.GET.get("q", "")).strip()[:50]  # PostgreSQL refuses a NUL
    if query:
        villages = Village.objects.with_places().filter(
            Q(name__icontains=query) | Q(code__startswith=query)
        )[:SEARCH_LIMIT]
        return render(request, "villages/landing.html", {"query": query, "results": villages})
    townships = Township.objects.select_related("district").prefetch_related("villages")
    return render(request, "villages/landing.html", {"townships": townships})


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
