"""Receipts in bulk: many photos for one month in one upload, each matched to its line by
the voucher number in its file name (记08-003.jpg, 08-003 发票.jpg, 3.jpg). A photo that
matches no line, or more than one, waits in the month's pending folder until someone
picks its line or discards it: nothing uploaded is lost. Pending photos are kept already
re-encoded (no EXIF, no GPS), like every stored receipt."""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from disclosures.finance.models import ReceiptPhoto
from disclosures.finance.photos import ReceiptPhotoError, prepare_receipt, store_receipt

TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Pending:
    token: str
    name: str  # the uploaded file's name, to help pick its line


def _normal(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _last_number(voucher):
    numbers = re.findall(r"\d+", voucher)
    return int(numbers[-1]) if numbers else None


def _core(voucher):
    """记08-003 -> 08-003: the number without the word in front of it."""
    return re.sub(r"^\D+", "", _normal(voucher))


def _longest_inside(stem, vouchers, key):
    """The vouchers whose key is the longest found inside the stem."""
    found = [voucher for voucher in vouchers if key(voucher) and key(voucher) in stem]
    longest = max((len(key(voucher)) for voucher in found), default=0)
    return [voucher for voucher in found if len(key(voucher)) == longest]


def match_voucher(filename, vouchers):
    """The one voucher number the file name names, or None.

    Tried in turn: the whole voucher number inside the name (记08-003.jpg), its number
    without the word in front (08-003 发票.jpg), and for a name of digits only the
    voucher whose last number it is (3.jpg). Within each, the longest match wins, so
    记08-10 does not take 记08-100's photo; a tie matches nothing."""
    stem = _normal(PurePath(filename).stem)
    for key in (_normal, _core):
        if found := _longest_inside(stem, vouchers, key):
            return found[0] if len(found) == 1 else None
    if stem.isdigit():
        ending = [voucher for voucher in vouchers if _last_number(voucher) == int(stem)]
        return ending[0] if len(ending) == 1 else None
    return None


def _folder(month):
    return f"receipts/pending/{month.pk}"


def pending(month):
    """Photos of this month waiting for their line, oldest upload first."""
    try:
        _dirs, files = default_storage.listdir(_folder(month))
    except FileNotFoundError:
        return []
    found = []
    for filename in sorted(files):
        token, _, rest = filename.partition("--")
        if TOKEN.match(token) and rest.endswith(".jpg"):
            found.append(Pending(token, rest[: -len(".jpg")]))
    return found


def _pending_path(month, item):
    return f"{_folder(month)}/{item.token}--{item.name}.jpg"


def _safe_name(filename):
    """The uploaded name as a file name part: no path, no separator, not too long."""
    name = PurePath(filename).stem.replace("--", "-")
    return re.sub(r"[\\/\x00-\x1f]", "", name)[:80] or "photo"


def receive(month, uploads):
    """Attach every upload whose name names one line; keep the others pending.

    Returns (attached [(file name, entry)], pending [Pending], refused [(file name,
    reason)]). A refused file (not a photo, too large) is not kept: the reason says why."""
    entries = {entry.voucher_number: entry for entry in month.original_entries()}
    attached, waiting, refused = [], [], []
    for upload in uploads:
        try:
            prepared = prepare_receipt(upload)
        except ReceiptPhotoError as error:
            refused.append((upload.name, error.messages[0]))
            continue
        voucher = match_voucher(upload.name, list(entries))
        if voucher is not None:
            store_receipt(ReceiptPhoto(entry=entries[voucher]), prepared)
            attached.append((upload.name, entries[voucher]))
            continue
        item = Pending(secrets.token_hex(16), _safe_name(upload.name))
        default_storage.save(_pending_path(month, item), ContentFile(prepared.image))
        waiting.append(item)
    return attached, waiting, refused


def assign(month, token, entry):
    """Attach a pending photo to a line of the month and take it off the pending list."""
    item = _find(month, token)
    with default_storage.open(_pending_path(month, item), "rb") as handle:
        prepared = prepare_receipt(handle)
    photo = store_receipt(ReceiptPhoto(entry=entry), prepared)
    default_storage.delete(_pending_path(month, item))
    return photo


def discard(month, token):
    default_storage.delete(_pending_path(month, _find(month, token)))


def _find(month, token):
    for item in pending(month):
        if item.token == token:
            return item
    raise KeyError(token)
