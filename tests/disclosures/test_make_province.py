"""make_province: the scale benchmark's province, written with COPY, verifies like any
history published through review (PostgreSQL only: COPY and the triggers)."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from disclosures.models import Disclosure, LedgerCorrection, LedgerEntry, LedgerMonth
from disclosures.publishing import ChainHead, ChainSeal
from villages.models import Township, Village

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="make_province writes with PostgreSQL's COPY"
)


# Transactional: each batch is committed by a thread of its own, on its own connection.
# One test, so the province is built once; the catalog and the categories the migrations
# loaded come back after it (serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_builds_a_province_that_verifies_and_stays_permanent():
    out = io.StringIO()
    call_command("make_province", villages=3, years=2, stdout=out, stderr=io.StringIO())

    assert "Added 3 villages × 2 years" in out.getvalue()
    assert Village.objects.count() == 3
    assert Township.objects.get().staff.get().username.startswith("xz")
    months = LedgerMonth.objects.published()
    assert months.count() == 3 * 24
    assert LedgerMonth.objects.exclude(status="published").count() == 3  # this month's drafts
    lines = LedgerEntry.objects.filter(ledger__in=months, correction__isnull=True).count()
    assert 30 * 72 <= lines <= 50 * 72
    assert Disclosure.objects.published().count() > 3 * 2 * 50
    links = months.count() + Disclosure.objects.count() + LedgerCorrection.objects.count()
    assert ChainSeal.objects.count() == links
    assert ChainHead.objects.count() == 3

    out = io.StringIO()
    call_command("verify_ledgers", stdout=out, stderr=io.StringIO())
    assert "every fingerprint matches" in out.getvalue()

    month = LedgerMonth.objects.published().first()
    line = month.entries.first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [line.pk])
    # New ids continue after those it took.
    assert LedgerMonth.objects.create(village=month.village, year=2001, month=1, opening_balance=0)
