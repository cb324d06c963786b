"""The pages a villager sees when something fails, and the proxy's health address.

Every error page is small, in the visitor's language (Chinese by default), and leads back
to the village its address names, or to the landing page. None may fail in turn: a page
about a database error does not ask the database.
"""

import logging
import re
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from disclosures.questions import views as questions
from villages.models import Village

logger = logging.getLogger(__name__)

VILLAGE_ADDRESS = re.compile(r"^/v/(\d{12})/")
# How long a browser (or the proxy) should wait before asking again when the database
# is unreachable: long enough for a restart, short enough for a villager standing there.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)

MESSAGES = {
    400: (
        _("The request could not be understood"),
        _("The address may be incomplete. Open it again from the sign or the link."),
    ),
    403: (
        _("This page is not open to you"),
        _("If you think it should be, ask the village or the township."),
    ),
    404: (
        _("There is no such page"),
        _("Check the address, or go back and choose from the village's page."),
    ),
    500: (
        _("Something went wrong on our side"),
        _("It has been noted. Please try again in a few minutes."),
    ),
    503: (
        _("The portal is briefly unavailable"),
        _("Please try again in a minute or two."),
    ),
}
CSRF_MESSAGE = (
    _("The page had been open for too long"),
    _("Go back, reload the page and send it again. Your browser must allow cookies."),
)


def village_of(request, *, ask_database=True):
    """The village the address names, if it exists (and the database answers)."""
    match = VILLAGE_ADDRESS.match(request.path_info)
    if match is None or not ask_database:
        return None
    try:
        return Village.objects.filter(code=match.group(1)).only("code", "name").first()
    except DatabaseError:
        return None


def error_page(request, status, messages=None, *, ask_database=True):
    title, advice = messages or MESSAGES[status]
    context = {
        "status": status,
        "title": title,
        "advice": advice,
        "village": village_of(request, ask_database=ask_database),
    }
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    """handler500. A database that went away while a middleware used it (sessions, the
    admin's user) arrives here rather than in DatabaseUnavailableMiddleware."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return error_page(request, 500, ask_database=False)


def database_unavailable(request):
    response = error_page(request, 503, ask_database=False)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. The question form is shown again with what was typed
    (disclosures/questions/views.py); every other form gets the friendly page."""
    match = request.resolver_match
    if match is not None and match.view_name == "disclosures:ask":
        return questions.csrf_failure(request, reason)
    return error_page(request, 403, CSRF_MESSAGE)


_migrations_applied = False


def migrations_applied():
    """Once true, true for the life of the process: new migrations come with new code,
    which starts new processes."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        _migrations_applied = not executor.migration_plan(targets)
    return _migrations_applied


@csrf_exempt
@never_cache
def healthz(request):
    """For the proxy and the monitor: 200 "ok" when the database answers and every
    migration is applied, 503 otherwise. Plain text, no template, no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not migrations_applied():
            return HttpResponse("migrations pending\n", status=503, content_type="text/plain")
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
