"""The public register pages: current versions only, every published version on a
record's page, rent and flags, on a phone without JavaScript, in a fixed number of
queries however many contracts, versions and years."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from disclosures.assets import models as registers
from disclosures.assets.models import AssetStatus
from tests import factories
from tests.disclosures.assets.register_helpers import (
    add_rent_line,
    make_asset,
    make_contract,
    make_resource,
    pay_rent,
)

# The village, assets, resources, contracts, the rent lines, where the village's finance
# lists begin (the visit is counted in the cache).
INDEX_QUERIES = 6
# The village, the versions, the contracts letting it.
RECORD_QUERIES = 3
# The village, the versions, current contracts, rent lines, where the finance lists begin,
# the lines collecting it.
CONTRACT_QUERIES = 6


@pytest.fixture
def clock(monkeypatch):
    """Set the day the flags are read on: clock(datetime.date(...))."""

    def set_day(day):
        monkeypatch.setattr(registers, "today", lambda: day)

    return set_day


def test_the_addresses(wumiao):
    code = wumiao.code
    assert reverse("disclosures:registers", kwargs={"code": code}) == f"/v/{code}/registers/"
    kwargs = {"code": code, "number": "HT-001"}
    assert reverse("disclosures:contract_record", kwargs=kwargs) == f"/v/{code}/contracts/HT-001/"
    assert make_asset(wumiao).get_absolute_url() == f"/v/{code}/assets/ZC-001/"


def test_the_index_shows_current_published_records_only(client, wumiao, dongying, accountant):
    asset = make_asset(wumiao)
    newer = asset.new_version(accountant)
    newer.name, newer.change_note = "村委会新办公楼", "更名"
    newer.save()
    factories.publish(newer)
    make_asset(wumiao, "ZC-002", name="草稿里的拖拉机", published=False)
    make_resource(wumiao, name="村南鱼塘", kind="pond", occupant="王海")
    make_contract(wumiao, counterparty="李建国")
    make_asset(dongying, "ZC-003", name="东营村的水塔")

    page = client.get(f"/v/{wumiao.code}/registers/").content.decode()

    assert "村委会新办公楼" in page and "村委会办公楼<" not in page
    assert "草稿里的拖拉机" not in page and "东营村的水塔" not in page
    assert "村南鱼塘" in page and "王海" in page
    assert "李建国" in page and f'href="/v/{wumiao.code}/contracts/HT-001/"' in page
    assert "<script" not in page


def test_the_index_and_the_village_page_flag_overdue_rent(client, wumiao, clock):
    contract = make_contract(wumiao)
    pay_rent(contract, datetime.date(2024, 3, 5), "30000.00")

    clock(datetime.date(2025, 3, 31))
    assert "逾期未收" not in client.get(f"/v/{wumiao.code}/registers/").content.decode()

    clock(datetime.date(2025, 4, 1))
    wumiao.bump_public_version()  # the cached pages are per published version
    index = client.get(f"/v/{wumiao.code}/registers/").content.decode()
    assert "1 份合同逾期未收" in index and "30,000.00" in index
    village = client.get(wumiao.get_absolute_url()).content.decode()
    assert "1 份合同逾期未收" in village
    assert f'href="/v/{wumiao.code}/registers/"' in village


def test_the_contract_page_shows_due_and_received_year_by_year(client, wumiao, clock):
    contract = make_contract(wumiao, end_date=datetime.date(2026, 3, 1))
    pay_rent(contract, datetime.date(2024, 3, 5), "30000.00")
    clock(datetime.date(2026, 6, 1))

    page = client.get(f"/v/{wumiao.code}/contracts/HT-001/").content.decode()

    assert "2024" in page and "2025" in page
    assert "逾期未收" in page and "合同已到期仍在使用" in page
    assert "没有重大事项决策" in page  # 60,000 yuan in all, above the 50,000 threshold
    assert "收李建国承包费" in page
    assert "公开招标" in page and "ZY-HT-001" in page


def test_a_record_page_shows_every_published_version(client, wumiao, accountant):
    first = make_asset(wumiao)
    second = first.new_version(accountant)
    second.state, second.change_note = AssetStatus.IDLE, "搬迁后闲置"
    second.save()
    factories.publish(second)
    third = second.new_version(accountant)  # a draft: not public

    page = client.get(f"/v/{wumiao.code}/assets/ZC-001/").content.decode()

    assert "第 2 版" in page and "第 1 版" in page and "第 3 版" not in page
    assert "搬迁后闲置" in page and "闲置" in page
    assert first.short_fingerprint in page and second.short_fingerprint in page
    assert third.pk


def test_an_unknown_or_unpublished_record_is_not_found(client, wumiao):
    make_resource(wumiao, published=False)
    assert client.get(f"/v/{wumiao.code}/resources/ZY-001/").status_code == 404
    assert client.get(f"/v/{wumiao.code}/contracts/HT-404/").status_code == 404


def many_contracts(village, count, years_paid):
    """`count` contracts, each paid once a year for `years_paid` years, one list a year."""
    contracts = [
        make_contract(village, f"HT-{n:03d}", counterparty=f"承包户{n}") for n in range(count)
    ]
    for year in range(2024, 2024 + years_paid):
        month = factories.make_month(village, year, 3, published=False)
        for n, contract in enumerate(contracts):
            add_rent_line(month, contract, datetime.date(year, 3, 1 + n), f"记{n:04d}")
        factories.publish(month)


@pytest.mark.parametrize("count, years", [(1, 1), (4, 3)])
def test_the_index_makes_a_fixed_number_of_queries(
    client, django_assert_num_queries, wumiao, count, years
):
    many_contracts(wumiao, count, years)
    make_asset(wumiao)
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get(f"/v/{wumiao.code}/registers/").status_code == 200


@pytest.mark.parametrize("count, years, versions", [(1, 1, 1), (4, 3, 3)])
def test_the_record_pages_make_a_fixed_number_of_queries(
    client, django_assert_num_queries, wumiao, accountant, count, years, versions
):
    many_contracts(wumiao, count, years)
    asset = make_asset(wumiao)
    for version in range(2, versions + 1):
        asset = asset.new_version(accountant)
        asset.change_note = f"第{version}次变更"
        asset.save()
        factories.publish(asset)
    # Each rendered afresh, the village's state not in the cache.
    for url, queries in (
        (f"/v/{wumiao.code}/contracts/HT-000/", CONTRACT_QUERIES),
        (f"/v/{wumiao.code}/assets/ZC-001/", RECORD_QUERIES),
        (f"/v/{wumiao.code}/resources/ZY-HT-000/", RECORD_QUERIES),
    ):
        cache.clear()
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
