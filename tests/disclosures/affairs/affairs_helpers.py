"""Test data for the affairs catalog: disclosures, list rows, uploads."""

import datetime
import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, PngImagePlugin

from disclosures.affairs.models import CatalogItem, Disclosure, LivelihoodRow
from disclosures.attachments import Attachment
from disclosures.uploads import new_token
from tests.factories import publish

FULL_ID = "37160319800101123X"
FULL_PHONE = "13812345678"
MASKED_ID = "3716**********123X"
MASKED_PHONE = "138****5678"


def item(name):
    return CatalogItem.objects.get(name=name, township=None)


def make_disclosure(
    village,
    item_name="村民会议、村民代表会议决议",
    period=datetime.date(2026, 8, 15),
    *,
    title="关于村内道路硬化的决议",
    body="经村民代表会议表决通过。",
    rows=(),
    published=True,
    when=None,
):
    disclosure = Disclosure.objects.create(
        village=village, item=item(item_name), period_start=period, title=title, body=body
    )
    for name, group, what, amount in rows:
        LivelihoodRow.objects.create(
            disclosure=disclosure,
            name=name,
            villager_group=group,
            item=what,
            amount=amount,
            id_number=FULL_ID,
            phone=FULL_PHONE,
        )
    if published:
        publish(disclosure, when=when)
    return disclosure


def jpeg_bytes(size=(64, 48), exif=True, color=(200, 30, 30)):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x013B] = "张三"  # Artist
        data[0x8825] = {1: "N", 2: (36.0, 30.0, 0.0)}  # GPSInfo
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(40, 40)):
    image = Image.new("RGBA", size, (0, 100, 0, 128))
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13812345678")
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_attachment(
    disclosure, content=PDF_BYTES, extension="pdf", title="会议记录", summary="会议记录的摘要"
):
    """An attachment stored directly (the admin's checks are tested on their own). The
    test PDF has no text, so it comes with a summary, as the rules want."""
    attachment = Attachment(disclosure=disclosure, title=title, summary=summary)
    attachment.token = new_token()
    attachment.extension = extension
    attachment.sha256 = hashlib.sha256(content).hexdigest()
    attachment.file.save(f"x.{extension}", ContentFile(content), save=False)
    attachment.save()
    return attachment


def row_form(prefix, index, **values):
    """POST data of one form of an admin inline."""
    return {f"{prefix}-{index}-{key}": value for key, value in values.items()}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
