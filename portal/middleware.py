"""The portal's own middleware: the Content-Security-Policy header, compression of text,
cached public pages answered early, and the page shown while the database does not answer."""

import logging

from csp.middleware import CSPMiddleware
from django.middleware.gzip import GZipMiddleware

from disclosures.caching import answer_from_cache
from portal.views import DATABASE_DOWN, database_unavailable

logger = logging.getLogger(__name__)

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every response. The
    admin's templates, Django's and ours, carry style attributes: there, and only there,
    inline styles are allowed. Scripts stay limited to the portal's own files everywhere."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts


class CachedPublicPageMiddleware:
    """A public page that is in the cache (or a 304 for the copy the browser has) is
    answered here, before sessions, the user, messages and CSRF: without a database query
    (disclosures/caching.py). Placed after compression and the security headers, which
    the answer still gets; anything else goes on to the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = answer_from_cache(request)
        return self.get_response(request) if response is None else response


class DatabaseUnavailableMiddleware:
    """A database that does not answer (stopped, restarting, unreachable) gives villagers a
    503 page in their language with Retry-After, not a bare "Server Error (500)". Django
    drops the broken connection at the end of the request (and CONN_HEALTH_CHECKS at the
    start of the next), so the portal recovers by itself when the database returns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("The database does not answer: %s", exception)
            return database_unavailable(request)
        return None


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text only: PDFs, photos and spreadsheets are compressed
    already. Against BREACH: public pages carry no secret (no CSRF token, no session
    data); pages with a CSRF token (the admin, the question form) carry it masked afresh
    on each response, and Django adds random bytes to each compressed response (HTB)."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
