"""Posters and booklets, made by the background worker, never inside a villager's request.

They take seconds of CPU each (much more under load). A request for one is answered from
storage when it has been made; otherwise the rendering is queued, once however many ask,
and the villager gets a small page that reloads itself until the file is there.
Publishing queues the new files at once (finance/tasks.py, powers/tasks.py). The
mechanism, shared with the sign batches, is common/generated.py.

A file's key names what it shows (the month's fingerprints and the village's public
version, the booklet's day): content never changes under a key, and a publication makes
new keys; the superseded files are deleted later (`manage.py prune_generated`).
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from common import generated
from common.generated import FOLDER, RETRY_AFTER, path_of  # noqa: F401 (used by callers)


class GeneratedFile(generated.GeneratedFileBase):
    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")


def queue(key, subject, task, *args):
    """Queue task(*args, key) unless the file is queued or made already."""
    if generated.claim(GeneratedFile, key, subject):
        task.enqueue(*args, key)


def store(key, pdf, started):
    generated.store(GeneratedFile, key, pdf, started)


def pdf_or_wait(request, key, subject, filename, task, *args):
    """The stored PDF, or queue it and say so. One query when the file is there."""
    made = GeneratedFile.objects.filter(key=key, finished_at__isnull=False).exists()
    if made and generated.default_storage.exists(path_of(key)):
        return generated.file_response(key, filename)
    queue(key, subject, task, *args)
    response = render(
        request,
        "disclosures/generating.html",
        {"refresh_seconds": generated.REFRESH_SECONDS},
        status=202,
    )
    response["Retry-After"] = str(generated.REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
