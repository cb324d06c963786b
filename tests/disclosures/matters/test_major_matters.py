"""Major matters and their six steps: order, review, permanence, and the flag on large
expenses without a published decision."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from disclosures.finance.models import Kind, LedgerEntry
from disclosures.finance.report import resolved_matter_ids, unlinked_large_expenses
from disclosures.matters.models import MajorMatter, MatterStep, Step
from disclosures.publishing import PublishedRecordError, Status, chain_members
from tests import factories
from tests.disclosures.matters.matter_data import (
    add_entry,
    make_matter,
    make_step,
    make_steps,
    month_with_entries,
    step_date,
)


@pytest.fixture
def matter(wumiao):
    return make_matter(wumiao)


def messages_of(error):
    with translation.override("en"):
        return " ".join(str(m) for m in error.value.messages)


# Order


def test_it_refuses_step_three_before_step_two(matter):
    make_step(matter, 1)

    with pytest.raises(ValidationError) as error:
        make_step(matter, 3)

    assert "步骤须依次进行：请先完成村两委商议。" in error.value.messages
    assert not matter.steps.filter(step=3).exists()


def test_it_refuses_any_step_before_the_proposal(matter):
    with pytest.raises(ValidationError) as error:
        make_step(matter, 2)

    assert "步骤须依次进行：请先完成党支部提议。" in error.value.messages


def test_it_refuses_a_step_dated_before_the_step_before_it(matter):
    make_step(matter, 1)

    with pytest.raises(ValidationError) as error:
        make_step(matter, 2, date=step_date(1) - datetime.timedelta(days=1))

    assert "before the step before it" in messages_of(error)


def test_it_accepts_two_steps_on_the_same_day(matter):
    make_step(matter, 1)
    make_step(matter, 2, date=step_date(1))


def test_it_refuses_redating_a_step_after_the_step_after_it(matter):
    first, second = make_steps(matter, drafts=2)
    first.date = second.date + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        first.full_clean()

    assert "after the step after it" in messages_of(error)


def test_each_step_is_taken_once(matter):
    make_steps(matter, drafts=1)

    with pytest.raises(ValidationError):
        make_step(matter, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_step(matter, 1, save=False).save()


# Review: in order, four eyes


def test_a_step_is_published_through_review_with_a_fingerprint(matter):
    (step,) = make_steps(matter, published=1)

    step.refresh_from_db()
    assert step.status == Status.PUBLISHED
    assert len(step.fingerprint) == 64
    assert step.chain_position == 1
    assert MatterStep in chain_members()


def test_the_steps_join_the_villages_chain_after_its_months(wumiao, matter):
    factories.make_month(wumiao, 2026, 2)
    (step,) = make_steps(matter, published=1)

    month = wumiao.ledger_months.get()
    assert step.chain_position == 2
    assert step.previous_fingerprint == month.fingerprint


def test_it_refuses_to_publish_a_step_before_the_earlier_steps(matter, accountant, reviewer):
    first, second = make_steps(matter, drafts=2)
    first.submit(accountant)
    second.submit(accountant)

    with pytest.raises(ValidationError) as error:
        second.publish(reviewer)
    assert "Publish the earlier steps first" in messages_of(error)
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED

    first.publish(reviewer)
    second.publish(reviewer)
    assert second.status == Status.PUBLISHED


def test_it_refuses_to_submit_a_step_before_the_earlier_steps(matter, accountant):
    first, second = make_steps(matter, drafts=2)

    with pytest.raises(ValidationError) as error:
        second.submit(accountant)

    assert "Submit the earlier steps first" in messages_of(error)


def test_submitting_checks_the_rules_again(matter, accountant):
    make_steps(matter, drafts=3)
    step = make_step(matter, 4)
    MatterStep.objects.filter(pk=step.pk).update(present=10)  # behind the form's back
    step.refresh_from_db()
    for earlier in matter.steps.filter(step__lt=4):
        factories.publish(earlier)

    with pytest.raises(ValidationError):
        step.submit(accountant)


def test_four_eyes_who_submitted_a_step_cannot_publish_it(matter, superuser):
    (step,) = make_steps(matter, drafts=1)
    step.submit(superuser)

    with pytest.raises(PermissionDenied, match="双人把关"):
        step.publish(superuser)


def test_an_accountant_cannot_publish_a_step(matter, accountant):
    (step,) = make_steps(matter, drafts=1)
    step.submit(accountant)

    with pytest.raises(PermissionDenied):
        step.publish(accountant)


# Permanence


def test_a_published_step_cannot_change(matter):
    (step,) = make_steps(matter, published=1)

    step.record = "改过的记录"
    with pytest.raises(PublishedRecordError):
        step.save()
    with pytest.raises(PublishedRecordError):
        MatterStep.objects.filter(pk=step.pk).update(record="改过的记录")
    with pytest.raises(PublishedRecordError):
        step.delete()
    step.refresh_from_db()
    assert step.record == "党支部提议硬化村内主干道。"


def test_the_matter_is_editable_until_something_about_it_is_published(matter):
    make_steps(matter, drafts=2)

    matter.budget = Decimal("190000.00")
    matter.save()

    assert MajorMatter.objects.get().budget == Decimal("190000.00")


def test_the_title_and_budget_are_fixed_once_a_step_is_published(matter):
    make_steps(matter, published=1)

    matter.title = "另一个工程"
    with pytest.raises(PublishedRecordError):
        matter.save()
    with pytest.raises(PublishedRecordError):
        MajorMatter.objects.filter(pk=matter.pk).update(budget=Decimal("1.00"))
    with pytest.raises(PublishedRecordError):
        matter.delete()
    with pytest.raises(PublishedRecordError):
        MajorMatter.objects.filter(pk=matter.pk).delete()
    stored = MajorMatter.objects.get()
    assert (stored.title, stored.budget) == ("村内主干道硬化工程", Decimal("180000.00"))


def test_the_title_is_fixed_once_a_published_month_names_the_matter(wumiao, matter):
    # A month's fingerprint holds the title of the matter its entries pay for.
    month_with_entries(wumiao, 2026, 4, [("记04-001", "60000.00", matter)])

    matter.title = "另一个工程"
    with pytest.raises(PublishedRecordError):
        matter.save()


def test_an_entry_cannot_pay_for_another_villages_matter(wumiao, yanjia):
    theirs = make_matter(yanjia)
    month = factories.make_month(wumiao, 2026, 4, published=False)
    entry = add_entry(month, "记04-001", "60000.00")
    entry.major_matter = theirs

    with pytest.raises(ValidationError) as error:
        entry.full_clean()

    assert "major_matter" in error.value.message_dict


def test_a_months_fingerprint_names_the_matter(wumiao, matter):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "60000.00", matter)])

    content = month.canonical_content()

    assert content["entries"][0]["major_matter"] == "村内主干道硬化工程"


# The unlinked-large-expense flag


@pytest.fixture
def resolved(wumiao):
    matter = make_matter(wumiao, title="村内主干道硬化工程")
    make_steps(matter, published=4)
    return matter


@pytest.fixture
def unresolved(wumiao):
    matter = make_matter(wumiao, title="村文化广场建设", budget="86000.00")
    make_steps(matter, published=3, drafts=1)  # the resolution is only a draft
    return matter


def flagged_vouchers(month):
    entries = list(month.original_entries())
    flagged = unlinked_large_expenses(entries, month.village.township, resolved_matter_ids(entries))
    return sorted(entry.voucher_number for entry in flagged)


def test_it_flags_an_unlinked_expense_of_exactly_the_threshold(wumiao):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "50000.00", None)])

    assert flagged_vouchers(month) == ["记04-001"]


def test_it_does_not_flag_an_expense_a_cent_below_the_threshold(wumiao):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "49999.99", None)])

    assert flagged_vouchers(month) == []


def test_it_flags_an_expense_linked_to_a_matter_without_a_published_resolution(wumiao, unresolved):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "50000.00", unresolved)])

    assert flagged_vouchers(month) == ["记04-001"]


def test_it_does_not_flag_an_expense_linked_to_a_resolved_matter(wumiao, resolved):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", resolved)])

    assert flagged_vouchers(month) == []


def test_it_does_not_flag_income(wumiao):
    month = factories.make_month(wumiao, 2026, 4, published=False)
    add_entry(month, "记04-001", "100000.00", kind=Kind.INCOME)

    assert flagged_vouchers(month) == []


def test_it_uses_the_townships_threshold(wumiao, liguo):
    liguo.major_matter_threshold = Decimal("100000.00")
    liguo.save()
    lines = [("记04-001", "99999.99", None), ("记04-002", "100000.00", None)]
    month = month_with_entries(wumiao, 2026, 4, lines)
    month.village.township.refresh_from_db()

    assert flagged_vouchers(month) == ["记04-002"]


def test_it_flags_on_known_data(wumiao, resolved, unresolved):
    lines = [
        ("记04-001", "50000.00", None),  # flagged: no matter
        ("记04-002", "49999.99", None),  # below the threshold
        ("记04-003", "60000.00", unresolved),  # flagged: no published resolution
        ("记04-004", "90000.00", resolved),  # decided and disclosed
        ("记04-005", "1200.00", unresolved),  # small
    ]
    month = month_with_entries(wumiao, 2026, 4, lines)

    assert flagged_vouchers(month) == ["记04-001", "记04-003"]


def test_the_resolution_can_come_with_the_entries_query(
    wumiao, resolved, unresolved, django_assert_num_queries
):
    lines = [("记04-001", "60000.00", unresolved), ("记04-002", "90000.00", resolved)]
    month = month_with_entries(wumiao, 2026, 4, lines)
    entries = list(month.original_entries().with_matter_resolution())

    with django_assert_num_queries(0):
        ids = resolved_matter_ids(entries)
        flagged = unlinked_large_expenses(entries, wumiao.township, ids)

    assert ids == {resolved.pk}
    assert [entry.voucher_number for entry in flagged] == ["记04-001"]


def test_resolved_matter_ids_costs_no_query_without_linked_entries(
    wumiao, django_assert_num_queries
):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "50000.00", None)])
    entries = list(month.original_entries())

    with django_assert_num_queries(0):
        assert resolved_matter_ids(entries) == set()


def test_the_flag_partial_says_what_is_missing(wumiao):
    from django.template.loader import render_to_string

    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "50000.00", None)])
    entry = month.entries.get()

    html = render_to_string(
        "disclosures/finance/includes/_decision_flag.html", {"entry": entry, "link_entry": True}
    )
    with translation.override("en"):
        english = render_to_string(
            "disclosures/finance/includes/_decision_flag.html", {"entry": entry}
        )

    assert "该笔支出达到重大事项标准，但没有公开的决策记录" in html
    assert f'href="#entry-{entry.pk}"' in html
    assert "50,000.00" in html
    assert "This expense reaches the major-matter threshold" in english


# The demo


def test_the_demo_has_a_completed_and_a_running_matter_in_wumiao(db):
    call_command("seed_demo", verbosity=0)

    matters = {m.title: m for m in MajorMatter.objects.filter(village__code="371603201201")}
    road, square = matters["村内主干道硬化工程"], matters["村文化广场建设"]
    assert list(road.steps.published().values_list("step", flat=True)) == list(Step)
    assert list(square.steps.published().values_list("step", flat=True)) == [1, 2, 3]
    assert road.is_resolved() and not square.is_resolved()
    spent = MajorMatter.objects.with_progress().get(pk=road.pk).spent
    assert spent == Decimal("176800.00")
    paid = LedgerEntry.objects.published().filter(major_matter=road, kind=Kind.EXPENSE)
    assert paid.count() == 3

    call_command("seed_demo", verbosity=0)
    # These two, and the lease of 五庙村's and 闫家村's land that approved their contracts
    # (disclosures/assets/demo.py), six steps each.
    assert MajorMatter.objects.count() == 4
    assert MatterStep.objects.count() == 9 + 2 * 6
