"""The power-list booklet, made by the background worker (disclosures/generated.py)."""

import datetime

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from disclosures import generated
from disclosures.powers import booklet
from disclosures.publishing import published
from villages.models import Village


def booklet_subject(village):
    return f"booklet-{village.code}"


def booklet_key(village, day):
    """The booklet shows the village's published lists and the day it is printed."""
    return f"{booklet_subject(village)}-{village.public_version}-{day:%Y%m%d}"


@task()
def make_booklet(village_id, day, key):
    started = timezone.now()
    village = Village.objects.with_places().get(pk=village_id)
    pdf = booklet.render_booklet(village, printed_on=datetime.date.fromisoformat(day))
    generated.store(key, pdf, started)


def queue_booklet(village, day):
    generated.queue(
        booklet_key(village, day),
        booklet_subject(village),
        make_booklet,
        village.pk,
        day.isoformat(),
    )


@receiver(published)
def queue_booklet_on_publication(sender, item, **kwargs):
    """Any publication changes the village's public version, and so its booklet's key:
    a village whose booklet has been asked for gets the new one at once."""
    village_id = getattr(item, "village_id", None)
    if village_id is None:
        return
    village = Village.objects.with_places().get(pk=village_id)
    if generated.GeneratedFile.objects.filter(subject=booklet_subject(village)).exists():
        queue_booklet(village, timezone.localdate())
