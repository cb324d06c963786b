"""Open data: the JSON twins of the public pages, shared by every feature that has one.

A twin is the page's published content as JSON, at the page's address with `.json`
(docs/open-data.md documents every document and its schema, docs/open-data/*.json).
Each published item carries its fingerprint, so anyone can check it against the
village's chain. Twins are downloads: not counted as visits, open to any origin, and no
more personal data than the page shows. This module imports no feature.
"""

from django.http import JsonResponse

from common.qr import public_url
from disclosures.money import to_yuan

FORMAT = "village-portal-open-data/1"


def money(amount):
    """Yuan as a string with two decimals: JSON numbers would lose the cents' exactness."""
    return None if amount is None else f"{to_yuan(amount):.2f}"


def day(value):
    return value.isoformat() if value else None


def village_block(village):
    """The village with its township and district (load it with Village.with_places)."""
    township = village.township
    return {
        "code": village.code,
        "name": village.name,
        "township": {"code": township.code, "name": township.name},
        "district": {"code": township.district.code, "name": township.district.name},
    }


def publication(item):
    """Where a published item sits in the village's fingerprint chain."""
    return {
        "published_at": item.published_at.isoformat(),
        "chain_position": item.chain_position,
        "fingerprint": item.fingerprint,
        "previous_fingerprint": item.previous_fingerprint,
    }


def document(kind, village, page_path, **content):
    return {
        "format": FORMAT,
        "kind": kind,
        "url": public_url(page_path),
        "village": village_block(village),
        **content,
    }


def json_response(data):
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    # Open data: any site or notebook may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response
