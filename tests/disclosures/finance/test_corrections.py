"""Corrections (更正): a published month is never edited; mistakes are fixed by adjusting
entries with a reason, reviewed and published like a month, and permanent once published."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from disclosures.finance import admin as finance_admin
from disclosures.models import Kind, LedgerCorrection, LedgerEntry, ReviewEvent, Status
from disclosures.publishing import PublishedRecordError
from tests import factories
from tests.disclosures.review_helpers import (
    admin_url,
    draft_correction,
    draft_month,
    entry_rows,
    messages_of,
    month_state,
    published_month,
    reload,
)
from villages.roles import ACCOUNTANT, REVIEWER

ADD = "/admin/disclosures/ledgercorrection/add/"


@pytest.fixture
def september(wumiao):
    """Published: an income of 4,500.00 (记09-001) and an expense of 386.50 (记09-002)."""
    return published_month(wumiao)


def adjusting(index, date, voucher, kind, category, amount, approved_by="韩兴和"):
    prefix = f"entries-{index}-"
    return {
        prefix + "date": date,
        prefix + "voucher_number": voucher,
        prefix + "description": "冲销多记的分红",
        prefix + "kind": kind,
        prefix + "category": factories.category(kind, category).pk,
        prefix + "amount": amount,
        prefix + "funding_source": "own",
        prefix + "handled_by": "刘建国",
        prefix + "approved_by": approved_by,
    }


def correction_data(month, reason, *entries):
    data = {
        "ledger": month.pk if month else "",
        "reason": reason,
        "entries-TOTAL_FORMS": str(len(entries)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, entry in enumerate(entries):
        data.update(adjusting(index, *entry))
    return data


REVERSAL = ("2026-09-30", "更09-001", Kind.INCOME, "投资收益", "-500.00")
REASON = "9月3日光伏分红多记了500元，冲销"


def post_review(client, item, action, comment=""):
    return client.post(admin_url(item, "review"), {"action": action, "comment": comment})


# Creating a correction in the admin


def test_the_accountant_corrects_a_published_month(client_for, accountant, september):
    before = month_state(september)

    response = client_for(accountant).post(ADD, correction_data(september, REASON, REVERSAL))

    assert response.status_code == 302, response.context["adminform"].form.errors
    correction = LedgerCorrection.objects.get()
    assert correction.ledger == september
    assert correction.reason == REASON
    assert correction.status == Status.DRAFT
    assert correction.created_by == accountant
    (entry,) = correction.entries.all()
    assert entry.ledger == september
    assert entry.amount == Decimal("-500.00")
    assert entry.is_adjustment
    # The month itself and its own entries are untouched.
    assert month_state(september)[0] == before[0]
    assert [row for row in entry_rows(september) if row[1] is None] == before[1]
    assert list(september.original_entries()) == list(reload(september).original_entries())
    assert september.summarize().income == Decimal("4500.00")


def test_the_correction_form_offers_only_published_months_of_the_accountants_villages(
    client_for, accountant, september, wumiao, yanjia
):
    draft = draft_month(wumiao, 2026, 10)
    other = published_month(yanjia)

    response = client_for(accountant).get(ADD)

    offered = set(response.context["adminform"].form.fields["ledger"].queryset)
    assert offered == {september}
    assert draft not in offered and other not in offered


def test_a_correction_of_a_draft_month_is_refused(client_for, accountant, wumiao):
    draft = draft_month(wumiao)

    response = client_for(accountant).post(ADD, correction_data(draft, REASON, REVERSAL))

    assert response.status_code == 200
    assert "ledger" in response.context["adminform"].form.errors
    assert not LedgerCorrection.objects.exists()
    assert len(entry_rows(draft)) == 2


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED])
def test_the_model_refuses_a_correction_of_an_unpublished_month(wumiao, accountant, status):
    month = draft_month(wumiao)
    if status != Status.DRAFT:
        month.submit(accountant)
    if status == Status.RETURNED:
        month.send_back(factories.workflow_users()[1], "重做")

    with pytest.raises(ValidationError) as error:
        LedgerCorrection(ledger=month, reason=REASON).full_clean()

    assert "ledger" in error.value.message_dict


def test_a_correction_of_another_villages_month_is_refused(client_for, accountant, yanjia):
    other = published_month(yanjia)

    response = client_for(accountant).post(ADD, correction_data(other, REASON, REVERSAL))

    assert response.status_code == 200
    assert "ledger" in response.context["adminform"].form.errors
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(client_for, accountant, september, reason):
    response = client_for(accountant).post(ADD, correction_data(september, reason, REVERSAL))

    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert not LedgerCorrection.objects.exists()
    assert not LedgerEntry.objects.filter(correction__isnull=False).exists()


@pytest.mark.parametrize("reason", ["", " \n "])
def test_the_model_refuses_a_correction_without_a_reason(september, reason):
    with pytest.raises(ValidationError) as error:
        LedgerCorrection(ledger=september, reason=reason).full_clean()

    assert "reason" in error.value.message_dict


def test_an_adjusting_entry_may_not_be_zero(client_for, accountant, september):
    zero = (*REVERSAL[:4], "0")

    response = client_for(accountant).post(ADD, correction_data(september, REASON, zero))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.errors[0]) == ["amount"]
    assert not LedgerCorrection.objects.exists()


def test_an_adjusting_entry_may_not_predate_the_month(client_for, accountant, september):
    early = ("2026-08-31", *REVERSAL[1:])

    response = client_for(accountant).post(ADD, correction_data(september, REASON, early))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.errors[0]) == ["date"]
    assert not LedgerCorrection.objects.exists()


def test_a_large_negative_expense_names_its_approver(client_for, accountant, september):
    large = ("2026-09-30", "更09-002", Kind.EXPENSE, "管理费用", "-1200.00", "")

    response = client_for(accountant).post(ADD, correction_data(september, REASON, large))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.errors[0]) == ["approved_by"]


# Review


def test_a_correction_without_entries_cannot_be_submitted(september, accountant):
    empty = LedgerCorrection.objects.create(ledger=september, reason=REASON)

    with pytest.raises(ValidationError):
        empty.submit(accountant)

    assert reload(empty).status == Status.DRAFT
    assert not ReviewEvent.for_subject(empty).exists()


def test_submitting_an_empty_correction_in_the_admin_says_why(client_for, accountant, september):
    client = client_for(accountant)
    client.post(ADD, correction_data(september, REASON))
    correction = LedgerCorrection.objects.get()

    response = client.post(
        admin_url(correction, "review"), {"action": "submit"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert reload(correction).status == Status.DRAFT
    assert messages_of(response)[-1] == "A correction needs at least one adjusting entry."


def test_a_correction_goes_through_review_in_the_admin(
    client_for, accountant, reviewer, september, wumiao
):
    client = client_for(accountant)
    client.post(ADD, correction_data(september, REASON, REVERSAL))
    correction = LedgerCorrection.objects.get()

    assert post_review(client, correction, "submit", "请审核").status_code == 302
    assert reload(correction).status == Status.SUBMITTED
    assert post_review(client, correction, "publish").status_code == 403

    reviewer_client = client_for(reviewer)
    assert post_review(reviewer_client, correction, "send_back", "理由写清楚").status_code == 302
    assert reload(correction).status == Status.RETURNED
    post_review(client_for(accountant), correction, "submit", "已改")
    version = reload(wumiao).public_version
    assert post_review(client_for(reviewer), correction, "publish", "同意").status_code == 302

    correction = reload(correction)
    assert correction.status == Status.PUBLISHED
    assert correction.published_by == reviewer
    assert correction.previous_fingerprint == september.fingerprint
    assert reload(wumiao).public_version == version + 1
    assert list(
        ReviewEvent.for_subject(correction).values_list("action", "user__username", "comment")
    ) == [
        ("edit", "accountant", ""),
        ("submit", "accountant", "请审核"),
        ("send_back", "reviewer", "理由写清楚"),
        ("submit", "accountant", "已改"),
        ("publish", "reviewer", "同意"),
    ]


def test_four_eyes_hold_for_corrections(september, wumiao, accountant):
    both = factories.make_user("both_roles", ACCOUNTANT, villages=[wumiao])
    both.groups.add(Group.objects.get(name=REVIEWER))
    entered = draft_correction(september, created_by=both)
    entered.submit(accountant)
    submitted = draft_correction(september, reason="另一处更正")
    submitted.submit(both)

    for correction in (entered, submitted):
        with pytest.raises(PermissionDenied):
            correction.publish(both)
        assert reload(correction).status == Status.SUBMITTED


def test_the_accountant_cannot_publish_a_correction(september, accountant):
    correction = draft_correction(september)
    correction.submit(factories.workflow_users()[0])

    with pytest.raises(PermissionDenied):
        correction.publish(accountant)

    assert reload(correction).status == Status.SUBMITTED


def test_township_staff_cannot_create_or_review_corrections(client_for, township_staff, september):
    client = client_for(township_staff)
    correction = draft_correction(september)
    correction.submit(factories.workflow_users()[0])

    assert client.get(admin_url(correction)).status_code == 200
    assert client.post(ADD, correction_data(september, REASON, REVERSAL)).status_code == 403
    assert post_review(client, correction, "publish").status_code == 403
    assert reload(correction).status == Status.SUBMITTED
    assert LedgerCorrection.objects.count() == 1


def test_a_submitted_correction_is_read_only_for_the_accountant(client_for, accountant, september):
    correction = draft_correction(september)
    correction.submit(accountant)
    client = client_for(accountant)

    assert client.get(admin_url(correction)).context["has_change_permission"] is False
    response = client.post(
        admin_url(correction),
        {"reason": "改了", "entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 403
    assert reload(correction).reason == correction.reason


# Published: permanent, and the original untouched


@pytest.fixture
def published_correction(september):
    return factories.publish(draft_correction(september))


def test_a_published_correction_is_permanent(published_correction, client_for, accountant):
    item = reload(published_correction)
    entry = item.entries.get()
    entry.amount = Decimal("-1.00")

    with pytest.raises(PublishedRecordError):
        entry.save()
    item.reason = "改写"
    with pytest.raises(PublishedRecordError):
        item.save()
    with pytest.raises(PublishedRecordError):
        reload(published_correction).delete()

    client = client_for(accountant)
    assert client.post(admin_url(item, "delete"), {"post": "yes"}).status_code == 403
    assert reload(published_correction).reason == published_correction.reason
    assert reload(entry).amount == Decimal("-500.00")


def test_correcting_leaves_the_original_entries_and_fingerprint_unchanged(september):
    before = month_state(september)

    factories.publish(draft_correction(september))
    factories.publish(draft_correction(september, reason="再次更正", amount="-100.00"))

    after = month_state(september)
    assert after[0] == before[0]  # Status, fingerprint, balances: all as published.
    originals = [row for row in after[1] if row[1] is None]
    assert originals == before[1]
    month = reload(september)
    assert month.summarize().income == Decimal("4500.00")  # The original total stays.
    assert [e.amount for e in month.entries.filter(correction__isnull=False)] == [
        Decimal("-500.00"),
        Decimal("-100.00"),
    ]
    out = io.StringIO()
    call_command("verify_ledgers", stdout=out)
    assert "every fingerprint matches" in out.getvalue()


def test_a_published_month_can_still_be_corrected_after_a_correction(
    client_for, accountant, published_correction, september
):
    response = client_for(accountant).post(ADD, correction_data(september, "再更正一次", REVERSAL))

    assert response.status_code == 302
    assert september.corrections.count() == 2


def test_the_corrections_are_listed_on_the_months_page(
    client_for, accountant, published_correction
):
    response = client_for(accountant).get(admin_url(published_correction.ledger))

    content = response.content.decode()
    assert published_correction.reason in content
    assert published_correction.short_fingerprint in content


@pytest.mark.parametrize("month_ids", [600, 0], ids=["by month ids", "by village subquery"])
def test_the_corrections_list_is_newest_first_and_only_the_accountants_villages(
    client_for, accountant, wumiao, yanjia, month_ids, monkeypatch
):
    """LedgerCorrectionAdmin reads its page newest first (correction_newest_idx), not in
    the model's order of village and month; scoped by the ids of the user's months when
    they are few, else by their villages."""
    monkeypatch.setattr(finance_admin, "CORRECTION_MONTH_IDS", month_ids)
    march, august = published_month(wumiao, month=3), published_month(wumiao, month=8)
    older = draft_correction(august, reason="较早的更正")
    newer = draft_correction(march, reason="较新的更正")
    elsewhere = draft_correction(published_month(yanjia), reason="别村的更正")
    LedgerCorrection.objects.filter(pk=older.pk).update(
        created_at=newer.created_at.replace(year=2025)
    )

    response = client_for(accountant).get("/admin/disclosures/ledgercorrection/")

    rows = [row.pk for row in response.context["cl"].result_list]
    assert rows == [newer.pk, older.pk]
    assert elsewhere.pk not in rows
