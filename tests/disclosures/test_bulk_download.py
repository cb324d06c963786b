"""The nightly bulk download per district: a zip of JSON and CSV per village whose
manifest names every file's SHA-256 and every village's chain, and whose fingerprints are
exactly those verify_ledgers recomputes. Read back from the zip, as a user would."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from disclosures.publishing import chain_fingerprint, chain_links, verify_village
from disclosures.village_page.bulk import archive_path
from tests import factories
from tests.disclosures.affairs.affairs_helpers import FULL_ID, FULL_PHONE, make_disclosure
from tests.disclosures.assets.register_helpers import make_asset, make_contract, pay_rent
from tests.disclosures.test_open_data import valid


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def district_data(wumiao, dongying, yanjia):
    factories.make_history(wumiao, 3, entries_per_month=2)
    contract = make_contract(wumiao)
    pay_rent(contract, datetime.date(2024, 3, 5), "30000.00")
    make_asset(wumiao)
    make_disclosure(
        wumiao,
        "农村低保对象名单",
        datetime.date(2026, 7, 1),
        rows=[("李秀英", "一组", "低保金", "460.00")],
    )
    factories.make_month(dongying, 2026, 10, entries=1)
    factories.make_month(yanjia, 2026, 10, entries=1)
    factories.make_month(wumiao, 2026, 11, published=False)
    return wumiao.township.district


def read(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_manifest_verifies_against_the_chain(media, district_data, wumiao, dongying, yanjia):
    call_command("build_open_data", stdout=io.StringIO())
    assert archive_path(district_data.code).stat().st_mode & 0o777 == 0o644
    files = read(archive_path(district_data.code))
    manifest = json.loads(files.pop("manifest.json"))

    # Every file is listed with its SHA-256, and nothing else is in the zip.
    assert {entry["path"] for entry in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["path"]]).hexdigest() == entry["sha256"]

    villages = {village["code"]: village for village in manifest["villages"]}
    assert set(villages) == {wumiao.code, dongying.code, yanjia.code}
    for village in (wumiao, dongying, yanjia):
        count, problems = verify_village(village)
        assert problems == []
        links = chain_links(village)
        listed = villages[village.code]
        assert listed["chain_length"] == count == len(links)
        assert [link["fingerprint"] for link in listed["links"]] == [
            link.fingerprint for link in links
        ]
        # The chain in the manifest holds together by itself: each link names the one before.
        previous = ""
        for link, stored in zip(listed["links"], links, strict=True):
            assert link["previous_fingerprint"] == previous
            assert chain_fingerprint(previous, stored.canonical_content()) == link["fingerprint"]
            previous = link["fingerprint"]
        assert listed["head"] == (links[-1].fingerprint if links else "")

    # The month JSON is the twin's document and its fingerprint is in the chain.
    month = valid(json.loads(files[f"{wumiao.code}/finance/2026-10.json"]), "finance_month")
    assert month["fingerprint"] in {link["fingerprint"] for link in villages[wumiao.code]["links"]}
    assert f"{wumiao.code}/finance/2026-11.json" not in files  # a draft
    valid(json.loads(files[f"{wumiao.code}/registers.json"]), "registers")
    assert files[f"{wumiao.code}/finance/2026.csv"].decode("utf-8-sig").startswith("月份")
    assert "HT-001" in files[f"{wumiao.code}/registers/contracts.csv"].decode("utf-8-sig")
    chain_csv = files[f"{wumiao.code}/chain.csv"].decode("utf-8-sig")
    assert villages[wumiao.code]["links"][0]["fingerprint"] in chain_csv
    [disclosure] = [name for name in files if "/d/" in name]
    assert valid(json.loads(files[disclosure]), "disclosure")["rows"][0]["phone"] == "138****5678"
    # No personal data: the livelihood list's numbers are not in any file.
    everything = b"".join(files.values()).decode("utf-8", "ignore")
    assert FULL_ID not in everything and FULL_PHONE not in everything


def test_the_zip_is_served_from_the_open_data_page(client, media, district_data):
    assert client.get(f"/open-data/{district_data.code}.zip").status_code == 404
    assert 'href="/open-data/3' not in client.get("/open-data/").content.decode()
    call_command("build_open_data", "--district", district_data.code, stdout=io.StringIO())
    page = client.get("/open-data/").content.decode()
    assert f'href="/open-data/{district_data.code}.zip"' in page
    assert "chain.csv" in page and "manifest.json" in page
    response = client.get(f"/open-data/{district_data.code}.zip")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(content)).namelist()
