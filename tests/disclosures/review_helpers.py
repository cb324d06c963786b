"""Helpers for the review, permanence, fingerprint and correction tests.

Entries of a published list cannot be added any more, so months and corrections are built
as drafts, filled, and then moved through the real workflow.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.messages import get_messages
from django.db import connection

from disclosures.models import Kind, LedgerCorrection, LedgerEntry, LedgerMonth
from tests import factories

ADMIN = "/admin/disclosures/"


def admin_url(item, page="change"):
    """change, delete, history or review URL of a month or correction in the admin."""
    return f"{ADMIN}{item._meta.model_name}/{item.pk}/{page}/"


def line(month, day, voucher, kind, category, amount, *, correction=None, **fields):
    return LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=fields.pop("description", f"摘要 {voucher}"),
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
        approved_by=fields.pop("approved_by", "韩兴和"),
        **fields,
    )


def draft_month(village, year=2026, month=9, *, created_by=None, lines=2):
    """A draft with `lines` entries: an income of 4500 and expenses of 386.50, 1200, ..."""
    ledger = LedgerMonth.objects.create(
        village=village,
        year=year,
        month=month,
        opening_balance=Decimal("12345.67"),
        created_by=created_by,
    )
    amounts = ["4500.00", "386.50", "1200.00", "88.00"]
    for number in range(lines):
        kind = Kind.INCOME if number == 0 else Kind.EXPENSE
        category = "投资收益" if number == 0 else "管理费用"
        line(
            ledger,
            3 + number,
            f"记{month:02d}-{number + 1:03d}",
            kind,
            category,
            amounts[number % 4],
        )
    return ledger


def published_month(village, year=2026, month=9, **kwargs):
    return factories.publish(draft_month(village, year, month, **kwargs))


def draft_correction(month, reason="9月3日分红多记了500元，冲销", amount="-500.00", **kwargs):
    """A correction reversing part of the month's income with one adjusting entry."""
    item = LedgerCorrection.objects.create(ledger=month, reason=reason, **kwargs)
    voucher = f"更-{month.corrections.count():03d}"  # Unique in the month, like any voucher.
    line(month, 28, voucher, Kind.INCOME, "投资收益", amount, correction=item)
    return item


def published_correction(month, **kwargs):
    return factories.publish(draft_correction(month, **kwargs))


def reload(item):
    return type(item).objects.get(pk=item.pk)


def entry_rows(month):
    return list(
        LedgerEntry.objects.filter(ledger=month)
        .order_by("pk")
        .values_list(
            "pk", "correction_id", "date", "voucher_number", "description", "kind", "amount"
        )
    )


def month_state(month):
    """Everything a change could touch: the month's own fields and all its entries."""
    fresh = reload(month)
    fields = [f.attname for f in LedgerMonth._meta.concrete_fields]
    return [getattr(fresh, name) for name in fields], entry_rows(month)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


on_postgresql = connection.vendor == "postgresql"


@contextmanager
def bypassing_triggers():
    """What a database administrator could do behind the portal's back: on PostgreSQL,
    switch the permanence triggers off for this session (superuser only); on SQLite
    there are none to switch off."""
    if not on_postgresql:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
