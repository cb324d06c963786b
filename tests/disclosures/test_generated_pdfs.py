"""PDFs never block a villager: the worker makes them, once, and requests are answered
from storage or with a page that reloads itself."""

import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from disclosures import generated
from disclosures.finance import posters
from disclosures.finance.models import Kind, LedgerCorrection, LedgerEntry
from disclosures.generated import GeneratedFile
from disclosures.powers import booklet
from tests import factories

POSTER = "/v/371603201201/finance/2026-07/poster.pdf"
BOOKLET = "/v/371603201201/powers/booklet.pdf"


def text_of(pdf, tmp_path):
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.fixture
def july(wumiao):
    return factories.make_month(wumiao, 2026, 7, entries=3)


def refuse_to_render(monkeypatch):
    """From here on, rendering inside a request would fail the test."""

    def never(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(posters, "render_month_poster", never)
    monkeypatch.setattr(booklet, "render_booklet", never)


def test_publishing_a_month_queues_its_poster(pdf_worker, july):
    assert pdf_worker.queued("make_month_poster") == 1


def test_a_missing_pdf_is_queued_once_however_many_ask(
    pdf_worker,
    client,
    july,
    monkeypatch,
):
    refuse_to_render(monkeypatch)
    for _ in range(5):
        response = client.get(f"{POSTER}?size=a3")
        assert response.status_code == 202
        html = response.content.decode()
        assert "正在生成，请稍候" in html
        assert '<meta http-equiv="refresh" content="3">' in html
        assert response["Retry-After"] == "3" and response["Cache-Control"] == "no-store"
    assert pdf_worker.queued("make_month_poster") == 2  # the A4 at publication, the A3 now
    for _ in range(3):
        assert client.get(BOOKLET).status_code == 202
    assert pdf_worker.queued("make_booklet") == 1


def test_once_made_it_is_served_from_storage(pdf_worker, client, july, monkeypatch, tmp_path):
    pdf_worker.run()
    refuse_to_render(monkeypatch)
    response = client.get(POSTER)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(b"".join(response.streaming_content), tmp_path)
    assert "五庙村" in text and "2026年7月" in text
    made = GeneratedFile.objects.get(key__startswith="poster-371603201201-2026-07-a4-")
    assert made.finished_at is not None and made.seconds > 0
    assert (
        "ETag" in response
        and client.get(POSTER, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )


def test_a_publication_makes_a_new_poster(pdf_worker, client, july, tmp_path):
    before = text_of(pdf_worker.get_pdf(client, POSTER), tmp_path)
    assert "红字冲销" not in before
    correction = LedgerCorrection.objects.create(ledger=july, reason="多记500元，红字冲销")
    LedgerEntry.objects.create(
        ledger=july,
        correction=correction,
        date=datetime.date(2026, 7, 31),
        voucher_number="更07-01",
        description="冲减多记",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=-500,
    )
    factories.publish(correction)
    assert pdf_worker.queued("make_month_poster") == 2  # queued by the publication
    assert client.get(POSTER).status_code == 202  # the old file is not the month any more
    after = text_of(pdf_worker.get_pdf(client, POSTER), tmp_path)
    assert "红字冲销" in after


def test_the_booklet_is_made_by_the_worker(pdf_worker, client, july, tmp_path):
    text = text_of(pdf_worker.get_pdf(client, BOOKLET), tmp_path)
    assert "五庙村" in text
    # A village whose booklet was asked for gets the new one queued when it publishes.
    factories.make_month(july.village, 2026, 8)
    assert pdf_worker.queued("make_booklet") == 2


def test_a_rendering_that_never_finished_is_queued_again(pdf_worker, client, july):
    assert client.get(BOOKLET).status_code == 202
    assert client.get(BOOKLET).status_code == 202
    assert pdf_worker.queued("make_booklet") == 1
    long_ago = timezone.now() - generated.RETRY_AFTER - datetime.timedelta(seconds=1)
    GeneratedFile.objects.filter(key__startswith="booklet-").update(requested_at=long_ago)
    assert client.get(BOOKLET).status_code == 202
    assert pdf_worker.queued("make_booklet") == 2


def correct(month):
    correction = LedgerCorrection.objects.create(ledger=month, reason="多记500元，红字冲销")
    LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(2026, 7, 31),
        voucher_number="更07-01",
        description="冲减多记",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=-500,
    )
    factories.publish(correction)


def age(made, hours):
    GeneratedFile.objects.filter(pk=made.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=hours)
    )


def prune_generated():
    out = io.StringIO()
    call_command("prune_generated", stdout=out)
    return out.getvalue()


def test_superseded_pdfs_are_deleted_after_a_grace_period(pdf_worker, client, july, settings):
    pdf_worker.run()
    old = GeneratedFile.objects.get()
    correct(july)
    pdf_worker.run()
    new = GeneratedFile.objects.exclude(pk=old.pk).get()
    assert new.subject == old.subject == "poster-371603201201-2026-07-a4"
    files = settings.MEDIA_ROOT / "generated"
    assert sorted(p.name for p in files.iterdir()) == sorted([f"{old.key}.pdf", f"{new.key}.pdf"])

    # Replaced a minute ago: someone may still be downloading the old one.
    age(old, 30)
    assert "posters and booklets: 0 superseded deleted" in prune_generated()
    assert GeneratedFile.objects.count() == 2

    age(new, 25)
    assert "posters and booklets: 1 superseded deleted" in prune_generated()
    assert list(GeneratedFile.objects.all()) == [new]
    assert [p.name for p in files.iterdir()] == [f"{new.key}.pdf"]
    assert client.get(POSTER).status_code == 200  # the current one is served as before

    # However old, the current file of a subject is kept.
    age(new, 24 * 365)
    prune_generated()
    assert list(GeneratedFile.objects.all()) == [new]


def test_behind_nginx_a_made_pdf_is_sent_by_nginx(pdf_worker, client, july, settings):
    pdf_worker.run()
    settings.GENERATED_X_ACCEL_PREFIX = "/internal-generated/"
    response = client.get(POSTER)
    made = GeneratedFile.objects.get()
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/internal-generated/{made.key}.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="371603201201-2026-07')
    assert (settings.MEDIA_ROOT / made.path).exists()


def test_a_made_poster_costs_four_queries(pdf_worker, client, july, django_assert_num_queries):
    """The village, the month, its corrections' fingerprints (the ETag, and the file's
    key), the file's row: under load these requests share the app servers with the pages."""
    pdf_worker.run()
    client.get(POSTER)
    with django_assert_num_queries(4):
        assert client.get(POSTER).status_code == 200
