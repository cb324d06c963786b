"""What is stored always downloads: CSV, XLSX and the notice-board poster never fail on the
text of a published month, whatever invisible characters it holds.

A published text can never be edited, so one control character that made the month's XLSX
answer 500 broke its download for ever."""

import csv
import io
import subprocess

import pytest
from django.core.management import call_command
from django.db.models import QuerySet
from openpyxl import load_workbook

from disclosures.models import LedgerEntry, LedgerMonth
from tests import factories

# Every C0 control but NUL (PostgreSQL never held one), DEL, every C1 control, the
# bidirectional controls and a formula.
HOSTILE = (
    "".join(chr(code) for code in range(1, 32))
    + "\x7f"
    + "".join(chr(code) for code in range(0x80, 0xA0))
    + "\u202e\u2066\u200f\ufeff"
)


def legacy_entries(month, texts):
    """Entries stored as they were before text was cleaned on the way in (bulk_create of
    the plain QuerySet: no cleaning, as an older version of the portal wrote them)."""
    entries = factories.make_month(
        month.village, month.year, month.month + 1, entries=len(texts), published=False
    ).entries.all()
    rows = []
    for entry, text in zip(entries, texts, strict=True):
        entry.pk = None
        entry.ledger = month
        entry.description = text
        entry.handled_by = text[:50]
        rows.append(entry)
    QuerySet.bulk_create(LedgerEntry.objects.all(), rows)


def downloads(client, month, worker):
    """The month's and year's downloads, and its poster as the worker renders it."""
    base = f"/v/{month.village.code}/finance/"
    slug = month.period_slug
    return {
        "month.csv": client.get(f"{base}{slug}.csv"),
        "month.xlsx": client.get(f"{base}{slug}.xlsx"),
        "year.csv": client.get(f"{base}{month.year}.csv"),
        "year.xlsx": client.get(f"{base}{month.year}.xlsx"),
        "poster.pdf": worker.get_pdf(client, f"{base}{slug}/poster.pdf"),
    }


def pdf_text(content):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_control_characters_stored_in_a_published_month_still_download(client, wumiao, pdf_worker):
    month = factories.make_month(wumiao, 2022, 7, published=False)
    legacy_entries(month, [f"电费{HOSTILE}第一笔", f"=1+2{HOSTILE}", "水费\u202e00,6"])
    factories.publish(month)

    responses = downloads(client, month, pdf_worker)
    poster = responses.pop("poster.pdf")

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    sheet = load_workbook(io.BytesIO(responses["month.xlsx"].content)).active
    descriptions = [row[2] for row in sheet.iter_rows(min_row=3, max_row=5, values_only=True)]
    assert descriptions == ["电费\t\n\n\n第一笔", "=1+2\t\n\n\n", "水费00,6"]
    assert sheet["C4"].data_type == "s"  # never a formula
    rows = list(csv.reader(io.StringIO(responses["month.csv"].content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["电费\t\n\n\n第一笔", "'=1+2\t\n\n\n", "水费00,6"]
    assert "第一笔" in pdf_text(poster)


def test_every_stored_text_of_the_demo_downloads(db, client, pdf_worker):
    call_command("seed_demo", stdout=io.StringIO())
    months = LedgerMonth.objects.published().select_related("village").order_by("village", "pk")
    assert months.count() > 50

    for month in months:
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/v/{month.village.code}/finance/{month.period_slug}.{fmt}")
            assert response.status_code == 200, (month, fmt)
    latest = {}
    for month in months:
        latest[month.village_id] = month
    for month in latest.values():
        responses = downloads(client, month, pdf_worker)
        assert pdf_text(responses.pop("poster.pdf")), month
        for name, response in responses.items():
            assert response.status_code == 200, (month, name)
        texts = set(month.entries.values_list("description", flat=True))
        assert texts and all(text.strip() for text in texts)


@pytest.mark.parametrize("text", ["a\u202eb", "c\x07d", "e\u200bf"])
def test_new_text_is_cleaned_on_the_way_in(wumiao, text):
    month = factories.make_month(wumiao, 2022, 7, published=False)
    entry = factories.make_month(wumiao, 2022, 8, entries=1, published=False).entries.get()
    entry.ledger, entry.description, entry.voucher_number = month, text, "记０７－００１"

    entry.save()

    entry.refresh_from_db()
    assert len(entry.description) == 2 and entry.description.isprintable()
    assert entry.voucher_number == "记07-001"
