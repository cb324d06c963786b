"""Open data for the single-record pages: every asset, resource and contract, major
matter, disclosure and sunshine report has a JSON twin that validates against the
documented schema, carries the same fingerprints, masks what the page masks, and costs
a fixed number of queries; each page advertises its twin."""

import datetime
import json

import pytest

from tests import factories
from tests.disclosures.affairs.affairs_helpers import FULL_ID, FULL_PHONE, make_disclosure
from tests.disclosures.assets.register_helpers import make_asset, make_contract, pay_rent
from tests.disclosures.matters.matter_data import make_matter, make_steps
from tests.disclosures.sunshine.sunshine_helpers import make_cadres, make_report
from tests.disclosures.test_open_data import get_json, valid


def advertised(client, page, twin):
    html = client.get(page).content.decode()
    assert f'<link rel="alternate" type="application/json" href="{twin}">' in html


def test_an_assets_twin_has_every_published_version(client, wumiao, accountant):
    asset = make_asset(wumiao)
    second = asset.new_version(accountant)
    second.name, second.change_note = "村委会办公楼（翻新）", "翻新"
    second.save()
    factories.publish(second)
    make_asset(wumiao, "ZC-002", published=False)

    data = valid(get_json(client, f"/v/{wumiao.code}/assets/ZC-001.json"), "asset_record")

    assert [v["version"] for v in data["versions"]] == [2, 1]
    assert data["versions"][0]["fingerprint"] == second.fingerprint
    assert data["versions"][1]["fingerprint"] == asset.fingerprint
    assert client.get(f"/v/{wumiao.code}/assets/ZC-002.json").status_code == 404
    advertised(client, f"/v/{wumiao.code}/assets/ZC-001/", f"/v/{wumiao.code}/assets/ZC-001.json")


def test_a_contracts_twin_has_its_rent_and_flags(client, wumiao, monkeypatch):
    from disclosures.assets import models as registers

    factories.make_month(wumiao, 2024, 1)
    contract = make_contract(wumiao)
    pay_rent(contract, datetime.date(2024, 3, 5), "30000.00")
    monkeypatch.setattr(registers, "today", lambda: datetime.date(2025, 4, 1))

    data = valid(get_json(client, f"/v/{wumiao.code}/contracts/HT-001.json"), "contract_record")
    assert data["versions"][0]["fingerprint"] == contract.fingerprint
    assert data["rent"]["overdue"] == "30000.00" and data["flags"]["rent_overdue"]
    resource = valid(
        get_json(client, f"/v/{wumiao.code}/resources/ZY-HT-001.json"), "resource_record"
    )
    assert resource["versions"][0]["contracts"] == ["HT-001"]
    advertised(
        client, f"/v/{wumiao.code}/contracts/HT-001/", f"/v/{wumiao.code}/contracts/HT-001.json"
    )


def test_a_disclosures_twin_masks_the_livelihood_rows(client, wumiao):
    disclosure = make_disclosure(
        wumiao,
        "农村低保对象名单",
        datetime.date(2026, 7, 1),
        title="2026年第三季度低保名单",
        rows=[("李秀英", "一组", "低保金", "460.00")],
    )
    response = client.get(f"/v/{wumiao.code}/d/{disclosure.pk}.json")
    assert FULL_ID not in response.content.decode() and FULL_PHONE not in response.content.decode()
    data = valid(json.loads(response.content), "disclosure")
    assert data["fingerprint"] == disclosure.fingerprint
    [row] = data["rows"]
    assert row["id_number"] == "3716**********123X" and row["phone"] == "138****5678"
    assert row["amount"] == "460.00"
    advertised(
        client, f"/v/{wumiao.code}/d/{disclosure.pk}/", f"/v/{wumiao.code}/d/{disclosure.pk}.json"
    )


def test_a_matters_twin_has_its_published_steps(client, wumiao):
    matter = make_matter(wumiao)
    steps = make_steps(matter, published=4, drafts=1)
    data = valid(get_json(client, f"/v/{wumiao.code}/matters/{matter.pk}.json"), "matter")
    assert [s["step"] for s in data["steps"]] == [1, 2, 3, 4]
    assert data["steps"][3]["fingerprint"] == steps[3].fingerprint
    advertised(
        client,
        f"/v/{wumiao.code}/matters/{matter.pk}/",
        f"/v/{wumiao.code}/matters/{matter.pk}.json",
    )


def test_a_sunshine_reports_twin_has_the_votes(client, wumiao):
    report = make_report(wumiao, 2026, 2, cadres=make_cadres(wumiao), tasks=["修路灯"])
    data = valid(get_json(client, f"/v/{wumiao.code}/sunshine/2026-q2.json"), "sunshine_report")
    assert data["fingerprint"] == report.fingerprint
    assert data["cadres"][0]["votes"] == {
        "satisfied": 20,
        "basically_satisfied": 8,
        "dissatisfied": 2,
    }
    assert data["cadres"][0]["tasks"][0]["task"] == "修路灯"
    assert client.get(f"/v/{wumiao.code}/sunshine/2026-q3.json").status_code == 404
    advertised(
        client, f"/v/{wumiao.code}/sunshine/2026-q2/", f"/v/{wumiao.code}/sunshine/2026-q2.json"
    )


@pytest.mark.parametrize("contracts", [1, 5])
def test_the_record_twins_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries, wumiao, contracts
):
    factories.make_month(wumiao, 2024, 1)
    for number in range(contracts):
        make_contract(wumiao, f"HT-{number:03d}")
    make_asset(wumiao)
    with django_assert_num_queries(3):  # the village, the versions, the contracts letting it
        client.get(f"/v/{wumiao.code}/assets/ZC-001.json")
    with django_assert_num_queries(3):
        client.get(f"/v/{wumiao.code}/resources/ZY-HT-000.json")
    # The village, the versions, the current contracts, the rent lines, where the
    # finance lists begin, the lines that collected it.
    with django_assert_num_queries(6):
        client.get(f"/v/{wumiao.code}/contracts/HT-000.json")


def test_the_list_pages_twins_link_each_records_twin(client, wumiao):
    disclosure = make_disclosure(wumiao)
    matter = make_matter(wumiao)
    make_steps(matter, published=2)
    report = make_report(wumiao, 2026, 2, cadres=make_cadres(wumiao))
    module = disclosure.item.module

    data = valid(get_json(client, f"/v/{wumiao.code}/m/{module}.json"), "module")
    found = [d for item in data["items"] for d in item["disclosures"]]
    assert [d["fingerprint"] for d in found] == [disclosure.fingerprint]
    assert found[0]["json"].endswith(f"/v/{wumiao.code}/d/{disclosure.pk}.json")
    assert client.get(f"/v/{wumiao.code}/m/nonsense.json").status_code == 404

    data = valid(get_json(client, f"/v/{wumiao.code}/matters.json"), "matters")
    assert [(m["id"], m["step"]) for m in data["matters"]] == [(matter.pk, 2)]

    data = valid(get_json(client, f"/v/{wumiao.code}/sunshine.json"), "sunshine")
    assert [r["fingerprint"] for r in data["reports"]] == [report.fingerprint]
    for page, twin in [
        (f"/v/{wumiao.code}/m/{module}/", f"/v/{wumiao.code}/m/{module}.json"),
        (f"/v/{wumiao.code}/matters/", f"/v/{wumiao.code}/matters.json"),
        (f"/v/{wumiao.code}/sunshine/", f"/v/{wumiao.code}/sunshine.json"),
    ]:
        advertised(client, page, twin)
