"""Files the background worker makes (PDFs), never inside a request: the shared mechanism.

A file is stored under a key naming what it shows, so content never changes under a key.
Its row (a model built on GeneratedFileBase: disclosures' GeneratedFile for posters and
booklets, villages' SignBatch for signs) says whether it is queued or finished. Asking
for a file that is not made queues it once, however many ask (claim); the worker's last
step is store(). A new version of the same thing (its `subject`, e.g. one month's A4
poster) has a new key; the old file is deleted by prune() once it has been superseded
for a grace period (`manage.py prune_generated`, daily from cron).

The queue is django-tasks with its database backend (settings.TASKS; `manage.py
db_worker` runs it): nothing beyond the portal's own database, SQLite or PostgreSQL.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

FOLDER = "generated"
# A rendering not finished after this long is queued again (its worker died, or it failed).
RETRY_AFTER = datetime.timedelta(minutes=10)
# How often a waiting page reloads itself.
REFRESH_SECONDS = 3


class GeneratedFileBase(models.Model):
    """One file the worker makes: asked for (queued) and, once stored, finished."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    # What the file shows, whatever its version: a newer file of the same subject
    # supersedes this one (prune).
    subject = models.CharField(_("subject"), max_length=200, db_index=True, default="")
    requested_at = models.DateTimeField(_("queued at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds to make"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.key

    @property
    def path(self):
        return path_of(self.key)

    @property
    def is_ready(self):
        return self.finished_at is not None and default_storage.exists(self.path)


def path_of(key):
    return f"{FOLDER}/{key}.pdf"


def claim(model, key, subject, **fields):
    """True for the one caller that must queue the file: the first to ask, or the first
    after a rendering that never finished, or whose file has gone."""
    now = timezone.now()
    try:
        with transaction.atomic():
            model.objects.create(key=key, subject=subject, requested_at=now, **fields)
        return True
    except IntegrityError:
        # Two requests at once: the database lets one UPDATE match, the other sees the
        # new requested_at and matches nothing.
        again = Q(finished_at__isnull=False) | Q(requested_at__lt=now - RETRY_AFTER)
        return model.objects.filter(again, key=key).update(requested_at=now, finished_at=None) == 1


def store(model, key, pdf, started):
    """The worker's last step: save the file, then mark it finished (so a reader never
    sees half a file)."""
    path = path_of(key)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(pdf))
    now = timezone.now()
    model.objects.update_or_create(
        key=key,
        defaults={"finished_at": now, "seconds": (now - started).total_seconds()},
        create_defaults={"requested_at": started, "finished_at": now},
    )


def file_response(key, filename, attachment=False):
    """The stored file: streamed from storage by gunicorn (sendfile, no rendering), or, with
    settings.GENERATED_X_ACCEL_PREFIX behind nginx, sent by nginx itself (X-Accel-Redirect,
    deploy/nginx.conf) so that the app server's worker is free at once."""
    prefix = settings.GENERATED_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{key}.pdf"
    else:
        response = FileResponse(default_storage.open(path_of(key), "rb"))
    response["Content-Type"] = "application/pdf"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def superseded(model, grace, now=None):
    """The finished files whose subject has a newer file, requested more than `grace`
    ago: old enough that nobody can still be fetching them. The newest file of each
    subject (the current one) is never among them."""
    now = now or timezone.now()
    newer = model.objects.filter(
        subject=models.OuterRef("subject"),
        requested_at__gt=models.OuterRef("requested_at"),
        requested_at__lt=now - grace,
    )
    return model.objects.exclude(subject="").filter(models.Exists(newer))


def prune(model, grace, now=None):
    """Delete the superseded files (prune_generated); return how many."""
    count = 0
    for made in superseded(model, grace, now).iterator():
        if default_storage.exists(made.path):
            default_storage.delete(made.path)
        made.delete()
        count += 1
    if count:
        log.info("Deleted %d superseded %s", count, model._meta.verbose_name_plural)
    return count
