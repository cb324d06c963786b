"""Receipt photos (票据照片): an accountant attaches a photo of a voucher or receipt to an
entry; villagers see it once the entry's list is published.

An upload is trusted for nothing. It must really be a JPEG or PNG (Pillow reads and
verifies it: the file name and the browser's content type are ignored), not larger than
MAX_UPLOAD_BYTES, and not more than MAX_PIXELS pixels (a small file can unpack into a huge
image). What is stored is a new JPEG drawn from the pixels alone, upright (EXIF
orientation applied), at most MAX_SIDE pixels on its longest side, without any metadata:
no EXIF (GPS position, phone model, time), no ICC profile, no comment. The names are
random tokens, never the uploaded name. The photo's SHA-256 goes into the month's
fingerprint when the month is published.

Published photos are served by receipt_photo/receipt_thumbnail below; drafts' photos only
through the admin (admin.py), to the staff of the village.
"""

import hashlib
import io
import secrets
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import pgettext_lazy
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from disclosures.finance.models import ReceiptPhoto

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
THUMBNAIL_SIDE = 240
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
ACCEPTED_FORMATS = {"JPEG", "PNG"}
# Published photos never change (a new photo gets a new token): caches may keep them.
PUBLIC_MAX_AGE = 365 * 24 * 3600


class ReceiptPhotoError(ValidationError):
    """The upload is refused; the message says why, in words an accountant understands."""


@dataclass(frozen=True)
class PreparedPhoto:
    """A re-encoded photo ready to store: JPEG bytes of the photo and its thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int

    @property
    def sha256(self):
        return hashlib.sha256(self.image).hexdigest()


def _open_checked(uploaded_file):
    """The upload as a verified, decoded Pillow image of an accepted format."""
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if size > MAX_UPLOAD_BYTES:
        raise ReceiptPhotoError(
            pgettext_lazy(
                "receipts", "The file is %(size)s MB; a photo may be at most %(limit)s MB."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            code="too_large",
        )
    not_an_image = ReceiptPhotoError(
        pgettext_lazy(
            "receipts",
            "This file is not a JPEG or PNG photo. Take a photo of the receipt or scan it.",
        ),
        code="not_an_image",
    )
    with warnings.catch_warnings():
        # Pillow's own bomb guard (a warning above Image.MAX_IMAGE_PIXELS) is an error here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            uploaded_file.seek(0)
            with Image.open(uploaded_file) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                _check_pixels(*probe.size)
                probe.verify()  # checksums and structure, without decoding the pixels
            uploaded_file.seek(0)
            image = Image.open(uploaded_file)
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            _check_pixels(*image.size)
            if image.format == "JPEG":
                # Decode a big phone photo at a reduced scale (still MAX_SIDE or more).
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            with _truncated_images_refused():
                image.load()
        except ReceiptPhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            # Pillow reports truncated or corrupt files with any of these.
            raise not_an_image from error
    return image


@contextmanager
def _truncated_images_refused():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported,
    which would let half an upload through, its missing part painted grey."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _too_many_pixels():
    return ReceiptPhotoError(
        pgettext_lazy(
            "receipts",
            "The picture has too many pixels (at most %(limit)d million); "
            "take it again at a lower resolution.",
        )
        % {"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check_pixels(width, height):
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()


def _flatten(image):
    """RGB pixels only: transparency goes on white paper, palettes and CMYK are resolved."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: scale to 8 bits before converting.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _jpeg(image, quality):
    # A new image from the pixels alone: nothing of the upload's info (EXIF, ICC profile,
    # comments, XMP) can ride along into the saved file.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def prepare_receipt(uploaded_file):
    """Check and re-encode an upload. Raises ReceiptPhotoError with the reason."""
    with _open_checked(uploaded_file) as image:
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # a damaged EXIF block: keep the pixels as they are
            upright = image
        pixels = _flatten(upright)
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return PreparedPhoto(
        image=_jpeg(pixels, JPEG_QUALITY),
        thumbnail=_jpeg(thumbnail, THUMBNAIL_QUALITY),
        width=pixels.width,
        height=pixels.height,
    )


def store_receipt(photo, prepared):
    """Fill an unsaved ReceiptPhoto (its entry set) from a prepared photo and save it.

    Refuses an entry of a published list before anything is written."""
    photo.entry.refuse_if_published()
    photo.token = secrets.token_hex(16)
    photo.sha256 = prepared.sha256
    try:
        with transaction.atomic():
            # The upload_to functions name the files after the token.
            photo.image.save("receipt.jpg", ContentFile(prepared.image), save=False)
            photo.thumbnail.save("thumbnail.jpg", ContentFile(prepared.thumbnail), save=False)
            photo.save()
    except BaseException:
        _delete_files(photo.image.name, photo.thumbnail.name)
        raise
    return photo


def attach_receipt(entry, uploaded_file):
    """Attach a photo of a voucher or receipt to an entry of an editable list.

    Returns the saved ReceiptPhoto; raises ReceiptPhotoError (a ValidationError) when the
    upload is refused, PublishedRecordError when the entry's list is published."""
    entry.refuse_if_published()
    return store_receipt(ReceiptPhoto(entry=entry), prepare_receipt(uploaded_file))


def _delete_files(*names):
    for name in names:
        if name:
            default_storage.delete(name)


@receiver(post_delete, sender=ReceiptPhoto, dispatch_uid="receipt_photo_files")
def delete_receipt_files(sender, instance, **kwargs):
    """A deleted photo (or the draft entry it belonged to) leaves no file behind, once the
    deletion is committed."""
    names = (instance.image.name, instance.thumbnail.name)
    transaction.on_commit(lambda: _delete_files(*names))
