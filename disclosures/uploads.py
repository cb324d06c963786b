"""Uploaded images and PDFs: checked, cleaned, and stored under generated names.

An image may carry the phone's GPS position and a person's name in its metadata, and an
uploaded file name may carry a name too. So images (JPEG or PNG only) are decoded and
re-encoded from their pixels, which leaves every metadata block behind; PDFs are accepted
by their magic bytes and their text is read out (pdf_text), for the page that shows it to
phones that cannot open a PDF; and everything is stored as <random token>.<extension>.
"""

import hashlib
import io
import logging
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; anything larger is refused, not decoded
MAX_IMAGE_SIDE = 2400  # stored images are scaled down to this: enough to read a receipt
THUMBNAIL_SIDE = 320
PDF_MAGIC = b"%PDF-"
# Reading a PDF's text: enough pages and characters for any minutes or notice; a longer
# document is still there in full as the PDF.
MAX_TEXT_PAGES = 100
MAX_TEXT_CHARS = 50_000


class Cleaned:
    """An upload after checking: its bytes, extension and SHA-256, and a thumbnail."""

    def __init__(self, content, extension, thumbnail=None, text=""):
        self.content = content
        self.extension = extension
        self.thumbnail = thumbnail
        self.text = text
        self.sha256 = hashlib.sha256(content).hexdigest()

    @property
    def is_image(self):
        return self.extension in ("jpg", "png")


def _encode(image, kind, max_side):
    image = image.copy()
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if kind == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def clean_image(data, *, max_side=MAX_IMAGE_SIDE):
    """Decode a JPEG or PNG and re-encode it from its pixels, upright and without
    metadata. Raises ValidationError for anything else."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = {"JPEG": "jpg", "PNG": "png"}.get(probe.format)
            if kind is None:
                raise ValidationError(_("Upload a JPEG or PNG photo, or a PDF."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This image is too large (over 40 megapixels)."))
            probe.load()
            # Turn the pixels the way the camera meant before the EXIF tag is dropped.
            upright = ImageOps.exif_transpose(probe)
            # A fresh image holds the pixels only: no EXIF, GPS, XMP, ICC or text chunks.
            mode = upright.mode if upright.mode in ("1", "L", "LA", "RGB", "RGBA") else "RGBA"
            if kind == "jpg":
                mode = "RGB"
            pixels = upright.convert(mode)
            bare = Image.new(mode, pixels.size)
            bare.paste(pixels)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a readable JPEG or PNG image.")) from error
    return Cleaned(
        _encode(bare, kind, max_side), kind, thumbnail=_encode(bare, "jpg", THUMBNAIL_SIDE)
    )


def clean_upload(uploaded):
    """Check an uploaded file for an attachment: a PDF (by its magic bytes) or a JPEG or
    PNG image (re-encoded), at most 10 MB."""
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    uploaded.seek(0)
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    if data.startswith(PDF_MAGIC):
        return Cleaned(data, "pdf", text=pdf_text(data))
    return clean_image(data)


def pdf_text(data):
    """The text of a PDF's pages as plain text: one blank line between paragraphs (and
    pages), one line per printed line; "" for a scan or a PDF that cannot be read.

    pypdf's layout mode keeps the vertical gaps between paragraphs as blank lines, which
    the plain mode loses; the spaces it pads lines with are dropped here."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = []
        for page in reader.pages[:MAX_TEXT_PAGES]:
            try:
                pages.append(page.extract_text(extraction_mode="layout"))
            except ValueError:
                pages.append(page.extract_text())
            if sum(map(len, pages)) > MAX_TEXT_CHARS:
                break
    except Exception:  # pypdf raises many kinds on a broken PDF: none has text to show
        logger.info("No text read from an uploaded PDF", exc_info=True)
        return ""
    return tidy_text("\n\n".join(pages))[:MAX_TEXT_CHARS]


def tidy_text(text):
    """Lines without their padding, at most one blank line in a row, no control
    characters (a PDF may map glyphs to anything)."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]", "", text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def new_token():
    return secrets.token_hex(16)


def thumbnail_name(attachment):
    return f"attachments/{attachment.token}-thumb.jpg"


def clean_photo(uploaded):
    """A portrait (a cadre's photo): re-encoded, at most 800 px, named by a new token."""
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    uploaded.seek(0)
    cleaned = clean_image(uploaded.read(MAX_UPLOAD_BYTES + 1), max_side=800)
    return ContentFile(cleaned.content, name=f"{new_token()}.{cleaned.extension}")
