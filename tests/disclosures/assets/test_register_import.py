"""Importing the registers from spreadsheets, with the ledger importer's machinery: every
row checked with its reasons, all or nothing, drafts reviewed as usual, a template that
reads back, and only into the user's own villages."""

import csv
import io
import re

from openpyxl import Workbook, load_workbook

from disclosures.assets.importing import AssetRegister, ContractRegister, ResourceRegister
from disclosures.assets.models import Asset, Contract, Resource
from disclosures.publishing import ReviewEvent, Status
from tests.disclosures.assets.register_helpers import make_resource

RESOURCE_HEADER = ["编号", "名称", "类别", "面积（亩）", "坐落", "现使用人", "备注"]
POND = ["ZY-101", "村南鱼塘", "坑塘水面", "12.5", "村南", "王大海", ""]
LAND = ["ZY-102", "村西机动地", "耕地", "80", "村西", "", "机动地"]


def csv_bytes(header, *rows):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")


def xlsx_bytes(header, *rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_good_rows_become_drafts_of_version_one(wumiao, accountant):
    result = ResourceRegister(wumiao).import_records(
        accountant, csv_bytes(RESOURCE_HEADER, POND, LAND)
    )
    assert result.is_valid and result.errors == []
    pond, land = Resource.objects.order_by("number")
    assert (pond.number, pond.kind, pond.area_mu, pond.occupant) == (
        "ZY-101",
        "pond",
        12.5,
        "王大海",
    )
    assert land.kind == "arable" and land.notes == "机动地"
    assert {r.status for r in (pond, land)} == {Status.DRAFT}
    assert {r.version for r in (pond, land)} == {1}
    assert pond.created_by == accountant
    # The importer typed them: four eyes, they may not publish them.
    assert ReviewEvent.objects.filter(action=ReviewEvent.Action.EDIT).count() == 2


def test_one_bad_row_and_nothing_is_imported_with_the_reasons(wumiao, accountant):
    bad = ["ZY-103", "村北荒地", "沙漠", "十亩", "村北", "", ""]
    result = ResourceRegister(wumiao).import_records(
        accountant, xlsx_bytes(RESOURCE_HEADER, POND, bad, LAND)
    )
    assert not result.is_valid
    assert Resource.objects.count() == 0
    [(row, kind_error), (row_again, area_error)] = result.errors
    assert row == row_again == 3
    assert "沙漠" in kind_error and "四荒地" in kind_error
    assert "十亩" in area_error


def test_numbers_twice_in_the_file_or_already_in_the_register_are_refused(wumiao, accountant):
    make_resource(wumiao, "ZY-101")
    again = ["ZY-102", *LAND[1:]]
    result = ResourceRegister(wumiao).parse(csv_bytes(RESOURCE_HEADER, POND, LAND, again))
    messages = dict(result.errors)
    assert "ZY-101" in messages[2]  # already in the register
    assert 3 not in messages
    assert "ZY-102" in messages[4] and "3" in messages[4]  # also in row 3


CONTRACT_HEADER = [
    "编号",
    "承包方",
    "标的编号",
    "用途",
    "起始日期",
    "终止日期",
    "年租金",
    "付款方式",
    "选定方式",
    "批准的重大事项",
]


def test_a_contract_names_its_published_resource_by_number(wumiao, accountant):
    make_resource(wumiao, "ZY-001")
    make_resource(wumiao, "ZY-009", published=False)
    good = [
        "HT-101",
        "李建国",
        "ZY-001",
        "种植",
        "2024-03-01",
        "2029-02-28",
        "30,000",
        "每年一付",
        "公开招标",
        "",
    ]
    draft_subject = [
        "HT-102",
        "王大海",
        "ZY-009",
        "养鱼",
        "2024年3月1日",
        "2029/3/1",
        "6000元",
        "半年一付",
        "协商",
        "",
    ]
    no_matter = [*good[:1], "张三", *good[2:9], "不存在的事项"]
    no_matter[0] = "HT-103"
    result = ContractRegister(wumiao).import_records(
        accountant, csv_bytes(CONTRACT_HEADER, good, draft_subject, no_matter)
    )
    assert Contract.objects.count() == 0
    messages = dict(result.errors)
    assert set(messages) == {3, 4}
    assert "ZY-009" in messages[3]
    assert "不存在的事项" in messages[4]

    result = ContractRegister(wumiao).import_records(accountant, csv_bytes(CONTRACT_HEADER, good))
    assert result.is_valid
    contract = Contract.objects.get()
    assert contract.resource.number == "ZY-001" and contract.annual_rent == 30000
    assert contract.payment == "annual" and contract.selection == "bidding"


def test_assets_import_with_their_status(wumiao, accountant):
    header = ["编号", "名称", "类别", "位置", "取得日期", "原值", "状态"]
    rows = [
        ["ZC-101", "村委会办公楼", "房屋建筑物", "村委会大院", "2012-06-01", "380000", "自用"],
        ["ZC-102", "旧拖拉机", "机器设备", "农机库", "2005-04-01", "42000", "已处置"],
    ]
    result = AssetRegister(wumiao).import_records(accountant, csv_bytes(header, *rows))
    assert not result.is_valid and Asset.objects.count() == 0
    [(number, message)] = result.errors
    assert number == 3 and message  # disposed of without a date


def test_the_template_reads_back_and_its_example_is_skipped(wumiao):
    for register in (AssetRegister(wumiao), ResourceRegister(wumiao), ContractRegister(wumiao)):
        content = register.template()
        workbook = load_workbook(io.BytesIO(content))
        assert [c.value for c in workbook.active[1]] == [
            header for _n, header, _a in register.spec.columns
        ]
        result = register.parse(content)
        assert result.rows == [] and result.skipped[0][0] == 2


def admin_import(client, register, village, content, name="台账.csv"):
    url = f"/admin/disclosures/{register}/import/?village={village.pk}"
    preview = client.post(url, _upload(content, name))
    return url, preview


def _upload(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile(name, content)}


def test_the_admin_previews_then_imports_on_confirm(client_for, accountant, wumiao):
    client = client_for(accountant)
    assert (
        "/admin/disclosures/resource/import/"
        in client.get("/admin/disclosures/resource/").content.decode()
    )
    url, preview = admin_import(client, "resource", wumiao, csv_bytes(RESOURCE_HEADER, POND, LAND))
    page = preview.content.decode()
    assert preview.status_code == 200 and "村南鱼塘" in page
    assert Resource.objects.count() == 0  # nothing until confirmed
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    done = client.post(url, {"payload": payload})
    assert done.status_code == 302
    assert Resource.objects.filter(village=wumiao, status=Status.DRAFT).count() == 2
    template = client.get("/admin/disclosures/resource/import/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_the_admin_shows_a_bad_rows_reason_and_offers_no_confirm(client_for, accountant, wumiao):
    bad = ["ZY-103", "村北荒地", "沙漠", "10", "村北", "", ""]
    _url, preview = admin_import(
        client_for(accountant), "resource", wumiao, csv_bytes(RESOURCE_HEADER, POND, bad)
    )
    page = preview.content.decode()
    assert 'id="import-errors"' in page and "沙漠" in page
    assert 'name="payload"' not in page


def test_the_import_is_into_the_users_own_villages_only(
    client_for, accountant, other_accountant, wumiao, yanjia
):
    client = client_for(accountant)
    url, preview = admin_import(client, "resource", yanjia, csv_bytes(RESOURCE_HEADER, POND))
    assert preview.status_code == 404
    # A preview signed for 五庙村 cannot be confirmed into 闫家村.
    url, preview = admin_import(client, "resource", wumiao, csv_bytes(RESOURCE_HEADER, POND))
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode()).group(1)
    client = client_for(other_accountant)
    tampered = client.post(
        f"/admin/disclosures/resource/import/?village={yanjia.pk}", {"payload": payload}
    )
    assert tampered.status_code == 302  # back to the upload: the signature does not match
    assert client.post(url, {"payload": payload}).status_code == 404
    assert Resource.objects.count() == 0


def test_a_reviewer_cannot_import(client_for, reviewer, wumiao):
    client = client_for(reviewer)
    assert client.get(f"/admin/disclosures/asset/import/?village={wumiao.pk}").status_code == 403
    assert client.get("/admin/disclosures/asset/import/template.xlsx").status_code == 403
