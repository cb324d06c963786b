"""Test data for the registers of assets, resources and contracts (三资)."""

import datetime
from decimal import Decimal

from disclosures.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Contract,
    Payment,
    Resource,
    ResourceKind,
    Selection,
)
from disclosures.finance.models import Kind, LedgerEntry
from tests import factories
from tests.factories import publish


def make_asset(village, number="ZC-001", *, published=True, **fields):
    asset = Asset.objects.create(
        village=village,
        number=number,
        **{
            "name": "村委会办公楼",
            "kind": AssetKind.BUILDING,
            "location": "村委会大院",
            "acquired_on": datetime.date(2012, 6, 1),
            "original_value": Decimal("380000.00"),
            "state": AssetStatus.IN_USE,
            **fields,
        },
    )
    return publish(asset) if published else asset


def make_resource(village, number="ZY-001", *, published=True, **fields):
    resource = Resource.objects.create(
        village=village,
        number=number,
        **{
            "name": "村东机动地",
            "kind": ResourceKind.ARABLE,
            "area_mu": Decimal("50.00"),
            "location": "村东，南至排水沟",
            **fields,
        },
    )
    return publish(resource) if published else resource


def make_contract(village, number="HT-001", *, resource=None, published=True, **fields):
    if resource is None and "asset" not in fields:
        resource = make_resource(village, f"ZY-{number}")
    contract = Contract.objects.create(
        village=village,
        number=number,
        resource=resource,
        **{
            "counterparty": "李建国",
            "purpose": "种植小麦玉米",
            "start_date": datetime.date(2024, 3, 1),
            "end_date": datetime.date(2029, 3, 1),
            "annual_rent": Decimal("30000.00"),
            "payment": Payment.ANNUAL,
            "selection": Selection.BIDDING,
            **fields,
        },
    )
    return publish(contract) if published else contract


def pay_rent(contract, day, amount, voucher="记0001", published=True):
    """A finance list of the month of `day` with one income line collecting `contract`."""
    month = factories.make_month(contract.village, day.year, day.month, published=False)
    add_rent_line(month, contract, day, voucher, amount)
    if published:
        publish(month)
    return month


def add_rent_line(month, contract, day, voucher, amount="30000.00"):
    return LedgerEntry.objects.create(
        ledger=month,
        date=day,
        voucher_number=voucher,
        description=f"收{contract.counterparty}承包费",
        kind=Kind.INCOME,
        category=factories.category(Kind.INCOME, "经营收入"),
        amount=Decimal(amount),
        contract=contract,
    )
