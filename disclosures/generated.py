"""PDFs made by the background worker, never inside a villager's request.

Posters and booklets take seconds of CPU each (much more under load). A request for one
is answered from storage when it has been made; otherwise the rendering is queued, once
however many ask, and the villager gets a small page that reloads itself until the file
is there. Publishing queues the new files at once (finance/tasks.py, powers/tasks.py).

The queue is django-tasks with its database backend (settings.TASKS; `manage.py
db_worker` runs it): it needs nothing beyond the portal's own database, SQLite or
PostgreSQL. A file is stored under a key naming what it shows (the month's fingerprints
and the village's public version, the booklet's day): content never changes under a key,
and a publication makes new keys, so an old file is simply never asked for again.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FOLDER = "generated"
# A rendering not finished after this long is queued again (its worker died, or it failed).
RETRY_AFTER = datetime.timedelta(minutes=10)
# How often the waiting page reloads itself.
REFRESH_SECONDS = 3


class GeneratedFile(models.Model):
    """One file the worker makes: asked for (queued) and, once stored, finished."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    requested_at = models.DateTimeField(_("queued at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds to make"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")

    def __str__(self):
        return self.key

    @property
    def path(self):
        return path_of(self.key)


def path_of(key):
    return f"{FOLDER}/{key}.pdf"


def _claim(key):
    """True for the one caller that must queue the file: the first to ask, or the first
    after a rendering that never finished, or whose file has gone."""
    now = timezone.now()
    try:
        with transaction.atomic():
            GeneratedFile.objects.create(key=key, requested_at=now)
        return True
    except IntegrityError:
        # Two requests at once: the database lets one UPDATE match, the other sees the
        # new requested_at and matches nothing.
        again = Q(finished_at__isnull=False) | Q(requested_at__lt=now - RETRY_AFTER)
        return (
            GeneratedFile.objects.filter(again, key=key).update(requested_at=now, finished_at=None)
            == 1
        )


def queue(key, task, *args):
    """Queue task(*args, key) unless the file is queued or made already."""
    if _claim(key):
        task.enqueue(*args, key)


def store(key, pdf, started):
    """The worker's last step: save the file, then mark it finished (so a reader never
    sees half a file)."""
    path = path_of(key)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(pdf))
    now = timezone.now()
    GeneratedFile.objects.update_or_create(
        key=key,
        defaults={"finished_at": now, "seconds": (now - started).total_seconds()},
        create_defaults={"requested_at": started, "finished_at": now},
    )


def pdf_or_wait(request, key, filename, task, *args):
    """The stored PDF, or queue it and say so. One query when the file is there."""
    made = GeneratedFile.objects.filter(key=key, finished_at__isnull=False).exists()
    if made and default_storage.exists(path_of(key)):
        response = FileResponse(default_storage.open(path_of(key), "rb"))
        response["Content-Type"] = "application/pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    queue(key, task, *args)
    response = render(
        request,
        "disclosures/generating.html",
        {"refresh_seconds": REFRESH_SECONDS},
        status=202,
    )
    response["Retry-After"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
