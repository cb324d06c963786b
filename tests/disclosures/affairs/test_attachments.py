"""Attachments: only JPEG, PNG and PDF, at most 10 MB, images re-encoded without their
metadata, stored under generated names; served only once published."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from disclosures.attachments import Attachment
from disclosures.uploads import MAX_UPLOAD_BYTES, clean_upload
from tests.disclosures.affairs.affairs_helpers import (
    PDF_BYTES,
    add_attachment,
    jpeg_bytes,
    make_disclosure,
    management,
    png_bytes,
)
from tests.factories import publish


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_jpeg_is_re_encoded_without_its_metadata():
    original = jpeg_bytes()
    assert b"PhoneMaker" in original
    cleaned = clean_upload(upload("张三的收据.jpg", original))
    assert cleaned.extension == "jpg"
    assert b"PhoneMaker" not in cleaned.content
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (64, 48)
    assert cleaned.sha256 == hashlib.sha256(cleaned.content).hexdigest()
    assert cleaned.thumbnail


def test_a_png_is_re_encoded_without_its_text_chunks():
    original = png_bytes()
    assert b"Author" in original
    cleaned = clean_upload(upload("a.png", original))
    assert cleaned.extension == "png"
    assert b"Author" not in cleaned.content and b"13812345678" not in cleaned.content
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_a_large_photo_is_scaled_down():
    cleaned = clean_upload(upload("big.jpg", jpeg_bytes(size=(4000, 3000), exif=False)))
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert max(image.size) == 2400


def test_a_pdf_is_recognized_by_its_magic_bytes():
    cleaned = clean_upload(upload("决议.pdf", PDF_BYTES))
    assert cleaned.extension == "pdf" and cleaned.content == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.jpg", b"GIF89a" + b"\x00" * 100),
        ("truncated.jpg", jpeg_bytes()[:40]),
        ("page.html", b"<!DOCTYPE html><p>hello</p>"),
        ("empty.pdf", b""),
    ],
)
def test_anything_else_is_refused(name, content):
    with pytest.raises(ValidationError):
        clean_upload(upload(name, content))


def test_a_file_over_ten_megabytes_is_refused():
    with translation.override("en"), pytest.raises(ValidationError, match="10 MB"):
        clean_upload(upload("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES))


def attachment_post(wumiao, disclosure, files):
    data = {
        "village": wumiao.pk,
        "item": disclosure.item_id,
        "period_start": disclosure.period_start.isoformat(),
        "title": disclosure.title,
        "body": disclosure.body,
        **management("attachments", len(files)),
    }
    for index, (title, file, *summary) in enumerate(files):
        data[f"attachments-{index}-title"] = title
        data[f"attachments-{index}-file"] = file
        data[f"attachments-{index}-summary"] = "".join(summary)
    return data


def test_the_admin_stores_uploads_under_generated_names(wumiao, accountant, client_for, media):
    draft = make_disclosure(wumiao, published=False)
    response = client_for(accountant).post(
        f"/admin/disclosures/disclosure/{draft.pk}/change/",
        attachment_post(
            wumiao,
            draft,
            [
                ("签到表", upload("张三 13812345678.jpg", jpeg_bytes(), "image/jpeg")),
                (
                    "会议记录",
                    upload("会议记录.pdf", PDF_BYTES, "application/pdf"),
                    "会议记录的摘要",
                ),
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo, minutes = Attachment.objects.order_by("title")[::-1]
    assert photo.title == "签到表"
    assert photo.file.name == f"attachments/{photo.token}.jpg"
    assert len(photo.token) == 32
    stored = (media / photo.file.name).read_bytes()
    assert photo.sha256 == hashlib.sha256(stored).hexdigest()
    assert b"PhoneMaker" not in stored
    assert (media / f"attachments/{photo.token}-thumb.jpg").exists()
    assert minutes.file.name == f"attachments/{minutes.token}.pdf"
    assert not any("张三" in path.name or "会议" in path.name for path in media.rglob("*"))


def test_the_admin_refuses_a_disguised_file(wumiao, accountant, client_for):
    draft = make_disclosure(wumiao, published=False)
    response = client_for(accountant).post(
        f"/admin/disclosures/disclosure/{draft.pk}/change/",
        attachment_post(
            wumiao, draft, [("x", upload("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))]
        ),
    )
    assert response.status_code == 200
    assert not Attachment.objects.exists()


def test_staff_preview_attachments_of_drafts_in_their_villages_only(
    wumiao, accountant, other_accountant, reviewer, client_for
):
    draft = make_disclosure(wumiao, published=False)
    attachment = add_attachment(draft)
    url = f"/admin/disclosures/disclosure/{draft.pk}/attachments/{attachment.token}/"
    response = client_for(accountant).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "no-store" in response["Cache-Control"]
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(other_accountant).get(url).status_code == 404


def test_attachments_of_drafts_are_not_public(wumiao, client):
    draft = make_disclosure(wumiao, published=False)
    attachment = add_attachment(draft)
    url = f"/v/{wumiao.code}/attachments/{attachment.token}"
    assert client.get(url).status_code == 404
    publish(draft)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_attachment_is_served_only_under_its_own_village(wumiao, yanjia, client):
    published = make_disclosure(wumiao, published=False)
    attachment = add_attachment(published)
    publish(published)
    assert client.get(f"/v/{yanjia.code}/attachments/{attachment.token}").status_code == 404
    assert client.get(f"/v/{wumiao.code}/attachments/{'0' * 32}").status_code == 404


def test_an_image_is_served_with_a_thumbnail(wumiao, accountant, client_for, client):
    draft = make_disclosure(wumiao, published=False)
    client_for(accountant).post(
        f"/admin/disclosures/disclosure/{draft.pk}/change/",
        attachment_post(
            wumiao, draft, [("现场照片", upload("a.jpg", jpeg_bytes((1600, 1200)), "image/jpeg"))]
        ),
    )
    publish(draft)
    client.logout()
    photo = Attachment.objects.get()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f"/v/{wumiao.code}/attachments/{photo.token}/thumbnail" in page
    thumb = client.get(f"/v/{wumiao.code}/attachments/{photo.token}/thumbnail")
    assert thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert max(image.size) == 320
