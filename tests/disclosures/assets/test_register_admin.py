"""Entering the registers in the admin: an accountant's own villages only, review by
someone else, published records read-only, and a change as a new version."""

from disclosures.assets.models import Asset, Contract
from disclosures.publishing import Status
from tests.disclosures.assets.register_helpers import make_asset, make_contract, make_resource

ADD_ASSET = {
    "number": "ZC-010",
    "name": "村卫生室",
    "kind": "building",
    "state": "in_use",
    "location": "村委会东侧",
    "acquired_on": "2018-05-01",
    "original_value": "160000.00",
    "notes": "",
}


def test_an_accountant_adds_an_asset_to_their_village_only(
    client_for, accountant, wumiao, dongying
):
    client = client_for(accountant)
    response = client.post("/admin/disclosures/asset/add/", {**ADD_ASSET, "village": wumiao.pk})
    assert response.status_code == 302
    asset = Asset.objects.get(number="ZC-010")
    assert (asset.village, asset.created_by, asset.status) == (wumiao, accountant, Status.DRAFT)

    refused = client.post("/admin/disclosures/asset/add/", {**ADD_ASSET, "village": dongying.pk})
    assert refused.status_code == 200 and not Asset.objects.filter(village=dongying).exists()


def test_the_lists_show_the_users_villages_only(client_for, accountant, wumiao, yanjia):
    make_asset(wumiao, name="五庙村的办公楼")
    make_asset(yanjia, name="闫家村的办公楼")
    page = client_for(accountant).get("/admin/disclosures/asset/").content.decode()
    assert "五庙村的办公楼" in page and "闫家村的办公楼" not in page
    other = Asset.objects.get(village=yanjia)
    assert client_for(accountant).get(
        f"/admin/disclosures/asset/{other.pk}/change/"
    ).status_code in (
        302,
        404,
    )


def test_the_contract_choices_are_the_users_current_records(client_for, accountant, wumiao, yanjia):
    make_resource(wumiao, "ZY-001", name="五庙村东地")
    make_resource(yanjia, "ZY-002", name="闫家村西地")
    page = client_for(accountant).get("/admin/disclosures/contract/add/").content.decode()
    assert "五庙村东地" in page and "闫家村西地" not in page


def test_a_reviewer_publishes_what_an_accountant_submitted(
    client_for, client, accountant, reviewer, wumiao
):
    contract = make_contract(wumiao, published=False)
    contract.created_by = accountant
    contract.save()
    review = f"/admin/disclosures/contract/{contract.pk}/review/"
    client_for(accountant).post(review, {"action": "submit"})
    client.logout()
    client_for(reviewer).post(review, {"action": "publish"})
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.status == Status.PUBLISHED and contract.fingerprint
    # Published: read-only, for its accountant too.
    client.logout()
    page = client_for(accountant).get(f"/admin/disclosures/contract/{contract.pk}/change/")
    assert 'name="counterparty"' not in page.content.decode()


def test_the_new_version_action_makes_a_draft_copy(client_for, accountant, wumiao):
    asset = make_asset(wumiao)
    client_for(accountant).post(
        "/admin/disclosures/asset/", {"action": "start_new_version", "_selected_action": [asset.pk]}
    )
    draft = Asset.objects.get(number="ZC-001", version=2)
    assert draft.status == Status.DRAFT and draft.created_by == accountant
    assert draft.name == asset.name


def test_a_month_offers_the_current_contracts_of_its_village(
    client_for, accountant, wumiao, dongying
):
    from tests import factories

    make_contract(wumiao, counterparty="李建国")
    make_contract(dongying, counterparty="东营村的承包户")
    month = factories.make_month(wumiao, 2026, 7, published=False)
    page = client_for(accountant).get(f"/admin/disclosures/ledgermonth/{month.pk}/change/")
    html = page.content.decode()
    assert "李建国" in html and "东营村的承包户" not in html
