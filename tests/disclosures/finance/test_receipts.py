"""Receipt photos: what is stored (re-encoded, no metadata, generated names), what is
refused, who may attach them in the admin, and who sees them (only once published)."""

import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from disclosures.finance import photos
from disclosures.finance.photos import ReceiptPhotoError, attach_receipt
from disclosures.models import Kind, LedgerCorrection, LedgerEntry, ReceiptPhoto
from disclosures.publishing import PublishedRecordError
from tests import factories

PHONE_MODEL = "VillagePhone X9"
COMMENT = "Wang Xiaoming 13800138000"
ADD_URL = "/admin/disclosures/receiptphoto/add/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(400, 300), orientation=6):
    """A phone photo: EXIF with the camera, the time, a GPS position and an orientation
    (6: the camera was turned, show it rotated 90° clockwise), a comment and an ICC profile."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1] // 4))  # mark the top left
    exif = Image.Exif()
    exif[0x010F] = "VillagePhone"  # Make
    exif[0x0110] = PHONE_MODEL  # Model
    exif[0x0132] = "2026:07:15 09:30:00"  # DateTime
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (37.0, 42.0, 18.5)
    gps[3], gps[4] = "E", (118.0, 7.0, 44.2)
    buffer = io.BytesIO()
    icc = b"\0" * 128 + b"fake-icc-profile"
    image.save(buffer, "JPEG", exif=exif, comment=COMMENT.encode(), icc_profile=icc)
    return buffer.getvalue()


def png_bytes(size=(300, 200), mode="RGBA"):
    image = Image.new(mode, size, (20, 120, 20, 128) if mode == "RGBA" else 1)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(data, name="王小明的发票.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_bytes(field):
    with default_storage.open(field.name, "rb") as handle:
        return handle.read()


def add_entry(month, voucher="记07-003", description="村内环境整治费用", correction=None):
    return LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, 15),
        voucher_number=voucher,
        description=description,
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "公益支出"),
        amount=Decimal("6500"),
        approved_by="韩兴和",
    )


@pytest.fixture
def draft(wumiao):
    return factories.make_month(wumiao, 2026, 7, published=False)


@pytest.fixture
def entry(draft):
    return add_entry(draft)


@pytest.fixture
def published_entry(wumiao):
    month = factories.make_month(wumiao, 2026, 6, published=False)
    entry = add_entry(month, voucher="记06-001", description="修路材料费")
    attach_receipt(entry, upload(jpeg_with_gps()))
    factories.publish(month)
    return entry


class TestWhatIsStored:
    def test_exif_gps_comment_and_icc_profile_are_stripped(self, entry):
        original = jpeg_with_gps()
        assert b"Exif" in original and PHONE_MODEL.encode() in original  # the test's premise

        photo = attach_receipt(entry, upload(original))

        data = stored_bytes(photo.image)
        for forbidden in (b"Exif", PHONE_MODEL.encode(), COMMENT.encode(), b"fake-icc", b"ICC"):
            assert forbidden not in data
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(stored.info)
        thumbnail = stored_bytes(photo.thumbnail)
        assert b"Exif" not in thumbnail and PHONE_MODEL.encode() not in thumbnail

    def test_the_exif_orientation_is_applied_to_the_pixels(self, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps(size=(400, 300), orientation=6)))
        stored = Image.open(io.BytesIO(stored_bytes(photo.image)))
        assert stored.size == (300, 400)
        # The blue mark at the top left of the sensor is at the top right once upright.
        red, green, blue = stored.getpixel((stored.width - 10, 10))
        assert blue > 150 and red < 100

    def test_names_are_generated_never_the_uploaded_name(self, entry, media_root):
        photo = attach_receipt(entry, upload(jpeg_with_gps(), name="王小明 13800138000.jpg"))
        assert re.fullmatch(r"[0-9a-f]{32}", photo.token)
        assert photo.image.name == f"receipts/{photo.token}.jpg"
        assert photo.thumbnail.name == f"receipts/{photo.token}-thumb.jpg"
        files = sorted(path.name for path in (media_root / "receipts").iterdir())
        assert files == sorted([f"{photo.token}.jpg", f"{photo.token}-thumb.jpg"])
        other = attach_receipt(entry, upload(jpeg_with_gps(), name="王小明 13800138000.jpg"))
        assert other.token != photo.token

    def test_the_sha256_is_of_the_stored_photo(self, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps()))
        assert photo.sha256 == hashlib.sha256(stored_bytes(photo.image)).hexdigest()
        photo.refresh_from_db()
        assert photo.entry == entry

    def test_a_thumbnail_is_made(self, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps(size=(1600, 1200), orientation=1)))
        thumbnail = Image.open(io.BytesIO(stored_bytes(photo.thumbnail)))
        assert thumbnail.format == "JPEG"
        assert thumbnail.size == (240, 180)

    def test_the_longest_side_is_capped(self, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps(size=(3000, 1000), orientation=1)))
        stored = Image.open(io.BytesIO(stored_bytes(photo.image)))
        assert stored.size == (2000, 667)

    def test_a_png_is_accepted_and_stored_as_jpeg(self, entry):
        photo = attach_receipt(entry, upload(png_bytes(), "scan.png", "image/png"))
        stored = Image.open(io.BytesIO(stored_bytes(photo.image)))
        assert stored.format == "JPEG"
        assert stored.mode == "RGB"
        assert stored.size == (300, 200)
        # Transparency is put on white paper, not on black.
        assert min(stored.getpixel((10, 10))) > 100

    @pytest.mark.parametrize("mode", ["P", "L", "1", "LA", "I;16"])
    def test_other_png_modes_are_accepted(self, entry, mode):
        image = Image.new(mode, (50, 40))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        photo = attach_receipt(entry, upload(buffer.getvalue(), "scan.png"))
        assert Image.open(io.BytesIO(stored_bytes(photo.image))).size == (50, 40)


class TestWhatIsRefused:
    @pytest.fixture(autouse=True)
    def english(self):
        # The messages are matched in English; the admin shows them in Chinese too.
        with translation.override("en"):
            yield

    def test_a_text_file_renamed_jpg(self, entry, media_root):
        with pytest.raises(ReceiptPhotoError, match="not a JPEG or PNG") as refused:
            attach_receipt(entry, upload(b"just some text, not a photo\n" * 20, "receipt.jpg"))
        assert refused.value.code == "not_an_image"
        assert not ReceiptPhoto.objects.exists()
        assert not (media_root / "receipts").exists()

    def test_another_image_format(self, entry):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 40)).save(buffer, "GIF")
        with pytest.raises(ReceiptPhotoError, match="not a JPEG or PNG"):
            attach_receipt(entry, upload(buffer.getvalue(), "receipt.jpg"))

    def test_a_truncated_jpeg(self, entry):
        # WeasyPrint, imported with the poster, switches on Pillow's LOAD_TRUNCATED_IMAGES
        # for the whole process; the upload check must not inherit it.
        data = jpeg_with_gps(size=(800, 600))
        with pytest.raises(ReceiptPhotoError, match="not a JPEG or PNG"):
            attach_receipt(entry, upload(data[: len(data) // 2]))

    def test_a_file_over_8_mb(self, entry):
        data = jpeg_with_gps() + b"\0" * (8 * 1024 * 1024)
        with pytest.raises(ReceiptPhotoError, match="at most 8 MB") as refused:
            attach_receipt(entry, upload(data))
        assert refused.value.code == "too_large"

    def test_too_many_pixels(self, entry):
        # 8000 × 6000 black and white pixels compress to a few kilobytes: a small upload
        # that would take 144 MB once decoded as RGB.
        data = png_bytes(size=(8000, 6000), mode="1")
        assert len(data) < 100_000
        with pytest.raises(ReceiptPhotoError, match="too many pixels") as refused:
            attach_receipt(entry, upload(data, "scan.png"))
        assert refused.value.code == "too_many_pixels"

    def test_an_entry_of_a_published_list(self, published_entry, media_root):
        before = sorted((media_root / "receipts").iterdir())
        with pytest.raises(PublishedRecordError):
            attach_receipt(published_entry, upload(jpeg_with_gps()))
        assert published_entry.photos.count() == 1
        assert sorted((media_root / "receipts").iterdir()) == before

    def test_a_photo_of_a_published_list_is_not_deleted(self, published_entry):
        with pytest.raises(PublishedRecordError):
            published_entry.photos.get().delete()


def test_the_fingerprint_covers_the_photos(published_entry):
    month = published_entry.ledger
    content = month.canonical_content()
    assert content["entries"][0]["photos"] == [published_entry.photos.get().sha256]


def test_deleting_a_draft_photo_deletes_its_files(
    entry, media_root, django_capture_on_commit_callbacks
):
    photo = attach_receipt(entry, upload(jpeg_with_gps()))
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert list((media_root / "receipts").iterdir()) == []


class TestPublicAddresses:
    def url(self, photo, suffix=""):
        return f"/v/371603201201/receipts/{photo.token}{suffix}.jpg"

    def test_a_draft_photo_is_not_served(self, client, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps()))
        assert client.get(self.url(photo)).status_code == 404
        assert client.get(self.url(photo, "-thumb")).status_code == 404

    def test_a_submitted_photo_is_not_served(self, client, draft, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps()))
        draft.submit(factories.workflow_users()[0])
        assert client.get(self.url(photo)).status_code == 404

    def test_a_published_photo_and_thumbnail_are_served(self, client, published_entry):
        photo = published_entry.photos.get()
        response = client.get(self.url(photo))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == stored_bytes(photo.image)
        assert "public" in response["Cache-Control"]
        assert "max-age" in response["Cache-Control"]
        thumbnail = client.get(self.url(photo, "-thumb"))
        assert thumbnail.status_code == 200
        assert thumbnail["Content-Type"] == "image/jpeg"
        assert b"".join(thumbnail.streaming_content) == stored_bytes(photo.thumbnail)

    def test_another_village_code_is_not_found(self, client, published_entry, dongying):
        photo = published_entry.photos.get()
        assert client.get(f"/v/371603201202/receipts/{photo.token}.jpg").status_code == 404
        assert client.get(f"/v/371603201299/receipts/{photo.token}.jpg").status_code == 404

    def test_an_unknown_token_is_not_found(self, client, published_entry):
        assert client.get(f"/v/371603201201/receipts/{'0' * 32}.jpg").status_code == 404
        assert client.get("/v/371603201201/receipts/../../settings.jpg").status_code == 404

    def test_a_photo_of_a_published_correction_is_served(self, client, published_entry):
        month = published_entry.ledger
        correction = LedgerCorrection.objects.create(ledger=month, reason="补充票据")
        adjusting = add_entry(month, "更06-01", "补记运费", correction=correction)
        photo = attach_receipt(adjusting, upload(jpeg_with_gps()))
        assert client.get(self.url(photo)).status_code == 404
        factories.publish(correction)
        assert client.get(self.url(photo)).status_code == 200

    def test_the_include_shows_thumbnails_linking_to_photos(self, published_entry, wumiao):
        photo = published_entry.photos.get()
        html = render_to_string(
            "disclosures/finance/includes/_receipts.html",
            {"entry": published_entry, "village": wumiao},
        )
        assert f'href="/v/371603201201/receipts/{photo.token}.jpg"' in html
        assert f'src="/v/371603201201/receipts/{photo.token}-thumb.jpg"' in html
        without = add_entry(factories.make_month(wumiao, 2026, 8, published=False), "记08-1")
        assert "<img" not in render_to_string(
            "disclosures/finance/includes/_receipts.html", {"entry": without, "village": wumiao}
        )

    def test_the_include_makes_no_query_with_photos_prefetched(self, wumiao, draft):
        for number in range(5):
            attach_receipt(add_entry(draft, f"记{number}"), upload(jpeg_with_gps()))
        entries = list(draft.entries.prefetch_related("photos"))
        with CaptureQueriesContext(connection) as queries:
            for entry in entries:
                render_to_string(
                    "disclosures/finance/includes/_receipts.html",
                    {"entry": entry, "village": wumiao},
                )
        assert len(queries) == 0


class TestAdmin:
    def post(self, client, entry, data=None, name="receipt.jpg"):
        return client.post(
            ADD_URL, {"entry": entry.pk, "upload": upload(data or jpeg_with_gps(), name)}
        )

    def test_the_accountant_attaches_a_photo(self, client_for, accountant, entry):
        response = self.post(client_for(accountant), entry)
        assert response.status_code == 302, response.content.decode()[:2000]
        photo = entry.photos.get()
        assert b"Exif" not in stored_bytes(photo.image)

    def test_a_file_that_is_no_photo_is_refused_with_a_message(self, client_for, accountant, entry):
        response = self.post(client_for(accountant), entry, b"%PDF-1.4 not a photo")
        assert response.status_code == 200
        [error] = response.context["adminform"].form.errors.as_data()["upload"]
        assert error.code == "not_an_image"
        assert error.messages[0] in response.content.decode()  # shown, in the user's language
        assert not ReceiptPhoto.objects.exists()

    def test_only_entries_of_own_editable_lists_are_offered(
        self, client_for, accountant, entry, published_entry, yanjia
    ):
        other_village = add_entry(factories.make_month(yanjia, 2026, 7, published=False))
        response = client_for(accountant).get(ADD_URL)
        choices = {pk for pk, _ in response.context["adminform"].form.fields["entry"].choices}
        ids = {getattr(pk, "value", pk) for pk in choices if pk}
        assert ids == {entry.pk}
        assert published_entry.pk not in ids and other_village.pk not in ids

    def test_an_accountant_of_another_village_cannot_pick_the_entry(
        self, client_for, other_accountant, entry
    ):
        response = self.post(client_for(other_accountant), entry)
        assert response.status_code == 200
        assert "entry" in response.context["adminform"].form.errors
        assert not ReceiptPhoto.objects.exists()

    def test_no_photo_is_added_to_a_published_months_entry(
        self, client_for, accountant, published_entry
    ):
        response = self.post(client_for(accountant), published_entry)
        assert response.status_code == 200
        assert "entry" in response.context["adminform"].form.errors
        assert published_entry.photos.count() == 1

    def test_the_list_shows_thumbnails_of_own_villages_only(
        self, client_for, accountant, other_accountant, entry
    ):
        photo = attach_receipt(entry, upload(jpeg_with_gps()))
        client = client_for(accountant)
        page = client.get("/admin/disclosures/receiptphoto/").content.decode()
        thumbnail_url = f"/admin/disclosures/receiptphoto/{photo.pk}/thumbnail.jpg"
        assert thumbnail_url in page
        response = client.get(thumbnail_url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        other = client_for(other_accountant)
        assert photo.token not in other.get("/admin/disclosures/receiptphoto/").content.decode()
        assert other.get(thumbnail_url).status_code == 404

    def test_delete_while_editable_only(self, client_for, accountant, entry, published_entry):
        client = client_for(accountant)
        draft_photo = attach_receipt(entry, upload(jpeg_with_gps()))
        published_photo = published_entry.photos.get()
        base = "/admin/disclosures/receiptphoto"
        assert client.get(f"{base}/{draft_photo.pk}/delete/").status_code == 200
        assert client.get(f"{base}/{published_photo.pk}/delete/").status_code == 403
        response = client.post(f"{base}/{draft_photo.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not ReceiptPhoto.objects.filter(pk=draft_photo.pk).exists()
        # The bulk action keeps published photos.
        client.post(
            f"{base}/",
            {"action": "delete_selected", "_selected_action": [published_photo.pk], "post": "yes"},
        )
        assert ReceiptPhoto.objects.filter(pk=published_photo.pk).exists()

    def test_a_photo_is_never_changed(self, client_for, accountant, superuser, entry):
        photo = attach_receipt(entry, upload(jpeg_with_gps()))
        response = client_for(superuser).post(
            f"/admin/disclosures/receiptphoto/{photo.pk}/change/", {"entry": entry.pk}
        )
        assert response.status_code == 403


def test_refusals_are_validation_errors():
    # The admin form shows them on the upload field.
    assert issubclass(ReceiptPhotoError, ValidationError)
    assert photos.MAX_UPLOAD_BYTES == 8 * 1024 * 1024
