"""Monthly finance lists and their entries: totals, validation and constraints."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from disclosures.models import Kind, LedgerEntry, LedgerMonth, Status, Summary
from tests import factories


def entry(
    month, *, day=10, kind=Kind.EXPENSE, category="管理费用", amount="100.00", voucher="记001"
):
    return LedgerEntry(
        ledger=month,
        date=datetime.date(month.year, month.month, day) if isinstance(day, int) else day,
        voucher_number=voucher,
        description="村委会电费",
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
    )


def test_it_sums_a_summary():
    summary = Summary(
        opening=Decimal("12345.67"), income=Decimal("126000.00"), expense=Decimal("16300.00")
    )

    assert summary.closing == Decimal("122045.67")


def test_it_keeps_a_negative_closing_balance():
    summary = Summary(opening=Decimal("100.00"), income=Decimal("0"), expense=Decimal("1300.50"))

    assert summary.closing == Decimal("-1200.50")


def test_it_summarizes_a_month_from_its_entries(wumiao):
    month = factories.make_month(wumiao, 2026, 9, opening="85210.40", published=False)
    entry(month, kind=Kind.INCOME, category="投资收益", amount="4500", voucher="1").save()
    entry(month, kind=Kind.INCOME, category="其他收入", amount="86.35", voucher="2").save()
    entry(month, kind=Kind.EXPENSE, category="公益支出", amount="6500", voucher="3").save()
    entry(month, kind=Kind.EXPENSE, category="管理费用", amount="124.50", voucher="4").save()
    factories.publish(month)

    summary = month.summarize()

    assert summary == Summary(
        opening=Decimal("85210.40"), income=Decimal("4586.35"), expense=Decimal("6624.50")
    )
    assert summary.closing == Decimal("83172.25")


def test_it_summarizes_loaded_entries_without_a_query(wumiao, django_assert_num_queries):
    month = factories.make_month(wumiao, 2026, 9, entries=10)
    entries = list(month.entries.all())

    with django_assert_num_queries(0):
        summary = month.summarize(entries)

    # make_month: odd numbers are income of 100 + n, even ones expense of 100 + n.
    assert summary.income == Decimal("525.00")
    assert summary.expense == Decimal("520.00")
    assert summary.closing == Decimal("10005.00")


def test_an_empty_month_closes_at_its_opening_balance(wumiao):
    month = factories.make_month(wumiao, 2026, 9, opening="5000.00")

    assert month.summarize().closing == Decimal("5000.00")


def test_it_accepts_a_valid_entry(wumiao):
    month = factories.make_month(wumiao, 2026, 2)

    entry(month, day=28).full_clean()
    entry(month, day=1).full_clean()


@pytest.mark.parametrize(
    "date", [datetime.date(2026, 1, 31), datetime.date(2026, 3, 1), datetime.date(2025, 2, 10)]
)
def test_it_rejects_a_date_outside_the_month(wumiao, date):
    month = factories.make_month(wumiao, 2026, 2)

    with pytest.raises(ValidationError) as error:
        entry(month, day=date).full_clean()

    assert list(error.value.message_dict) == ["date"]


def test_it_rejects_a_category_of_the_other_kind(wumiao):
    month = factories.make_month(wumiao, 2026, 9)
    wrong = entry(month, kind=Kind.INCOME, category="经营收入")
    wrong.kind = Kind.EXPENSE

    with pytest.raises(ValidationError) as error:
        wrong.clean()

    assert list(error.value.message_dict) == ["category"]


def test_it_rejects_an_income_entry_with_an_expense_category(wumiao):
    month = factories.make_month(wumiao, 2026, 9)
    wrong = entry(month, kind=Kind.EXPENSE, category="管理费用")
    wrong.kind = Kind.INCOME

    with pytest.raises(ValidationError) as error:
        wrong.clean()

    assert list(error.value.message_dict) == ["category"]


def test_it_rejects_a_category_not_used_in_that_year(wumiao):
    month = factories.make_month(wumiao, 2023, 7)

    # 公益支出 came with the 2023 revision, in force from 2024.
    with pytest.raises(ValidationError) as error:
        entry(month, category="公益支出").clean()

    assert list(error.value.message_dict) == ["category"]


def test_it_rejects_an_old_category_after_the_revision(wumiao):
    month = factories.make_month(wumiao, 2024, 1)

    with pytest.raises(ValidationError) as error:
        entry(month, kind=Kind.INCOME, category="发包及上交收入").clean()

    assert list(error.value.message_dict) == ["category"]


def test_it_accepts_each_category_in_its_years(wumiao):
    entry(factories.make_month(wumiao, 2024, 1), category="公益支出").clean()
    entry(
        factories.make_month(wumiao, 2023, 12), kind=Kind.INCOME, category="发包及上交收入"
    ).clean()


def test_it_reports_the_date_and_the_category_together(wumiao):
    month = factories.make_month(wumiao, 2023, 7)

    with pytest.raises(ValidationError) as error:
        entry(month, day=datetime.date(2023, 8, 1), category="公益支出").clean()

    assert set(error.value.message_dict) == {"date", "category"}


@pytest.mark.parametrize("amount", ["0", "-6500.00"])
def test_the_database_refuses_an_amount_that_is_not_positive(wumiao, amount):
    month = factories.make_month(wumiao, 2026, 9, published=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        entry(month, amount=amount).save()

    assert not month.entries.exists()


def test_the_amount_constraint_is_validated_too(wumiao):
    month = factories.make_month(wumiao, 2026, 9)

    with pytest.raises(ValidationError):
        entry(month, amount="0").full_clean()


def test_a_voucher_number_is_unique_in_a_month(wumiao):
    month = factories.make_month(wumiao, 2026, 9, published=False)
    entry(month, voucher="记09-001").save()

    with pytest.raises(IntegrityError), transaction.atomic():
        entry(month, voucher="记09-001", amount="200.00").save()

    assert month.entries.count() == 1


def test_a_voucher_number_may_repeat_in_another_month(wumiao, yanjia):
    entry(factories.make_month(wumiao, 2026, 9, published=False), voucher="记09-001").save()
    entry(factories.make_month(wumiao, 2026, 10, published=False), voucher="记09-001").save()
    entry(factories.make_month(yanjia, 2026, 9, published=False), voucher="记09-001").save()

    assert LedgerEntry.objects.filter(voucher_number="记09-001").count() == 3


@pytest.mark.parametrize("month", [0, 13])
def test_the_database_refuses_a_month_outside_1_to_12(wumiao, month):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerMonth.objects.create(village=wumiao, year=2026, month=month, opening_balance=0)

    assert not LedgerMonth.objects.exists()


def test_one_month_per_village(wumiao):
    factories.make_month(wumiao, 2026, 9)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerMonth.objects.create(village=wumiao, year=2026, month=9, opening_balance=0)


def test_an_accountant_cannot_publish(accountant, wumiao):
    month = factories.make_month(wumiao, 2026, 9, published=False)
    # Submitted by someone else: what stops the accountant is the role, not four eyes.
    month.submit(factories.workflow_users()[0])

    with pytest.raises(PermissionDenied):
        month.publish(accountant)

    month.refresh_from_db()
    assert month.status == Status.SUBMITTED
    assert month.published_at is None
    assert month.published_by is None


def test_a_reviewer_publishes(accountant, reviewer, wumiao):
    month = factories.make_month(wumiao, 2026, 9, published=False)
    month.submit(accountant)

    month.publish(reviewer)

    month.refresh_from_db()
    assert month.status == Status.PUBLISHED
    assert month.published_at is not None
    assert month.published_by == reviewer
    assert LedgerMonth.objects.published().get() == month


def test_a_published_month_cannot_be_published_again(reviewer, wumiao):
    month = factories.make_month(wumiao, 2026, 9)
    published_at, published_by, fingerprint = (
        month.published_at,
        month.published_by,
        month.fingerprint,
    )

    with pytest.raises(ValidationError):
        month.publish(reviewer)

    month.refresh_from_db()
    assert month.published_at == published_at
    assert month.published_by == published_by != reviewer
    assert month.fingerprint == fingerprint


def test_the_previous_closing_balance_is_the_opening_default(wumiao):
    august = factories.make_month(wumiao, 2026, 8, opening="10000.00", entries=3)
    september = factories.make_month(wumiao, 2026, 9, opening="0.00")

    # entries=3: expenses of 100 and 102, an income of 101.
    assert august.summarize().closing == Decimal("9899.00")
    assert september.previous_closing_balance() == Decimal("9899.00")


def test_the_previous_closing_balance_skips_gaps_and_crosses_years(wumiao):
    factories.make_month(wumiao, 2025, 11, opening="500.00")
    factories.make_month(wumiao, 2025, 12, opening="700.00", entries=2)
    january = factories.make_month(wumiao, 2026, 1, opening="0")
    march = factories.make_month(wumiao, 2026, 3, opening="123.45")

    # entries=2: an expense of 100 and an income of 101.
    assert january.previous_closing_balance() == Decimal("701.00")
    assert march.previous_closing_balance() == Decimal("0")


def test_the_previous_closing_balance_is_the_same_villages(wumiao, yanjia):
    factories.make_month(yanjia, 2026, 8, opening="99999.00")
    september = factories.make_month(wumiao, 2026, 9)

    assert september.previous_closing_balance() is None


def test_the_previous_closing_balance_of_an_unsaved_month(wumiao):
    factories.make_month(wumiao, 2026, 8, opening="2000.00")

    assert LedgerMonth(village=wumiao, year=2026, month=9).previous_closing_balance() == Decimal(
        "2000.00"
    )


@pytest.mark.parametrize("year, month", [(2026, 13), (2026, 0), (None, 11), (2026, None)])
def test_an_entry_of_an_impossible_month_leaves_the_period_to_the_months_form(wumiao, year, month):
    impossible = LedgerMonth(village=wumiao, year=year, month=month, opening_balance=0)
    line = LedgerEntry(
        ledger=impossible,
        date=datetime.date(2026, 11, 3),
        voucher_number="记001",
        description="村内道路路灯维修",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "公益支出"),
        amount=Decimal("1200.00"),
    )

    line.clean()  # No crash; the month's own validation reports the period.
