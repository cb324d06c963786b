"""The notice-board poster, made by the background worker (disclosures/generated.py)."""

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from disclosures import generated
from disclosures.finance import posters
from disclosures.finance.models import LedgerCorrection, LedgerMonth
from disclosures.publishing import published


def poster_month(month_id):
    """The published month as the poster view and the worker load it."""
    return (
        LedgerMonth.objects.published()
        .select_related("village__township__district", "submitted_by", "published_by")
        .get(pk=month_id)
    )


def poster_subject(month, size):
    """One month's poster in one size, whatever its version."""
    return f"poster-{month.village.code}-{month.period_slug}-{size}"


def poster_key(month, size, etag=None):
    """Names what the poster shows: the month's and its corrections' fingerprints and the
    village's public version (posters.poster_etag; pass it when known, it costs a query)."""
    digest = (etag or posters.poster_etag(month, size)).strip('"')
    return f"{poster_subject(month, size)}-{digest}"


@task()
def make_month_poster(month_id, size, key):
    started = timezone.now()
    pdf = posters.render_month_poster(poster_month(month_id), size)
    generated.store(key, pdf, started)


def queue_poster(month, size):
    generated.queue(
        poster_key(month, size), poster_subject(month, size), make_month_poster, month.pk, size
    )


@receiver(published)
def queue_posters_on_publication(sender, item, **kwargs):
    """A published month, or a correction of one: its A4 poster is made at once (A3
    when someone asks for it)."""
    if sender is LedgerMonth:
        month_id = item.pk
    elif sender is LedgerCorrection:
        month_id = item.ledger_id
    else:
        return
    queue_poster(poster_month(month_id), "a4")
