"""Open data: the JSON twins validate against the documented schema
(docs/open-data/schema.json), carry the same content and fingerprints as their pages,
never show a draft, cost a fixed number of queries; the Atom feed is valid Atom and the
pages advertise both."""

import datetime
import json
import pathlib
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import jsonschema
import pytest

from disclosures.finance.models import Kind, LedgerCorrection, LedgerEntry
from tests import factories
from tests.disclosures.assets.register_helpers import make_asset, make_contract, pay_rent

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "open-data" / "schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"


def validator(kind):
    return jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"})


def valid(data, kind):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(data)]
    assert errors == []
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    return data


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_documents_example_validates():
    blocks = re.findall(r"```json\n(.*?)```", (DOCS / "open-data.md").read_text(), re.S)
    assert blocks
    for block in blocks:
        data = json.loads(block)
        valid(data, data["kind"])


@pytest.fixture
def corrected_month(wumiao):
    """July 2026 with two lines, and a published correction reversing part of one."""
    month = factories.make_month(wumiao, 2026, 7, entries=2)
    correction = LedgerCorrection.objects.create(ledger=month, reason="金额录入错误")
    LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(2026, 8, 3),
        voucher_number="更01",
        description="冲减多记的管理费用",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("-50.00"),
    )
    factories.publish(correction)
    LedgerCorrection.objects.create(ledger=month, reason="草稿更正，不公开")
    return month


def test_a_month_twin_has_the_pages_lines_and_fingerprints(client, wumiao, corrected_month):
    data = valid(get_json(client, f"/v/{wumiao.code}/finance/2026-07.json"), "finance_month")

    assert data["url"].endswith(f"/v/{wumiao.code}/finance/2026-07/")
    assert data["fingerprint"] == corrected_month.fingerprint
    assert [e["voucher"] for e in data["entries"]] == ["记0000", "记0001"]
    assert data["entries"][1]["category"] == "经营收入"
    assert data["summary"]["expense"] == "100.00"
    assert data["corrected_summary"]["expense"] == "50.00"
    [correction] = data["corrections"]  # the draft correction is not public
    assert correction["reason"] == "金额录入错误" and correction["entries"][0]["amount"] == "-50.00"
    assert correction["previous_fingerprint"] == corrected_month.fingerprint


def test_a_month_twin_names_the_contract_a_line_collects(client, wumiao):
    contract = make_contract(wumiao)
    pay_rent(contract, datetime.date(2026, 3, 4), "30000.00")
    data = valid(get_json(client, f"/v/{wumiao.code}/finance/2026-03.json"), "finance_month")
    assert data["entries"][0]["contract"] == "HT-001"


def test_a_year_twin_has_twelve_months_and_their_fingerprints(client, wumiao, corrected_month):
    factories.make_month(wumiao, 2026, 9, entries=2)
    factories.make_month(wumiao, 2026, 10, published=False)

    data = valid(get_json(client, f"/v/{wumiao.code}/finance/2026.json"), "finance_year")

    months = {month["period"]: month for month in data["months"]}
    assert len(months) == 12
    assert months["2026-07"]["fingerprint"] == corrected_month.fingerprint
    assert months["2026-07"]["corrected"] and months["2026-07"]["summary"]["expense"] == "50.00"
    assert months["2026-09"]["json"].endswith("/finance/2026-09.json")
    assert not months["2026-10"]["published"] and months["2026-10"]["summary"] is None
    assert data["expense"] == "150.00"
    assert client.get(f"/v/{wumiao.code}/finance/2025.json").status_code == 404


def test_drafts_have_no_twin(client, wumiao):
    factories.make_month(wumiao, 2026, 8, published=False)
    assert client.get(f"/v/{wumiao.code}/finance/2026-08.json").status_code == 404
    assert client.get("/v/999999999999.json").status_code == 404


def test_the_village_twin_lists_every_month_with_its_fingerprint(client, wumiao):
    months = factories.make_history(wumiao, 3, entries_per_month=2)
    make_contract(wumiao)

    data = valid(get_json(client, f"/v/{wumiao.code}.json"), "village")

    assert [m["fingerprint"] for m in data["months"]] == [m.fingerprint for m in months[::-1]]
    assert data["latest_month"]["period"] == "2026-10"
    assert data["months"][0]["json"].endswith(f"/v/{wumiao.code}/finance/2026-10.json")
    assert data["feed"].endswith(f"/v/{wumiao.code}/feed.atom")
    assert data["registers"]["contracts_flagged"] == 1  # no major matter approved it
    assert [module["label"] for module in data["modules"]][0] == "党务公开"


def test_the_village_twin_of_a_village_with_nothing_published(client, wumiao):
    data = valid(get_json(client, f"/v/{wumiao.code}.json"), "village")
    assert data["months"] == [] and data["latest_month"] is None


def test_the_registers_twin_has_the_rent_and_the_flags(client, wumiao, monkeypatch):
    from disclosures.assets import models as registers

    factories.make_month(wumiao, 2024, 1)
    make_asset(wumiao)
    contract = make_contract(wumiao)
    pay_rent(contract, datetime.date(2024, 3, 5), "30000.00")
    monkeypatch.setattr(registers, "today", lambda: datetime.date(2025, 4, 1))

    data = valid(get_json(client, f"/v/{wumiao.code}/registers.json"), "registers")

    [asset], [resource], [entry] = data["assets"], data["resources"], data["contracts"]
    assert asset["number"] == "ZC-001" and asset["version"] == 1
    assert resource["contracts"] == ["HT-001"]
    assert entry["fingerprint"] == contract.fingerprint
    assert entry["rent"]["received"] == "30000.00" and entry["rent"]["overdue"] == "30000.00"
    assert entry["flags"]["rent_overdue"] and entry["flags"]["missing_decision"]
    assert data["as_of"] == "2025-04-01"


@pytest.mark.parametrize("months", [1, 6])
def test_the_twins_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries, wumiao, months
):
    factories.make_history(wumiao, months, entries_per_month=3)
    for number in range(months):
        make_contract(wumiao, f"HT-{number:03d}")
    # The village, months, the latest month's entries and their receipt photos, modules,
    # timeliness (2), register flags (3), the seals the fingerprints are checked against,
    # the township's latest quarterly ranking.
    with django_assert_num_queries(12):
        client.get(f"/v/{wumiao.code}.json")
    # The village, assets, resources, contracts, rent lines, where the lists begin.
    with django_assert_num_queries(6):
        client.get(f"/v/{wumiao.code}/registers.json")
    # The village, the month, its entries and their receipt photos, and what the village's
    # corrections changed (the balances carried forward).
    with django_assert_num_queries(5):
        client.get(f"/v/{wumiao.code}/finance/2026-10.json")
    # The village, the year's months, their entries, what the corrections changed.
    with django_assert_num_queries(4):
        client.get(f"/v/{wumiao.code}/finance/2026.json")


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_is_atom_with_what_was_published_newest_first(client, wumiao, dongying):
    months = factories.make_history(wumiao, 2, entries_per_month=1)
    contract = make_contract(wumiao)
    factories.make_month(wumiao, 2026, 11, published=False)
    factories.make_month(dongying, 2026, 10)

    feed = atom(client, f"/v/{wumiao.code}/feed.atom")

    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link.endswith(f"/v/{wumiao.code}/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    # Two months, the contract's resource and the contract; not the draft, not dongying's.
    assert len(entries) == 4
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert f"urn:sha256:{contract.fingerprint}" in ids
    assert f"urn:sha256:{months[-1].fingerprint}" in ids
    assert len(set(ids)) == len(ids)
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)


def test_the_feed_of_an_unknown_village_is_not_found(client, db):
    assert client.get("/v/999999999999/feed.atom").status_code == 404


def test_the_pages_advertise_the_feed_and_their_twins(client, wumiao):
    factories.make_month(wumiao, 2026, 10)
    feed = (
        '<link rel="alternate" type="application/atom+xml" title="五庙村：公开动态" '
        f'href="/v/{wumiao.code}/feed.atom">'
    )
    twins = {
        f"/v/{wumiao.code}/": f"/v/{wumiao.code}.json",
        f"/v/{wumiao.code}/finance/2026-10/": f"/v/{wumiao.code}/finance/2026-10.json",
        f"/v/{wumiao.code}/registers/": f"/v/{wumiao.code}/registers.json",
        f"/v/{wumiao.code}/finance/2026/": f"/v/{wumiao.code}/finance/2026.json",
    }
    for page, twin in twins.items():
        html = client.get(page).content.decode()
        assert feed in html
        assert f'<link rel="alternate" type="application/json" href="{twin}">' in html
    assert (
        '<link rel="alternate" type="application/json"'
        not in client.get(f"/v/{wumiao.code}/powers/").content.decode()
    )
