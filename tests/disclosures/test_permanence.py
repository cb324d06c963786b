"""Published means permanent: not through the admin, a model method, QuerySet.update() or
delete(), and on PostgreSQL not even through raw SQL (the triggers of migration 0004)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from disclosures.models import (
    Kind,
    LedgerCorrection,
    LedgerEntry,
    LedgerMonth,
    ReceiptPhoto,
    Status,
)
from disclosures.publishing import PublishedRecordError
from tests import factories
from tests.disclosures.review_helpers import (
    admin_url,
    draft_correction,
    draft_month,
    entry_rows,
    month_state,
    on_postgresql,
    published_correction,
    published_month,
    reload,
)


@pytest.fixture
def published(wumiao):
    return published_month(wumiao)


@pytest.fixture
def correction(published):
    return published_correction(published)


def new_entry(month, voucher="记09-099", correction=None, amount="50.00"):
    return LedgerEntry(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, 20),
        voucher_number=voucher,
        description="事后补录",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal(amount),
    )


def photo(entry):
    return ReceiptPhoto(
        entry=entry,
        token="0" * 32,
        image="receipts/x.jpg",
        thumbnail="receipts/x-thumb.jpg",
        sha256="0" * 64,
    )


# The model layer, on every database


def test_saving_a_published_month_is_refused(published):
    before = month_state(published)
    month = reload(published)
    month.opening_balance = Decimal("1.00")

    with pytest.raises(PublishedRecordError):
        month.save()
    with pytest.raises(PublishedRecordError):
        month.save(update_fields=["opening_balance"])

    assert month_state(published) == before


def test_the_instance_that_was_published_cannot_be_saved_again(wumiao, accountant, reviewer):
    month = draft_month(wumiao)
    month.submit(accountant)
    month.publish(reviewer)
    month.status = Status.DRAFT  # As if someone tried to reopen it.

    with pytest.raises(PublishedRecordError):
        month.save()

    assert reload(month).status == Status.PUBLISHED


def test_deleting_a_published_month_is_refused(published):
    with pytest.raises(PublishedRecordError):
        reload(published).delete()

    assert LedgerMonth.objects.filter(pk=published.pk).exists()
    assert len(entry_rows(published)) == 2


def test_a_draft_month_can_still_be_changed_and_deleted(wumiao):
    month = draft_month(wumiao)
    month.opening_balance = Decimal("1.00")
    month.save()
    LedgerMonth.objects.filter(pk=month.pk).update(opening_balance=Decimal("2.00"))

    assert reload(month).opening_balance == Decimal("2.00")
    month.delete()
    assert not LedgerMonth.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_queryset_update_of_a_published_month_is_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)
    before = month_state(published)

    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.filter(pk=published.pk).update(opening_balance=Decimal("1.00"))
    # Also when it is one among drafts: nothing at all is changed.
    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.filter(village=wumiao).update(status=Status.DRAFT)

    assert month_state(published) == before
    assert reload(draft).status == Status.DRAFT


def test_queryset_delete_of_a_published_month_is_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)

    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.filter(pk=published.pk).delete()
    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.all().delete()

    assert set(LedgerMonth.objects.all()) == {published, draft}


def test_saving_an_entry_of_a_published_month_is_refused(published):
    before = entry_rows(published)
    entry = published.entries.first()
    entry.amount = Decimal("1.00")

    with pytest.raises(PublishedRecordError):
        entry.save()

    assert entry_rows(published) == before


def test_moving_an_entry_into_a_published_month_is_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)
    entry = draft.entries.first()
    entry.ledger = published

    with pytest.raises(PublishedRecordError):
        entry.save()

    assert reload(entry).ledger == draft


def test_moving_an_entry_out_of_a_published_month_is_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)
    entry = published.entries.first()
    entry.ledger = draft

    with pytest.raises(PublishedRecordError):
        entry.save()

    assert reload(entry).ledger == published


def test_deleting_an_entry_of_a_published_month_is_refused(published):
    with pytest.raises(PublishedRecordError):
        published.entries.first().delete()

    assert len(entry_rows(published)) == 2


def test_adding_an_entry_to_a_published_month_is_refused(published):
    with pytest.raises(PublishedRecordError):
        new_entry(published).save()
    with pytest.raises(PublishedRecordError):
        published.entries.create(
            date=datetime.date(2026, 9, 20),
            voucher_number="记09-098",
            description="事后补录",
            kind=Kind.INCOME,
            category=factories.category(Kind.INCOME, "其他收入"),
            amount=Decimal("10.00"),
        )

    assert len(entry_rows(published)) == 2


def test_entry_queryset_update_and_delete_are_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)
    before = entry_rows(published)

    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.filter(ledger=published).update(amount=Decimal("1.00"))
    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.filter(ledger=published).delete()
    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.all().update(description="改")
    with pytest.raises(PublishedRecordError):
        published.entries.all().delete()

    assert entry_rows(published) == before
    assert len(entry_rows(draft)) == 2


def test_bulk_create_into_a_published_month_is_refused(published, wumiao):
    draft = draft_month(wumiao, 2026, 10, lines=0)

    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.bulk_create(
            [new_entry(draft, "记10-001"), new_entry(published, "记09-099")]
        )
    # A generator is checked entry by entry too.
    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.bulk_create(new_entry(published, f"记09-{n}") for n in range(3))

    assert len(entry_rows(published)) == 2
    assert entry_rows(draft) == []


def test_bulk_create_into_a_draft_works_with_a_generator(wumiao):
    draft = draft_month(wumiao, 2026, 10, lines=0)

    LedgerEntry.objects.bulk_create(new_entry(draft, f"记10-{n:03d}") for n in range(3))

    assert [row[3] for row in entry_rows(draft)] == ["记10-000", "记10-001", "记10-002"]


def test_the_entries_of_a_published_correction_are_permanent(correction, published):
    before = entry_rows(published)
    adjusting = correction.entries.get()
    adjusting.amount = Decimal("-1.00")

    with pytest.raises(PublishedRecordError):
        adjusting.save()
    with pytest.raises(PublishedRecordError):
        reload(adjusting).delete()
    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.filter(correction=correction).update(amount=Decimal("-1.00"))
    with pytest.raises(PublishedRecordError):
        correction.entries.all().delete()
    with pytest.raises(PublishedRecordError):
        new_entry(published, "更-002", correction=correction, amount="-5.00").save()
    with pytest.raises(PublishedRecordError):
        LedgerEntry.objects.bulk_create(
            [new_entry(published, "更-003", correction=correction, amount="-5.00")]
        )

    assert entry_rows(published) == before


def test_a_published_correction_is_permanent(correction):
    item = reload(correction)
    item.reason = "改写理由"

    with pytest.raises(PublishedRecordError):
        item.save()
    with pytest.raises(PublishedRecordError):
        item.delete()
    with pytest.raises(PublishedRecordError):
        LedgerCorrection.objects.filter(pk=item.pk).update(reason="改写理由")
    with pytest.raises(PublishedRecordError):
        LedgerCorrection.objects.filter(pk=item.pk).delete()

    assert reload(correction).reason == correction.reason


def test_a_draft_correction_can_be_changed(published):
    item = draft_correction(published)
    adjusting = item.entries.get()
    adjusting.amount = Decimal("-400.00")
    adjusting.save()

    item.reason = "更正金额"
    item.save()

    assert reload(item).reason == "更正金额"
    assert reload(adjusting).amount == Decimal("-400.00")


def test_a_receipt_photo_cannot_be_added_to_a_published_entry(published):
    entry = published.entries.first()

    with pytest.raises(PublishedRecordError):
        photo(entry).save()

    assert not ReceiptPhoto.objects.exists()


def test_a_receipt_photo_cannot_be_added_to_a_published_correction_entry(correction):
    with pytest.raises(PublishedRecordError):
        photo(correction.entries.get()).save()

    assert not ReceiptPhoto.objects.exists()


# The admin


def change_data(month, opening_balance):
    data = {
        "village": month.village_id,
        "year": str(month.year),
        "month": str(month.month),
        "opening_balance": opening_balance,
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    for index, entry in enumerate(month.entries.all()):
        prefix = f"entries-{index}-"
        data.update(
            {
                prefix + "id": entry.pk,
                prefix + "ledger": month.pk,
                prefix + "date": entry.date.isoformat(),
                prefix + "voucher_number": entry.voucher_number,
                prefix + "description": "改了",
                prefix + "kind": entry.kind,
                prefix + "category": entry.category_id,
                prefix + "amount": "1.00",
                prefix + "funding_source": entry.funding_source,
                prefix + "approved_by": "某人",
            }
        )
        data["entries-TOTAL_FORMS"] = data["entries-INITIAL_FORMS"] = str(index + 1)
    return data


@pytest.mark.parametrize("who", ["accountant", "superuser"])
def test_the_admin_shows_a_published_month_read_only(client_for, published, who, request):
    client = client_for(request.getfixturevalue(who))
    before = month_state(published)

    page = client.get(admin_url(published))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    response = client.post(admin_url(published), change_data(published, "1.00"))
    assert response.status_code == 403
    assert client.get(admin_url(published, "delete")).status_code == 403
    assert client.post(admin_url(published, "delete"), {"post": "yes"}).status_code == 403
    assert month_state(published) == before


def test_the_admin_shows_a_published_correction_read_only(client_for, correction, accountant):
    client = client_for(accountant)

    page = client.get(admin_url(correction))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False

    response = client.post(
        admin_url(correction),
        {
            "reason": "改写",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    assert client.post(admin_url(correction, "delete"), {"post": "yes"}).status_code == 403
    assert reload(correction).reason == correction.reason


# PostgreSQL: the database itself refuses (triggers created by migration 0004)

postgresql_only = pytest.mark.skipif(
    not on_postgresql, reason="the permanence triggers exist on PostgreSQL only"
)

# The triggers raise SQLSTATE 23000 (integrity_constraint_violation).
REFUSED = IntegrityError


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql, params=()):
    """Run raw SQL in a savepoint, so the test's transaction survives the refusal."""
    with pytest.raises(REFUSED) as error, transaction.atomic():
        execute(sql, params)
    return str(error.value)


@postgresql_only
def test_postgresql_refuses_a_raw_update_of_a_published_entry(published):
    before = entry_rows(published)
    entry = published.entries.first()

    message = refused("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])

    assert "published" in message
    assert entry_rows(published) == before


@postgresql_only
def test_postgresql_refuses_a_raw_delete_of_a_published_entry(published):
    refused("DELETE FROM disclosures_ledgerentry WHERE ledger_id = %s", [published.pk])

    assert len(entry_rows(published)) == 2


@postgresql_only
def test_postgresql_refuses_a_raw_update_of_a_published_month(published):
    before = month_state(published)

    refused("UPDATE disclosures_ledgermonth SET opening_balance = 1 WHERE id = %s", [published.pk])
    refused("UPDATE disclosures_ledgermonth SET status = 'draft' WHERE id = %s", [published.pk])

    assert month_state(published) == before


@postgresql_only
def test_postgresql_refuses_a_raw_delete_of_a_published_month(published):
    refused("DELETE FROM disclosures_ledgermonth")

    assert LedgerMonth.objects.filter(pk=published.pk).exists()


@postgresql_only
def test_postgresql_refuses_a_raw_insert_into_a_published_month(published):
    refused(
        """INSERT INTO disclosures_ledgerentry
           (ledger_id, correction_id, date, voucher_number, description, kind, category_id,
            amount, funding_source, handled_by, approved_by)
           VALUES (%s, NULL, '2026-09-20', '记09-099', '事后补录', 'expense', %s, 50, 'own', '', '')
        """,
        [published.pk, factories.category(Kind.EXPENSE, "管理费用").pk],
    )

    assert len(entry_rows(published)) == 2


@postgresql_only
def test_postgresql_refuses_moving_an_entry_into_a_published_month(published, wumiao):
    draft = draft_month(wumiao, 2026, 10)
    entry = draft.entries.first()

    refused(
        "UPDATE disclosures_ledgerentry SET ledger_id = %s WHERE id = %s", [published.pk, entry.pk]
    )

    assert reload(entry).ledger == draft


@postgresql_only
def test_postgresql_refuses_raw_changes_to_a_published_correction(correction, published):
    adjusting = correction.entries.get()

    refused("UPDATE disclosures_ledgerentry SET amount = -1 WHERE id = %s", [adjusting.pk])
    refused("DELETE FROM disclosures_ledgerentry WHERE id = %s", [adjusting.pk])
    refused("UPDATE disclosures_ledgercorrection SET reason = 'x' WHERE id = %s", [correction.pk])
    refused("DELETE FROM disclosures_ledgercorrection WHERE id = %s", [correction.pk])

    assert reload(adjusting).amount == Decimal("-500.00")
    assert reload(correction).reason == correction.reason


@postgresql_only
def test_postgresql_refuses_a_raw_insert_of_a_receipt_photo_of_a_published_entry(published):
    refused(
        """INSERT INTO disclosures_receiptphoto (entry_id, token, image, thumbnail, sha256,
           uploaded_at) VALUES (%s, %s, 'receipts/x.jpg', 'receipts/x-thumb.jpg', %s, now())""",
        [published.entries.first().pk, "0" * 32, "0" * 64],
    )

    assert not ReceiptPhoto.objects.exists()


@postgresql_only
def test_postgresql_still_lets_raw_sql_change_a_draft(wumiao, published):
    draft = draft_month(wumiao, 2026, 10)
    entry = draft.entries.first()

    assert execute("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk]) == 1
    assert (
        execute("UPDATE disclosures_ledgermonth SET opening_balance = 7 WHERE id = %s", [draft.pk])
        == 1
    )
    assert reload(entry).amount == Decimal("1.00")
    assert reload(draft).opening_balance == Decimal("7.00")

    assert execute("DELETE FROM disclosures_ledgerentry WHERE ledger_id = %s", [draft.pk]) == 2
    assert execute("DELETE FROM disclosures_ledgermonth WHERE id = %s", [draft.pk]) == 1
    assert set(LedgerMonth.objects.all()) == {published}


@postgresql_only
def test_postgresql_lets_a_submitted_month_be_published(wumiao, accountant, reviewer):
    """The triggers look at the stored status: the UPDATE that publishes passes."""
    month = draft_month(wumiao)
    month.submit(accountant)

    month.publish(reviewer)

    assert reload(month).status == Status.PUBLISHED


def test_the_permanence_triggers_are_where_they_should_be(db):
    """PostgreSQL has the permanence triggers; SQLite has none (the model layer refuses)."""
    with connection.cursor() as cursor:
        if on_postgresql:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
                ["%_permanent"],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    expected = {
        "ledgermonth_permanent",
        "ledgercorrection_permanent",
        "ledgerentry_permanent",
        "receiptphoto_permanent",
        "disclosure_permanent",
        "matterstep_permanent",
        "livelihoodrow_permanent",
        "attachment_permanent",
        "sunshinereport_permanent",
        "cadreevaluation_permanent",
        "sunshinequestion_permanent",
        "sunshinetask_permanent",
        "taskfollowup_permanent",
        # Villagers' questions (migration 0010): their text, the answers, the log.
        "question_permanent",
        "answer_permanent",
        "questionevent_permanent",
        # The registers of assets, resources and contracts (migration 0011).
        "asset_permanent",
        "resource_permanent",
        "contract_permanent",
    }
    assert names == (expected if on_postgresql else set())


def test_a_bulk_update_cannot_publish_around_review(wumiao):
    draft = factories.make_month(wumiao, 2026, 9, entries=2, published=False)

    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.filter(pk=draft.pk).update(status="published")

    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_month_cannot_be_created_already_published(wumiao):
    with pytest.raises(PublishedRecordError):
        LedgerMonth.objects.create(
            village=wumiao, year=2026, month=9, opening_balance=0, status="published"
        )

    assert not LedgerMonth.objects.filter(village=wumiao).exists()
