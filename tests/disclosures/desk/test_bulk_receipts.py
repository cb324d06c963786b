"""Many receipt photos for a month in one upload, matched by voucher number; the rest
wait for their line; nothing uploaded is lost (disclosures/finance/bulk_receipts.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from disclosures.finance import bulk_receipts
from disclosures.finance.bulk_receipts import match_voucher
from tests.disclosures.review_helpers import draft_month

VOUCHERS = ["记08-001", "记08-002", "记08-010", "记08-100"]


@pytest.mark.parametrize(
    ("filename", "voucher"),
    [
        ("记08-002.jpg", "记08-002"),
        ("IMG 记08-010 发票.jpeg", "记08-010"),
        ("记08-100.jpg", "记08-100"),  # not 记08-010: the longest match wins
        ("08-002 发票.png", "记08-002"),
        ("０８－００２.jpg", "记08-002"),  # full-width, as a Chinese IME types it
        ("2.jpg", "记08-002"),
        ("100.jpg", "记08-100"),
        ("随手拍.jpg", None),
        ("7.jpg", None),
        ("08.jpg", None),  # every voucher has 08: no single line
    ],
)
def test_a_file_name_names_its_line(filename, voucher):
    assert match_voucher(filename, VOUCHERS) == voucher


def photo(name, color="white", fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def august(wumiao, accountant):
    return draft_month(wumiao, 2026, 8, created_by=accountant, lines=3)


def url(month):
    return reverse("admin:disclosures_ledgermonth_receipts", args=[month.pk])


def upload(client, month, *files):
    return client.post(url(month), {"action": "upload", "photos": list(files)}, follow=True)


def test_matched_photos_are_attached_and_the_rest_wait(client_for, accountant, august):
    client = client_for(accountant)
    response = upload(
        client,
        august,
        photo("记08-001.jpg"),
        photo("08-002 发票.png", fmt="PNG"),
        photo("随手拍.jpg"),
        SimpleUploadedFile("说明.txt", b"not a photo", "text/plain"),
    )

    assert august.entries.get(voucher_number="记08-001").photos.count() == 1
    assert august.entries.get(voucher_number="记08-002").photos.count() == 1
    assert [item.name for item in bulk_receipts.pending(august)] == ["随手拍"]
    content = response.content.decode()
    assert "说明.txt: 此文件不是 JPEG 或 PNG 格式的照片" in content  # refused, with why
    assert 'id="bulk-assign"' in content
    assert "随手拍" in content


def test_a_waiting_photo_is_attached_to_the_line_picked(client_for, accountant, august):
    client = client_for(accountant)
    upload(client, august, photo("随手拍.jpg"))
    (item,) = bulk_receipts.pending(august)
    line = august.entries.get(voucher_number="记08-003")

    client.post(url(august), {"action": "assign", f"line-{item.token}": line.pk})

    assert line.photos.count() == 1
    assert bulk_receipts.pending(august) == []


def test_a_waiting_photo_can_be_discarded(client_for, accountant, august):
    client = client_for(accountant)
    upload(client, august, photo("随手拍.jpg"))
    (item,) = bulk_receipts.pending(august)

    client.post(url(august), {"action": "discard", "token": item.token})

    assert bulk_receipts.pending(august) == []
    assert not any(august.entries.filter(photos__isnull=False))


def test_waiting_photos_are_stored_without_their_metadata(client_for, accountant, august):
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    upload(client_for(accountant), august, SimpleUploadedFile("x.jpg", buffer.getvalue()))

    (stored,) = list((pathlib_folder := august_pending_folder(august)).iterdir())
    assert b"SecretPhone" not in stored.read_bytes(), pathlib_folder


def august_pending_folder(month):
    from django.conf import settings

    return settings.MEDIA_ROOT / "receipts" / "pending" / str(month.pk)


def test_another_village_s_accountant_gets_a_404(client_for, other_accountant, august):
    assert client_for(other_accountant).get(url(august)).status_code == 404


def test_a_submitted_month_takes_no_more_photos(client_for, accountant, august):
    august.submit(accountant)

    assert client_for(accountant).get(url(august)).status_code == 403


def test_the_month_page_links_to_the_bulk_upload(client_for, accountant, august):
    change = reverse("admin:disclosures_ledgermonth_change", args=[august.pk])

    assert url(august) in client_for(accountant).get(change).content.decode()
