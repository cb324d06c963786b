"""Test data for major matters: a matter and its steps, each a quorate meeting unless
told otherwise, published through the real workflow when asked."""

import datetime
from decimal import Decimal

from disclosures.matters.models import Body, MajorMatter, MatterStep
from disclosures.models import Kind, LedgerCorrection, LedgerEntry
from tests import factories

FIRST_DAY = datetime.date(2026, 3, 2)

# step -> the meeting fields of a quorate, decided meeting
MEETINGS = {
    1: {"body": Body.PARTY_BRANCH, "meeting": "党支部委员会会议", "members_total": 5, "present": 5},
    2: {
        "body": Body.TWO_COMMITTEES,
        "meeting": "村两委联席会议",
        "members_total": 9,
        "present": 8,
    },
    3: {
        "body": Body.PARTY_MEMBERS,
        "meeting": "党员大会",
        "members_total": 30,
        "present": 24,
        "votes_for": 22,
        "votes_against": 1,
        "abstaining": 1,
    },
    4: {
        "body": Body.REPRESENTATIVES,
        "meeting": "村民代表会议",
        "members_total": 30,
        "present": 23,
        "votes_for": 20,
        "votes_against": 2,
        "abstaining": 1,
    },
    5: {},
    6: {},
}
RECORDS = {
    1: "党支部提议硬化村内主干道。",
    2: "两委商议工程标准和预算。",
    3: "党员大会审议通过初步方案。",
    4: "村民代表会议表决通过实施方案。",
    5: "决议在村务公开栏公示7天，无异议。",
    6: "工程完工，验收合格。",
}


def make_matter(village, title="村内主干道硬化工程", budget="180000.00"):
    return MajorMatter.objects.create(
        village=village, title=title, purpose="硬化南北主干道1.2公里。", budget=Decimal(budget)
    )


def step_date(number):
    return FIRST_DAY + datetime.timedelta(days=7 * (number - 1))


def make_step(matter, number, *, save=True, **fields):
    values = {
        "matter": matter,
        "step": number,
        "date": step_date(number),
        "record": RECORDS[number],
        **MEETINGS[number],
        **fields,
    }
    step = MatterStep(**values)
    if save:
        step.full_clean()
        step.save()
    return step


def make_steps(matter, published=0, drafts=0):
    """Steps 1..published published (in order), then `drafts` more as drafts."""
    steps = []
    for number in range(1, published + drafts + 1):
        step = make_step(matter, number)
        if number <= published:
            factories.publish(step, when=_noon(step.date))
        steps.append(step)
    return steps


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def add_entry(month, voucher, amount, *, matter=None, kind=Kind.EXPENSE, day=15, correction=None):
    category = factories.category(kind, "公益支出" if kind == Kind.EXPENSE else "补助收入")
    return LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=f"工程款 {voucher}",
        kind=kind,
        category=category,
        amount=Decimal(amount),
        approved_by="韩兴和",
        major_matter=matter,
    )


def month_with_entries(village, year, month, lines, *, published=True):
    """A ledger month with (voucher, amount, matter) expense lines."""
    ledger = factories.make_month(village, year, month, published=False)
    for voucher, amount, matter in lines:
        add_entry(ledger, voucher, amount, matter=matter)
    if published:
        factories.publish(ledger)
    return ledger


def correction_with_entries(ledger, lines, *, published=True):
    correction = LedgerCorrection.objects.create(ledger=ledger, reason="补记漏记的工程款。")
    for voucher, amount, matter in lines:
        add_entry(ledger, voucher, amount, matter=matter, correction=correction)
    if published:
        factories.publish(correction)
    return correction
