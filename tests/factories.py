"""Plain helpers that build test data. Fixtures in conftest.py use them."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth
from villages.models import District, Township, Village

PASSWORD = "test-password-123"


def make_district():
    district, _ = District.objects.get_or_create(
        code="371603", defaults={"name": "沾化区", "city": "滨州市", "province": "山东省"}
    )
    return district


def make_township(code="371603201", name="利国乡", phone="0543-7362201"):
    return Township.objects.create(
        district=make_district(), code=code, name=name, supervision_phone=phone
    )


def make_village(township, code, name):
    return Village.objects.create(township=township, code=code, name=name)


def make_user(username, role=None, *, villages=(), townships=(), superuser=False):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    for village in villages:
        village.staff.add(user)
    for township in townships:
        township.staff.add(user)
    return user


def category(kind, name):
    return Category.objects.get(kind=kind, name=name, township=None)


def workflow_users():
    """An accountant and a reviewer who exist only to move test data through review."""
    from villages.roles import ACCOUNTANT, REVIEWER

    User = get_user_model()
    enterer = User.objects.filter(username="factory-accountant").first() or make_user(
        "factory-accountant", ACCOUNTANT
    )
    reviewer = User.objects.filter(username="factory-reviewer").first() or make_user(
        "factory-reviewer", REVIEWER
    )
    return enterer, reviewer


def publish(item, when=None):
    """Submit and publish through the real workflow (so fingerprints are made)."""
    if isinstance(item, LedgerMonth):
        state_test_reasons(item)
    enterer, reviewer = workflow_users()
    item.submit(enterer)
    item.publish(reviewer, when=when)
    return item


def state_test_reasons(month):
    """Test months open at 10,000 whatever the month before closed at, and some close
    below zero: the rules ask for a stated reason then (tests/disclosures/finance/
    test_balances.py checks them); here the test data states one."""
    expected = month.previous_closing_balance()
    if expected is not None and expected != month.opening_balance and not month.opening_reason:
        month.opening_reason = "测试数据：期初余额按测试给定的数填写"
    if month.summarize().closing < 0 and not month.negative_balance_reason:
        month.negative_balance_reason = "测试数据：期末余额为负"
    month.save()


def make_month(village, year, month, *, entries=0, published=True, opening="10000.00"):
    """A ledger month with `entries` lines alternating income and expense."""
    ledger = LedgerMonth.objects.create(
        village=village, year=year, month=month, opening_balance=Decimal(opening)
    )
    income = category(Kind.INCOME, "经营收入")
    expense = category(Kind.EXPENSE, "管理费用")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            ledger=ledger,
            date=datetime.date(year, month, 1 + number % 28),
            voucher_number=f"记{number:04d}",
            description=f"测试摘要 {number}",
            kind=Kind.INCOME if number % 2 else Kind.EXPENSE,
            category=income if number % 2 else expense,
            amount=Decimal("100.00") + number,
            approved_by="韩兴和",
        )
        for number in range(entries)
    )
    if published:
        # A month without transactions is still disclosed ("no income or expense").
        when = datetime.datetime(year, month, 28, tzinfo=datetime.UTC)
        publish(ledger, when=when)
    return ledger


def make_history(village, months, entries_per_month=10, *, end=(2026, 10)):
    """`months` consecutive published months ending at `end`."""
    year, month = end
    index = year * 12 + month - 1
    return [
        make_month(village, i // 12, i % 12 + 1, entries=entries_per_month)
        for i in range(index - months + 1, index + 1)
    ]
