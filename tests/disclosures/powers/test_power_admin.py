"""The power lists in the admin: who keeps which items.

The township staff user works for 利国乡 (五庙村, 东营村); 闫家村 is in 黄升镇. The district's
template is the superuser's; township staff see it read-only; accountants only look.
"""

import pytest

from disclosures.powers.models import ListKind, PowerItem, PowerStep
from tests import factories

CHANGELIST = "/admin/disclosures/poweritem/"
ADD = "/admin/disclosures/poweritem/add/"


def change_url(item):
    return f"/admin/disclosures/poweritem/{item.pk}/change/"


def make_item(number, name, **owner):
    item = PowerItem.objects.create(kind=ListKind.POSITIVE, number=number, name=name, **owner)
    PowerStep.objects.create(item=item, order=1, actor="村民委员会", action="受理")
    return item


@pytest.fixture
def items(liguo, huangsheng, wumiao, yanjia):
    return {
        "district": make_item(1, "区级事项", district=factories.make_district()),
        "liguo": make_item(39, "利国乡事项", township=liguo),
        "huangsheng": make_item(39, "黄升镇事项", township=huangsheng),
        "wumiao": make_item(40, "五庙村事项", village=wumiao),
        "yanjia": make_item(40, "闫家村事项", village=yanjia),
    }


def item_data(steps=(), **fields):
    data = {
        "kind": ListKind.POSITIVE,
        "number": "41",
        "name": "新增事项",
        "category": "便民服务",
        "discipline": "",
        "responsible": "村民委员会主任",
        "legal_basis": "《中华人民共和国村民委员会组织法》",
        "risk_points": "",
        "disclosure": "",
        "consequence": "",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **fields,
    }
    for index, (order, actor, action, limit) in enumerate(steps):
        data.update(
            {
                f"steps-{index}-order": str(order),
                f"steps-{index}-actor": actor,
                f"steps-{index}-action": action,
                f"steps-{index}-time_limit": limit,
            }
        )
    return data


def listed(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    return {item.name for item in response.context["cl"].result_list}


def test_township_staff_see_the_district_their_township_and_its_villages(
    client_for, township_staff, items
):
    assert listed(client_for(township_staff)) == {"区级事项", "利国乡事项", "五庙村事项"}


def test_township_staff_see_district_items_read_only(client_for, township_staff, items):
    client = client_for(township_staff)
    response = client.get(change_url(items["district"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="name"' not in html
    assert 'name="steps-0-actor"' not in html
    assert "区级事项" in html
    assert "受理" in html  # its steps, read-only
    assert "区县: 沾化区" in html  # the owner, shown read-only

    refused = client.post(change_url(items["district"]), item_data(name="改掉"))
    assert refused.status_code == 403
    items["district"].refresh_from_db()
    assert items["district"].name == "区级事项"


@pytest.mark.parametrize("owner", ["liguo", "wumiao"])
def test_township_staff_edit_their_township_and_village_items(
    client_for, township_staff, items, owner
):
    item = items[owner]
    client = client_for(township_staff)
    assert 'name="_save"' in client.get(change_url(item)).content.decode()

    field = {"township": item.township_id} if owner == "liguo" else {"village": item.village_id}
    data = item_data(name="改过的事项", number=str(item.number), **field)
    step = item.steps.get()
    data.update(
        {
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "1",
            "steps-0-id": str(step.pk),
            "steps-0-item": str(item.pk),
            "steps-0-order": "1",
            "steps-0-actor": "村民委员会",
            "steps-0-action": "受理并登记",
            "steps-0-time_limit": "当日",
        }
    )
    response = client.post(change_url(item), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.name == "改过的事项"
    assert item.steps.get().action == "受理并登记"


@pytest.mark.parametrize("owner", ["huangsheng", "yanjia"])
def test_township_staff_cannot_open_another_townships_items(
    client_for, township_staff, items, owner
):
    response = client_for(township_staff).get(change_url(items[owner]))
    # The admin answers an object outside the queryset by going back to the index.
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_township_staff_add_a_local_item_with_its_steps(client_for, township_staff, wumiao):
    wumiao.refresh_from_db()
    version = wumiao.public_version
    steps = [(1, "申请人", "提出申请", "随时"), (2, "村民委员会", "审核", "3日内")]

    response = client_for(township_staff).post(ADD, item_data(steps, village=wumiao.pk))

    assert response.status_code == 302
    item = PowerItem.objects.get(name="新增事项")
    assert item.village == wumiao
    assert list(item.steps.values_list("order", "actor")) == [(1, "申请人"), (2, "村民委员会")]
    wumiao.refresh_from_db()
    assert wumiao.public_version > version  # its public pages show it at once


def test_township_staff_add_a_township_item(client_for, township_staff, liguo):
    response = client_for(township_staff).post(ADD, item_data(township=liguo.pk))

    assert response.status_code == 302
    assert PowerItem.objects.get(name="新增事项").township == liguo


def test_township_staff_cannot_add_for_another_township(
    client_for, township_staff, huangsheng, yanjia
):
    client = client_for(township_staff)
    for field in [{"township": huangsheng.pk}, {"village": yanjia.pk}]:
        response = client.post(ADD, item_data(**field))
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert set(field) <= set(form.errors), form.errors
    assert not PowerItem.objects.exists()


def test_township_staff_cannot_add_a_district_item(client_for, township_staff, liguo):
    client = client_for(township_staff)
    assert 'name="district"' not in client.get(ADD).content.decode()

    district = liguo.district
    response = client.post(ADD, item_data(district=district.pk))

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert "每个事项只能属于一个区县、一个乡镇或一个村" in errors
    assert not PowerItem.objects.exists()


def test_an_item_needs_exactly_one_owner(client_for, township_staff, liguo, wumiao):
    response = client_for(township_staff).post(ADD, item_data(township=liguo.pk, village=wumiao.pk))
    assert response.status_code == 200
    assert not PowerItem.objects.exists()


def test_a_number_is_used_once_per_list_of_an_owner(client_for, township_staff, items, liguo):
    response = client_for(township_staff).post(ADD, item_data(township=liguo.pk, number="39"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert PowerItem.objects.filter(township=liguo).count() == 1


def test_accountants_only_look(client_for, accountant, items):
    client = client_for(accountant)

    assert listed(client) == {"区级事项", "利国乡事项", "五庙村事项"}
    assert client.get(ADD).status_code == 403
    html = client.get(change_url(items["wumiao"])).content.decode()
    assert 'name="_save"' not in html
    assert client.post(change_url(items["wumiao"]), item_data(name="改")).status_code == 403


def test_the_superuser_keeps_the_district_template(client_for, superuser, items):
    client = client_for(superuser)
    assert len(listed(client)) == 5
    html = client.get(change_url(items["district"])).content.decode()
    assert 'name="_save"' in html
    assert 'name="district"' in html


def test_the_list_filters_by_kind_and_discipline(client_for, superuser, items):
    client = client_for(superuser)
    items["liguo"].discipline = "village"
    items["liguo"].save()

    response = client.get(CHANGELIST, {"discipline": "village"})
    assert [item.name for item in response.context["cl"].result_list] == ["利国乡事项"]
    assert (
        listed(client)
        and client.get(CHANGELIST, {"kind": "negative"}).context["cl"].result_count == 0
    )
