from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from villages.models import Township, Village
from villages.qr import qr_svg

SEARCH_LIMIT = 50


def landing(request):
    """Townships and their villages, with a search by village name or code."""
    query = request.GET.get("q", "").strip()[:50]
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
    return HttpResponse(qr_svg(village.public_url), content_type="image/svg+xml")
