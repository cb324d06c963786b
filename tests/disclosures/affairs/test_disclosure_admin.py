"""The admin of disclosures, the catalog and cadres: workflow and who may do what where."""

import datetime

import pytest

from disclosures.affairs.models import Cadre, CatalogItem, Disclosure, LivelihoodRow, Module
from disclosures.publishing import Status
from tests.disclosures.affairs.affairs_helpers import item, make_disclosure, management, row_form

ADMIN = "/admin/disclosures/disclosure/"


def change_url(disclosure):
    return f"{ADMIN}{disclosure.pk}/change/"


def review(client, disclosure, action, comment=""):
    return client.post(f"{ADMIN}{disclosure.pk}/review/", {"action": action, "comment": comment})


def test_an_accountant_creates_a_list_with_rows_submits_and_a_reviewer_publishes(
    wumiao, accountant, reviewer, client_for
):
    relief = item("临时救助和慰问金发放")
    client = client_for(accountant)
    url = f"{ADMIN}add/?item={relief.pk}"
    response = client.post(
        url,
        {
            "village": wumiao.pk,
            "item": relief.pk,
            "period_start": "2026-09-30",
            "title": "2026年第三季度临时救助名单",
            "body": "第一行\n第二行 <script>alert(1)</script>",
            **management("rows", 1),
            **row_form(
                "rows", 0, name="赵桂兰", villager_group="三组", item="临时救助", amount="800"
            ),
            **management("attachments", 0),
        },
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.created_by == accountant
    assert disclosure.period_start == datetime.date(2026, 7, 1)
    assert disclosure.rows.get().name == "赵桂兰"
    assert disclosure.status == Status.DRAFT

    # A draft is nobody's business outside the admin.
    assert client.get(disclosure.get_absolute_url()).status_code == 404

    review(client, disclosure, "submit")
    disclosure.refresh_from_db()
    assert disclosure.status == Status.SUBMITTED
    # Submitted: the accountant can no longer change it, nor publish it.
    page = client.get(change_url(disclosure))
    assert b'name="title"' not in page.content
    review(client, disclosure, "publish")
    disclosure.refresh_from_db()
    assert disclosure.status == Status.SUBMITTED

    client = client_for(reviewer)
    page = client.get(change_url(disclosure))
    assert "赵桂兰" in page.content.decode()
    assert b'value="publish"' in page.content
    review(client, disclosure, "publish")
    disclosure.refresh_from_db()
    assert disclosure.status == Status.PUBLISHED
    assert disclosure.fingerprint and disclosure.published_by == reviewer

    page = client.get(disclosure.get_absolute_url())
    assert page.status_code == 200
    assert "赵桂兰" in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
    assert "第一行<br>第二行" in page.content.decode()


def test_a_reviewer_sends_back_with_a_reason_and_the_accountant_edits_again(
    wumiao, accountant, reviewer, client_for
):
    disclosure = make_disclosure(wumiao, published=False)
    review(client_for(accountant), disclosure, "submit")
    review(client_for(reviewer), disclosure, "send_back", "附件缺少会议签到表")
    disclosure.refresh_from_db()
    assert disclosure.status == Status.RETURNED
    page = client_for(accountant).get(change_url(disclosure))
    assert b'name="title"' in page.content
    assert "附件缺少会议签到表" in page.content.decode()


def test_the_table_is_offered_only_for_items_with_one(wumiao, accountant, client_for):
    client = client_for(accountant)
    with_table = client.get(f"{ADMIN}add/?item={item('农村低保对象名单').pk}")
    assert b'name="rows-TOTAL_FORMS"' in with_table.content
    without = client.get(f"{ADMIN}add/?item={item('村民会议、村民代表会议决议').pk}")
    assert b'name="rows-TOTAL_FORMS"' not in without.content
    assert b'name="attachments-TOTAL_FORMS"' in without.content
    draft = make_disclosure(wumiao, "残疾人两项补贴", published=False)
    assert b'name="rows-TOTAL_FORMS"' in client.get(change_url(draft)).content


def test_the_item_choices_exclude_the_finance_list_and_other_townships(
    wumiao, liguo, huangsheng, accountant, client_for
):
    own = CatalogItem.objects.create(
        township=liguo,
        module=Module.VILLAGE,
        name="利国乡村级河长制工作",
        what="河道巡查",
        frequency="quarterly",
        deadline_day=20,
    )
    other = CatalogItem.objects.create(
        township=huangsheng,
        module=Module.VILLAGE,
        name="黄升镇特色项目",
        what="x",
        frequency="yearly",
        deadline_day=31,
    )
    page = client_for(accountant).get(f"{ADMIN}add/").content.decode()
    assert f'<option value="{own.pk}">' in page
    assert f'<option value="{other.pk}">' not in page
    finance_list = CatalogItem.objects.get(is_finance_list=True)
    assert f'<option value="{finance_list.pk}">' not in page
    assert f'<option value="{item("农村低保对象名单").pk}">' in page


def test_an_item_of_another_township_is_refused(wumiao, huangsheng, accountant, client_for):
    other = CatalogItem.objects.create(
        township=huangsheng,
        module=Module.VILLAGE,
        name="黄升镇特色项目",
        what="x",
        frequency="yearly",
        deadline_day=31,
    )
    response = client_for(accountant).post(
        f"{ADMIN}add/",
        {
            "village": wumiao.pk,
            "item": other.pk,
            "period_start": "2026-01-01",
            "title": "x",
            **management("attachments", 0),
        },
    )
    assert response.status_code == 200
    assert not Disclosure.objects.exists()


def test_another_villages_accountant_cannot_see_or_edit(
    wumiao, accountant, other_accountant, client_for
):
    draft = make_disclosure(wumiao, published=False)
    client = client_for(other_accountant)
    assert draft.title not in client.get(ADMIN).content.decode()
    assert client.get(change_url(draft)).status_code == 302  # "does not exist" redirect
    response = client.post(change_url(draft), {"title": "改了"})
    assert response.status_code == 302
    review(client, draft, "submit")
    draft.refresh_from_db()
    assert draft.title != "改了" and draft.status == Status.DRAFT
    page = client.get(f"{ADMIN}add/").content.decode()
    assert wumiao.name not in page


def test_township_staff_see_their_villages_read_only(wumiao, yanjia, township_staff, client_for):
    draft = make_disclosure(wumiao, published=False)
    elsewhere = make_disclosure(yanjia, published=False, title="闫家村决议")
    client = client_for(township_staff)
    listing = client.get(ADMIN).content.decode()
    assert draft.title in listing and elsewhere.title not in listing
    page = client.get(change_url(draft))
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert client.get(f"{ADMIN}add/").status_code == 403
    client.post(change_url(draft), {"title": "改了"})
    review(client, draft, "submit")
    draft.refresh_from_db()
    assert draft.title != "改了" and draft.status == Status.DRAFT


def test_a_published_disclosure_is_read_only_even_to_the_superuser(wumiao, superuser, client_for):
    published = make_disclosure(
        wumiao, "农村低保对象名单", rows=[("李秀英", "一组", "低保金", "460")]
    )
    page = client_for(superuser).get(change_url(published))
    assert b'name="title"' not in page.content
    assert b'name="rows-0-name"' not in page.content
    assert LivelihoodRow.objects.filter(disclosure=published).count() == 1


# The catalog


def test_township_staff_add_and_edit_their_own_items(liguo, township_staff, client_for):
    client = client_for(township_staff)
    response = client.post(
        "/admin/disclosures/catalogitem/add/",
        {
            "township": liguo.pk,
            "module": Module.RESOURCES,
            "name": "沟渠河道清淤",
            "what": "清淤范围、费用和施工单位。",
            "legal_basis": "利国乡规定",
            "frequency": "event",
            "deadline_day": 5,
            "position": 0,
        },
    )
    assert response.status_code == 302
    own = CatalogItem.objects.get(name="沟渠河道清淤")
    assert own.township == liguo and not own.is_finance_list
    page = client.get(f"/admin/disclosures/catalogitem/{own.pk}/change/")
    assert b'name="what"' in page.content


def test_the_standard_items_are_read_only_to_township_staff(township_staff, client_for):
    standard = item("农村低保对象名单")
    client = client_for(township_staff)
    page = client.get(f"/admin/disclosures/catalogitem/{standard.pk}/change/")
    assert page.status_code == 200
    assert b'name="what"' not in page.content
    client.post(
        f"/admin/disclosures/catalogitem/{standard.pk}/change/", {"name": "改了", "what": "x"}
    )
    assert item("农村低保对象名单").what != "x"
    delete = client.post(f"/admin/disclosures/catalogitem/{standard.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403


def test_another_townships_items_are_hidden(huangsheng, township_staff, client_for):
    other = CatalogItem.objects.create(
        township=huangsheng,
        module=Module.VILLAGE,
        name="黄升镇特色项目",
        what="x",
        frequency="yearly",
        deadline_day=31,
    )
    client = client_for(township_staff)
    assert "黄升镇特色项目" not in client.get("/admin/disclosures/catalogitem/").content.decode()
    assert client.get(f"/admin/disclosures/catalogitem/{other.pk}/change/").status_code == 302


def test_an_accountant_only_reads_the_catalog(accountant, client_for):
    client = client_for(accountant)
    assert client.get("/admin/disclosures/catalogitem/").status_code == 200
    assert client.get("/admin/disclosures/catalogitem/add/").status_code == 403


# Cadres


def test_an_accountant_lists_cadres_of_their_village_only(wumiao, yanjia, accountant, client_for):
    client = client_for(accountant)
    response = client.post(
        "/admin/disclosures/cadre/add/",
        {
            "village": wumiao.pk,
            "name": "韩兴和",
            "post": "党支部书记、村委会主任",
            "responsibilities": "主持村党支部和村委会全面工作",
            "term_start": "2021-01-15",
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert Cadre.objects.get().village == wumiao
    refused = client.post(
        "/admin/disclosures/cadre/add/",
        {"village": yanjia.pk, "name": "x", "post": "x", "term_start": "2021-01-15", "position": 0},
    )
    assert refused.status_code == 200
    assert Cadre.objects.count() == 1
    Cadre.objects.create(village=yanjia, name="闫某", post="村委会主任", term_start="2021-01-01")
    assert "闫某" not in client.get("/admin/disclosures/cadre/").content.decode()


def test_saving_a_cadre_refreshes_the_public_page(wumiao, accountant, client_for, client):
    before = client.get(f"/v/{wumiao.code}/m/cadres/").content.decode()
    assert "韩兴和" not in before
    client_for(accountant).post(
        "/admin/disclosures/cadre/add/",
        {
            "village": wumiao.pk,
            "name": "韩兴和",
            "post": "党支部书记",
            "term_start": "2021-01-15",
            "position": 0,
        },
    )
    client.logout()
    assert "韩兴和" in client.get(f"/v/{wumiao.code}/m/cadres/").content.decode()


@pytest.mark.django_db
def test_roles_have_the_permissions_the_admin_needs():
    from django.contrib.auth.models import Group

    from villages.roles import ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF

    def perms(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert {
        "add_disclosure",
        "change_disclosure",
        "add_livelihoodrow",
        "add_attachment",
        "add_cadre",
    } <= perms(ACCOUNTANT)
    assert "publish_disclosure" not in perms(ACCOUNTANT)
    assert "publish_disclosure" in perms(REVIEWER)
    assert {"add_catalogitem", "change_catalogitem", "view_disclosure"} <= perms(TOWNSHIP_STAFF)
    assert "change_disclosure" not in perms(TOWNSHIP_STAFF)
