"""The printed QR sign (一村一码) hung at each village committee office, and the batches of
them township staff print: made by the background worker (common/generated.py), with
their progress stored so that the admin can show it."""

import hashlib
import json

from django.utils import timezone, translation
from django_tasks import task

from common import generated
from common.pdf import render_pdf_in_parts
from common.qr import qr_png_data_uri
from villages.models import SignBatch

# Signs laid out per part of a batch (common.pdf.render_pdf_in_parts): the steps in which
# progress is reported.
SIGNS_PER_PART = 25


def render_signs(villages, printed_on=None, progress=None):
    """One A4 page per village, in the order given, as PDF bytes; progress(done, total)
    is called as the villages are laid out.

    Signs are always printed in Chinese: they hang in Chinese villages whatever the
    language of the person who clicked "print".
    """
    villages = list(villages)
    printed_on = printed_on or timezone.localdate()
    parts = [villages[i : i + SIGNS_PER_PART] for i in range(0, len(villages), SIGNS_PER_PART)]
    contexts = (
        {
            "signs": [{"village": v, "qr": qr_png_data_uri(v.sign_url)} for v in part],
            "printed_on": printed_on,
        }
        for part in parts
    )

    def report(done_parts):
        if progress:
            progress(min(done_parts * SIGNS_PER_PART, len(villages)), len(villages))

    with translation.override("zh-hans"):
        return render_pdf_in_parts("villages/signs.html", contexts, report)


def batch_key(subject, villages, printed_on):
    """Names what the signs show: each village's name, places, telephone and address, and
    the day printed on them. A change to any of them makes a new batch."""
    shown = [
        [
            v.code,
            v.name,
            v.sign_url,
            v.township.name,
            v.township.supervision_phone,
            v.township.district.city,
            v.township.district.name,
        ]
        for v in villages
    ]
    text = json.dumps([shown, printed_on.isoformat()], ensure_ascii=False)
    return f"{subject}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def selection_subject(villages):
    """The subject of a batch of chosen villages: the same choice is the same batch."""
    codes = ",".join(v.code for v in villages)
    return f"signs-selection-{hashlib.sha256(codes.encode()).hexdigest()[:16]}"


def township_subject(township):
    return f"signs-{township.code}"


def request_batch(villages, subject, filename, user):
    """The batch of these villages' signs: made already, or queued now (once, however
    many ask while it is being made)."""
    key = batch_key(subject, villages, timezone.localdate())
    batch = SignBatch.objects.filter(key=key).first()
    if batch is None or not batch.is_ready:
        fields = {
            "filename": filename,
            "village_ids": [v.pk for v in villages],
            "requested_by": user,
        }
        if generated.claim(SignBatch, key, subject, **fields):
            make_sign_batch.enqueue(key)
        batch = SignBatch.objects.get(key=key)
    return batch


@task()
def make_sign_batch(key):
    started = timezone.now()
    batch = SignBatch.objects.get(key=key)

    def progress(done, total):
        SignBatch.objects.filter(key=key).update(villages_done=done)

    progress(0, batch.villages_total)
    printed_on = timezone.localdate(batch.requested_at)  # the day in its key
    pdf = render_signs(batch.villages(), printed_on=printed_on, progress=progress)
    generated.store(SignBatch, key, pdf, started)
