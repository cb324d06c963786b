"""Fingerprints: SHA-256 over a canonical serialization of what is published, chained to the
village's previous fingerprint, and `verify_ledgers`, which recomputes every chain."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from disclosures.models import Kind, LedgerCorrection, LedgerMonth
from disclosures.publishing import canonical_json, chain_fingerprint, verify_village
from tests import factories
from tests.disclosures.review_helpers import (
    bypassing_triggers,
    draft_month,
    line,
    published_correction,
    published_month,
    reload,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(autouse=True)
def english_messages():
    """verify_ledgers speaks the default language (Chinese); these tests read English."""
    with translation.override("en"):
        yield


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_ledgers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_ledgers", *args, stdout=out, stderr=err)
    return error.value, err.getvalue()


def tamper(sql, params, rows=1):
    """Change rows behind the portal's back, as a database administrator could."""
    with bypassing_triggers(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.rowcount == rows


# What a fingerprint is


def test_a_published_month_has_a_full_sha256_fingerprint(wumiao):
    month = published_month(wumiao)

    assert HEX64.match(month.fingerprint)
    assert month.short_fingerprint == month.fingerprint[:10]
    assert reload(month).fingerprint == month.fingerprint
    assert month.previous_fingerprint == ""
    assert month.chain_position == 1


def test_a_draft_has_no_fingerprint(wumiao, accountant):
    month = draft_month(wumiao)
    month.submit(accountant)

    assert reload(month).fingerprint == ""
    assert reload(month).chain_position is None


def test_it_is_the_hash_of_the_previous_link_and_the_content(wumiao):
    first = published_month(wumiao, 2026, 8)
    second = published_month(wumiao, 2026, 9)

    assert second.fingerprint == chain_fingerprint(first.fingerprint, second.canonical_content())
    assert first.fingerprint == chain_fingerprint("", first.canonical_content())


def test_the_content_covers_what_villagers_see(wumiao):
    month = published_month(wumiao)

    content = month.canonical_content()
    assert content["village"] == "371603201201"
    assert content["period"] == "2026-09"
    assert content["opening_balance"] == "12345.67"
    assert [(e["voucher"], e["amount"], e["kind"]) for e in content["entries"]] == [
        ("记09-001", "4500.00", "income"),
        ("记09-002", "386.50", "expense"),
    ]
    assert {"date", "description", "category", "funding_source", "handled_by"} <= set(
        content["entries"][0]
    )
    assert content["entries"][0]["approved_by"] == "韩兴和"


# The chain


def test_months_are_chained_in_the_order_they_are_published(wumiao):
    months = [published_month(wumiao, 2026, m) for m in (7, 8, 9)]

    assert [m.chain_position for m in months] == [1, 2, 3]
    assert months[0].previous_fingerprint == ""
    assert months[1].previous_fingerprint == months[0].fingerprint
    assert months[2].previous_fingerprint == months[1].fingerprint
    assert len({m.fingerprint for m in months}) == 3


def test_corrections_are_links_of_the_same_chain(wumiao):
    august = published_month(wumiao, 2026, 8)
    correction = published_correction(august)
    september = published_month(wumiao, 2026, 9)

    assert (august.chain_position, correction.chain_position, september.chain_position) == (
        1,
        2,
        3,
    )
    assert HEX64.match(correction.fingerprint)
    assert correction.previous_fingerprint == august.fingerprint
    assert september.previous_fingerprint == correction.fingerprint


def test_each_village_has_its_own_chain(wumiao, dongying, yanjia):
    wumiao_first = published_month(wumiao, 2026, 8)
    yanjia_first = published_month(yanjia, 2026, 8)
    dongying_first = published_month(dongying, 2026, 9)
    wumiao_second = published_month(wumiao, 2026, 9)
    correction = published_correction(yanjia_first)

    assert yanjia_first.chain_position == dongying_first.chain_position == 1
    assert yanjia_first.previous_fingerprint == dongying_first.previous_fingerprint == ""
    assert wumiao_second.chain_position == 2
    assert wumiao_second.previous_fingerprint == wumiao_first.fingerprint
    assert correction.previous_fingerprint == yanjia_first.fingerprint


def test_the_chain_follows_publication_not_the_calendar(wumiao):
    september = published_month(wumiao, 2026, 9)
    august = published_month(wumiao, 2026, 8)  # Published late.

    assert august.chain_position == 2
    assert august.previous_fingerprint == september.fingerprint
    verify()


# Canonical serialization


def test_canonical_json_does_not_depend_on_key_order():
    assert canonical_json({"b": "2", "a": "1"}) == canonical_json({"a": "1", "b": "2"})
    assert canonical_json({"a": "五庙村"}) == '{"a":"五庙村"}'.encode()


def publish_in_order(village, order):
    """Publish 2026-09 of `village` with the same three entries, inserted in `order`, and
    return its fingerprint; then roll it all back."""
    rows = {
        "a": (3, "记09-001", Kind.INCOME, "投资收益", "4500"),
        "b": (12, "记09-002", Kind.EXPENSE, "公益支出", "6500.00"),
        "c": (12, "记09-003", Kind.EXPENSE, "管理费用", "24.5"),
    }
    fingerprint = None

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            month = draft_month(village, lines=0)
            for key in order:
                line(month, *rows[key])
            fingerprint = factories.publish(month).fingerprint
            raise Rollback
    except Rollback:
        pass
    assert not LedgerMonth.objects.exists()
    return fingerprint


def test_the_same_content_gives_the_same_fingerprint(wumiao):
    fingerprints = {publish_in_order(wumiao, order) for order in ["abc", "cba", "bac"]}

    # Different row ids each time, and a different insertion order: the same fingerprint.
    assert len(fingerprints) == 1
    assert HEX64.match(fingerprints.pop())


def test_different_content_gives_a_different_fingerprint(wumiao, dongying):
    first = published_month(wumiao)
    same_but_other_village = published_month(dongying)

    assert (
        first.canonical_content()["entries"]
        == same_but_other_village.canonical_content()["entries"]
    )
    assert first.fingerprint != same_but_other_village.fingerprint


def test_the_fingerprint_does_not_depend_on_the_publishers_language(wumiao, accountant, reviewer):
    """A reviewer whose admin is in English publishes; the command runs in Chinese."""
    month = draft_month(wumiao)
    month.submit(accountant)
    with translation.override("en"):
        month.publish(reviewer)

    with translation.override("zh-hans"):
        out, _ = verify()
    with translation.override("en"):
        out, _ = verify()

    assert "every fingerprint matches" in out


# verify_ledgers


def test_verify_ledgers_passes_on_clean_data(wumiao, dongying, yanjia):
    for village in (wumiao, dongying, yanjia):
        august = published_month(village, 2026, 8)
        published_correction(august)
        published_month(village, 2026, 9)
    draft_month(wumiao, 2026, 10)  # Drafts are not links.

    out, err = verify()

    assert "Checked 9 published items in 3 villages" in out
    assert "every fingerprint matches" in out
    assert err == ""


def test_verify_ledgers_checks_one_village(wumiao, yanjia):
    published_month(wumiao)
    published_month(yanjia)

    out, _ = verify("--village", "371603201201")

    assert "Checked 1 published items in 1 villages" in out


def test_verify_ledgers_refuses_an_unknown_village(db):
    with pytest.raises(CommandError, match="371603999999"):
        verify("--village", "371603999999")


def test_verify_ledgers_catches_an_entry_edited_in_the_database(wumiao, yanjia):
    published_month(wumiao, 2026, 8)
    september = published_month(wumiao, 2026, 9)
    published_month(yanjia, 2026, 9)
    entry = september.entries.get(voucher_number="记09-002")

    tamper("UPDATE disclosures_ledgerentry SET amount = 38.65 WHERE id = %s", [entry.pk])

    error, err = verify_fails()
    assert error.returncode == 1
    assert "1 problem(s)" in str(error)
    (problem,) = err.strip().splitlines()
    assert problem.startswith("371603201201 五庙村:")
    assert str(reload(september)) in problem
    assert "content no longer matches its fingerprint" in problem
    assert "闫家村" not in err


def test_verify_ledgers_catches_a_month_edited_in_the_database(wumiao):
    september = published_month(wumiao)

    tamper(
        "UPDATE disclosures_ledgermonth SET opening_balance = 99999 WHERE id = %s",
        [september.pk],
    )

    error, err = verify_fails()
    assert "371603201201 五庙村" in err
    assert str(september) in err


def test_verify_ledgers_catches_a_deleted_entry(wumiao):
    september = published_month(wumiao)

    tamper("DELETE FROM disclosures_ledgerentry WHERE id = %s", [september.entries.first().pk])

    _, err = verify_fails()
    assert str(september) in err


def test_verify_ledgers_catches_an_edited_correction(wumiao):
    august = published_month(wumiao, 2026, 8)
    correction = published_correction(august)

    tamper(
        "UPDATE disclosures_ledgerentry SET amount = -5 WHERE id = %s",
        [correction.entries.get().pk],
    )

    _, err = verify_fails()
    (problem,) = err.strip().splitlines()
    assert str(reload(correction)) in problem
    assert "content no longer matches" in problem


def test_verify_ledgers_catches_an_edited_stored_fingerprint(wumiao):
    august = published_month(wumiao, 2026, 8)
    september = published_month(wumiao, 2026, 9)
    october = published_month(wumiao, 2026, 10)
    forged = "f" * 64

    # Someone "fixes" August's fingerprint to match edited content: the next link no longer
    # follows it.
    tamper("UPDATE disclosures_ledgermonth SET fingerprint = %s WHERE id = %s", [forged, august.pk])

    _, err = verify_fails()
    lines = err.strip().splitlines()
    assert any(str(august) in p and "no longer matches" in p for p in lines)
    assert any(str(september) in p and "does not follow" in p for p in lines)
    assert not any(str(october) in p for p in lines)


def test_verify_ledgers_catches_a_rewritten_chain_link(wumiao):
    """Recomputing one link's fingerprint after editing it still breaks the next link."""
    august = published_month(wumiao, 2026, 8)
    september = published_month(wumiao, 2026, 9)
    entry = august.entries.get(voucher_number="记08-001")
    tamper("UPDATE disclosures_ledgerentry SET amount = 45 WHERE id = %s", [entry.pk])
    refingerprinted = chain_fingerprint("", reload(august).canonical_content())
    tamper(
        "UPDATE disclosures_ledgermonth SET fingerprint = %s WHERE id = %s",
        [refingerprinted, august.pk],
    )

    _, err = verify_fails()
    lines = err.strip().splitlines()
    assert len(lines) == 2
    (edited,) = [p for p in lines if str(reload(august)) in p]
    (following,) = [p for p in lines if str(september) in p]
    assert str(reload(august)) in edited
    assert "not the one sealed" in edited
    assert str(september) in following
    assert "does not follow" in following


def test_verify_ledgers_catches_a_link_taken_out_of_the_chain(wumiao):
    august = published_month(wumiao, 2026, 8)
    correction = published_correction(august)
    september = published_month(wumiao, 2026, 9)

    # The correction quietly turned back into a draft: no longer public, no longer a link.
    tamper(
        "UPDATE disclosures_ledgercorrection SET status = 'draft' WHERE id = %s",
        [correction.pk],
    )

    assert not LedgerCorrection.objects.published().exists()
    _, err = verify_fails()
    lines = err.strip().splitlines()
    assert lines
    september_lines = [p for p in lines if str(september) in p]
    assert any("position 3" in p and "expected 2" in p for p in september_lines)
    assert any("does not follow" in p for p in september_lines)
    # The signed head knows the chain had three links; the seal names the one missing.
    (missing,) = [p for p in lines if str(september) not in p]
    assert f"#{correction.pk}, {correction.short_fingerprint}" in missing
    assert "is missing" in missing


def test_the_demo_data_verifies(db):
    call_command("seed_demo", stdout=io.StringIO())

    out, err = verify()

    assert "every fingerprint matches" in out
    assert err == ""


def verify_queries(village):
    with CaptureQueriesContext(connection) as queries:
        count, problems = verify_village(village)
    assert problems == []
    return count, len(queries)


def test_verifying_a_chain_costs_the_same_for_2_or_12_months(wumiao):
    """verify_ledgers streams each kind of item in batches with what its fingerprint
    covers: a province's ten years are checked in a few queries a village."""
    for month in (1, 2):
        published_correction(published_month(wumiao, 2025, month))
    few = verify_queries(wumiao)

    for month in range(3, 13):
        published_correction(published_month(wumiao, 2025, month))
    many = verify_queries(wumiao)

    assert (few[0], many[0]) == (4, 24)
    assert few[1] == many[1]


def test_verify_ledgers_shows_its_progress_when_asked(wumiao, yanjia):
    published_month(wumiao)
    published_month(yanjia)

    out, err = verify("--progress")

    assert "2/2 villages" in err
    assert "every fingerprint matches" in out
