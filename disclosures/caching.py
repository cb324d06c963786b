"""Public pages are cached until the village publishes something new.

A villager's page changes only when the village publishes, so the rendered page is kept
under a key holding the village's public_version: publishing bumps the version and the
next request renders afresh. A warm page costs one query (the village). The timeout
bounds how long a renamed village or township shows its old name.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from villages.models import Village

PUBLIC_PAGE_SECONDS = 300


def public_village_page(view):
    """Wrap a view(request, village, **kwargs): load the village by its code and serve
    the cached page when there is one."""

    @wraps(view)
    def wrapper(request, code, **kwargs):
        village = get_object_or_404(Village.objects.with_places(), code=code)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"public-page:{village.pk}:{village.public_version}:{get_language()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached)
        else:
            response = view(request, village, **kwargs)
            if response.status_code == 200 and request.method == "GET":
                cache.set(key, response.content, PUBLIC_PAGE_SECONDS)
        # The language comes from Accept-Language or the language cookie.
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response["Content-Language"] = get_language()
        return response

    return wrapper
