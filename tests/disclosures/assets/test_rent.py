"""Rent that is due: the schedule, what arrived in the finance lists, and the flags, read
with a clock the tests move (the `day` every report is computed for)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disclosures.assets.models import (
    Payment,
    ResourceKind,
    contract_reports,
    village_register_flags,
)
from disclosures.finance.models import Kind, LedgerEntry, entries_content
from tests import factories
from tests.disclosures.assets.register_helpers import (
    make_asset,
    make_contract,
    make_resource,
    pay_rent,
)

D = datetime.date


def report_on(village, day, number="HT-001"):
    return next(r for r in contract_reports(village, day) if r.contract.number == number)


def schedule(contract):
    return [(i.due, i.amount) for i in contract.instalments()]


def test_the_schedule_follows_the_payment_terms(wumiao):
    contract = make_contract(wumiao, published=False)
    assert schedule(contract) == [(D(2024 + k, 3, 1), Decimal("30000.00")) for k in range(5)]
    contract.payment = Payment.QUARTERLY
    assert len(schedule(contract)) == 20 and schedule(contract)[1] == (
        D(2024, 6, 1),
        Decimal("7500.00"),
    )
    contract.payment = Payment.ONCE
    assert schedule(contract) == [(D(2024, 3, 1), Decimal("150000.00"))]


def test_a_short_last_period_pays_pro_rata(wumiao):
    contract = make_contract(wumiao, published=False, end_date=D(2025, 9, 1))
    # 2025-03-01 to 2025-09-01 is 184 of the 365 days of a full year.
    assert schedule(contract) == [
        (D(2024, 3, 1), Decimal("30000.00")),
        (D(2025, 3, 1), Decimal("15123.29")),
    ]


def test_an_instalment_is_overdue_thirty_days_after_its_due_date(wumiao):
    factories.make_month(wumiao, 2024, 1)  # the village's finance lists begin
    make_contract(wumiao)  # first instalment due 2024-03-01

    on_day_30 = report_on(wumiao, D(2024, 3, 31))
    assert not on_day_30.rent_overdue and on_day_30.account.due_so_far == Decimal("30000")

    on_day_31 = report_on(wumiao, D(2024, 4, 1))
    assert on_day_31.rent_overdue and "逾期未收" in on_day_31.flag_labels
    assert on_day_31.account.overdue_amount == Decimal("30000.00")
    assert village_register_flags(wumiao, D(2024, 4, 1)).overdue == [on_day_31]


def test_rent_received_in_a_published_list_settles_the_oldest_instalment(wumiao):
    contract = make_contract(wumiao)
    pay_rent(contract, D(2024, 3, 5), "30000.00")
    pay_rent(contract, D(2025, 3, 20), "10000.00", voucher="记0002")
    pay_rent(contract, D(2025, 4, 2), "20000.00", voucher="记0003", published=False)

    report = report_on(wumiao, D(2025, 6, 1))
    assert [i.paid for i in report.account.instalments[:2]] == [Decimal("30000"), Decimal("10000")]
    assert report.account.overdue_amount == Decimal("20000.00")  # the draft does not count
    years = {year.year: (year.due, year.received) for year in report.account.years}
    # What fell due so far: the instalments of 2026 to 2028 are not in the years yet.
    assert years == {
        2024: (Decimal("30000.00"), Decimal("30000.00")),
        2025: (Decimal("30000.00"), Decimal("10000.00")),
    }


def test_rent_due_before_the_first_published_list_is_never_overdue(wumiao):
    make_contract(wumiao)  # instalments due every 1 March from 2024
    assert not report_on(wumiao, D(2024, 6, 1)).rent_overdue  # no list published at all

    factories.make_month(wumiao, 2025, 1)
    report = report_on(wumiao, D(2025, 6, 1))
    first, second = report.account.instalments[:2]
    assert first.before_records and not first.overdue
    assert second.overdue and report.account.overdue_amount == Decimal("30000.00")
    assert report.account.due_so_far == Decimal("30000.00")


def test_a_contract_past_its_end_date_not_handed_back_is_flagged(wumiao, accountant):
    contract = make_contract(wumiao, end_date=D(2026, 3, 1))
    assert not report_on(wumiao, D(2026, 3, 1)).expired_in_use
    assert report_on(wumiao, D(2026, 3, 2)).expired_in_use

    returned = contract.new_version(accountant)
    returned.returned_on, returned.change_note = D(2026, 3, 10), "土地已收回"
    returned.save()
    factories.publish(returned)
    assert not report_on(wumiao, D(2026, 3, 20)).expired_in_use


@pytest.mark.parametrize(
    "kind, years, too_long",
    [
        (ResourceKind.ARABLE, 20, False),
        (ResourceKind.ARABLE, 21, True),
        (ResourceKind.POND, 25, True),
        (ResourceKind.WASTELAND, 50, False),
        (ResourceKind.FOREST, 60, False),
        (ResourceKind.FOREST, 71, True),
    ],
)
def test_a_term_longer_than_the_law_allows_for_the_land_is_flagged(wumiao, kind, years, too_long):
    resource = make_resource(wumiao, kind=kind)
    contract = make_contract(
        wumiao, resource=resource, end_date=D(2024 + years, 3, 1), annual_rent=100
    )
    assert contract.term_too_long is too_long


def test_an_asset_lease_longer_than_twenty_years_is_flagged(wumiao):
    contract = make_contract(wumiao, asset=make_asset(wumiao), end_date=D(2045, 3, 2))
    assert contract.term_too_long


def test_rent_far_below_the_villages_median_per_mu_is_flagged(wumiao):
    # 600, 620 and 640 yuan per mu, and one at 250: below half the median of 620.
    for number, rent in [("HT-001", 30000), ("HT-002", 31000), ("HT-003", 32000)]:
        make_contract(wumiao, number, annual_rent=rent)
    cheap = make_contract(wumiao, "HT-004", annual_rent=12500, counterparty="韩某")

    reports = {r.contract.number: r for r in contract_reports(wumiao, D(2024, 3, 2))}
    assert reports["HT-004"].rent_below_median
    assert reports["HT-004"].village_median_per_mu == Decimal("610.00")
    assert not any(reports[n].rent_below_median for n in ["HT-001", "HT-002", "HT-003"])
    assert cheap.rent_per_mu == Decimal("250.00")


def test_no_median_without_enough_contracts_of_the_kind(wumiao):
    make_contract(wumiao, "HT-001", annual_rent=30000)
    make_contract(wumiao, "HT-002", annual_rent=1000)
    assert not any(r.rent_below_median for r in contract_reports(wumiao, D(2024, 3, 2)))


def test_a_contract_above_the_township_threshold_needs_a_major_matter(wumiao):
    # 5 years × 30,000 = 150,000 yuan, above the default threshold of 50,000.
    contract = make_contract(wumiao)
    assert contract.missing_decision
    small = make_contract(wumiao, "HT-002", annual_rent=5000)  # 25,000 in all
    assert not small.missing_decision
    wumiao.township.major_matter_threshold = 200000
    wumiao.township.save()
    assert not report_on(wumiao, D(2024, 3, 2)).missing_decision


def test_an_income_line_collects_a_published_contract_of_its_village(wumiao, dongying):
    contract = make_contract(wumiao)
    month = factories.make_month(wumiao, 2026, 7, published=False)
    line = LedgerEntry(
        ledger=month,
        date=D(2026, 7, 3),
        voucher_number="记0001",
        description="收承包费",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("100"),
        contract=contract,
    )
    with pytest.raises(ValidationError, match="只有收入"):
        line.full_clean()
    line.kind, line.category = Kind.INCOME, factories.category(Kind.INCOME, "经营收入")
    line.full_clean()
    line.contract = make_contract(dongying)
    with pytest.raises(ValidationError, match="属于其他村"):
        line.full_clean()
    line.contract = make_contract(wumiao, "HT-002", published=False)
    with pytest.raises(ValidationError, match="已公开的合同"):
        line.full_clean()


def test_a_line_names_its_contract_in_the_fingerprint_and_older_lines_keep_theirs(wumiao):
    contract = make_contract(wumiao)
    month = pay_rent(contract, D(2026, 3, 5), "30000.00")
    plain = factories.make_month(wumiao, 2026, 4, entries=1)
    [with_contract] = entries_content(month.entries.all())
    [without] = entries_content(plain.entries.all())
    assert with_contract["contract"] == "HT-001"
    assert "contract" not in without


def test_the_township_dashboard_shows_overdue_rent_per_village(
    client_for, township_staff, wumiao, dongying, monkeypatch
):
    from disclosures.assets import models as registers

    make_contract(wumiao)
    make_contract(dongying, annual_rent=1000)
    for village in (wumiao, dongying):
        factories.make_month(village, 2024, 2)
    monkeypatch.setattr(registers, "today", lambda: D(2024, 5, 1))

    page = client_for(township_staff).get("/admin/disclosures/compliance/").content.decode()

    assert "逾期未收" in page
    wumiao_row = page[page.index(wumiao.code) : page.index("</tr>", page.index(wumiao.code))]
    assert "1 份合同" in wumiao_row and "30,000.00" in wumiao_row
    dongying_row = page[page.index(dongying.code) : page.index("</tr>", page.index(dongying.code))]
    assert "1,000.00" in dongying_row
