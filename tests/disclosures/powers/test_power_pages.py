"""The public power list pages: /v/<code>/powers/ and /v/<code>/powers/<pk>/.

五庙村 (wumiao) and 东营村 (dongying) are in 利国乡; 闫家村 (yanjia) is in 黄升镇. All three
inherit the district's template; 利国乡's item reaches its two villages; 五庙村's local
item is its own.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.powers.demo import create_demo_power_lists
from disclosures.powers.models import ListKind, PowerItem, PowerStep
from tests import factories

WUMIAO = "/v/371603201201/powers/"
DONGYING = "/v/371603201202/powers/"
YANJIA = "/v/371603102203/powers/"
LIST_QUERIES = 2  # the village (with township and district), the items (visits: in the cache)
ITEM_QUERIES = 3  # the village, the item, its steps


@pytest.fixture
def lists(wumiao, dongying, yanjia):
    """The demo's lists: the template, 利国乡's item 39, 五庙村's item 40."""
    create_demo_power_lists()


def item(number, kind=ListKind.POSITIVE, **owner):
    owner = owner or {"district__code": "371603"}
    return PowerItem.objects.get(kind=kind, number=number, **owner)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_village_sees_the_district_township_and_its_own_items(client, lists):
    html = page(client, WUMIAO)

    assert "村集体资产租赁" in html  # the district's template
    assert "冬枣产业扶持资金申报" in html  # 利国乡's
    assert "村集体光伏电站收益分配" in html  # 五庙村's own
    assert "本村增设" in html
    assert "利国乡增设" in html
    assert "正面清单：40项权力" in html
    assert "负面清单：30项禁止行为" in html


def test_another_village_does_not_see_a_local_item(client, lists):
    dongying = page(client, DONGYING)
    assert "冬枣产业扶持资金申报" in dongying
    assert "村集体光伏电站收益分配" not in dongying
    assert "本村增设" not in dongying

    yanjia = page(client, YANJIA)
    assert "村集体资产租赁" in yanjia
    assert "冬枣产业扶持资金申报" not in yanjia
    assert "村集体光伏电站收益分配" not in yanjia


def test_it_lists_the_positive_items_in_order_before_the_negative(client, lists):
    html = page(client, WUMIAO)

    numbers = [int(n) for n in re.findall(r'<span class="power-number">(\d+)</span>', html)]
    assert numbers == list(range(1, 41)) + list(range(1, 31))
    assert html.index("村集体光伏电站收益分配") < html.index("负面清单")
    assert html.index("负面清单") < html.index("严禁不经“四议两公开”程序")


def test_it_names_the_disciplinary_matters_in_words(client, lists):
    html = page(client, WUMIAO)

    assert html.count("纪律事项（党务）") == 8
    assert html.count("纪律事项（村务）") == 9
    assert "其中党务纪律事项8项、村务纪律事项9项。" in html


def test_it_shows_each_negative_item_with_its_consequence(client, lists):
    html = page(client, WUMIAO)

    assert "严禁泄露、出售村民身份证号码、电话号码等个人信息" in html
    assert "违反后果：依照《中华人民共和国个人信息保护法》承担法律责任" in html


def test_the_item_page_draws_each_step_in_order(client, lists):
    leasing = item(15)
    html = page(client, f"{WUMIAO}{leasing.pk}/")

    steps = list(leasing.steps.all())
    assert len(steps) == 6
    positions = []
    for number, step in enumerate(steps, start=1):
        box = (
            f'<span class="flow-number">第{number}步</span> '
            f'<strong class="flow-actor">{step.actor}</strong></p>\n'
            f'      <p class="flow-action">{step.action}</p>\n'
            f'      <p class="flow-time">时限：{step.time_limit}</p>'
        )
        assert box in html, step
        positions.append(html.index(box))
    assert positions == sorted(positions)
    # An arrow before every box but the first.
    assert html.count('class="flow-arrow"') == 5


def test_the_item_page_follows_the_step_order_not_the_entry_order(client, wumiao):
    factories.make_district()
    own = PowerItem.objects.create(village=wumiao, kind=ListKind.POSITIVE, number=1, name="试")
    PowerStep.objects.create(item=own, order=3, actor="丙", action="最后")
    PowerStep.objects.create(item=own, order=1, actor="甲", action="最先")
    PowerStep.objects.create(item=own, order=2, actor="乙", action="其次")

    html = page(client, f"{WUMIAO}{own.pk}/")

    assert html.index("最先") < html.index("其次") < html.index("最后")
    assert html.index("第1步") < html.index("甲") < html.index("第2步") < html.index("乙")


def test_the_item_page_shows_basis_responsibility_risks_and_disclosure(client, lists):
    leasing = item(15)
    html = page(client, f"{WUMIAO}{leasing.pk}/")

    assert "<h1>15. 村集体资产租赁</h1>" in html
    assert "纪律事项（村务）" in html
    assert "《中华人民共和国民法典》合同编（租赁合同）" in html
    assert "村集体经济组织负责人（村党组织书记）" in html
    assert "<li>暗箱操作、内定承租人</li>" in html
    assert "<li>租金收取情况</li>" in html


def test_the_item_page_marks_a_local_item(client, lists):
    solar = item(40, village__code="371603201201")
    html = page(client, f"{WUMIAO}{solar.pk}/")

    assert "本村增设" in html
    assert "纪律事项" not in html


def test_pages_have_no_javascript(client, lists):
    for url in [WUMIAO, f"{WUMIAO}{item(1).pk}/", f"{WUMIAO}{item(10).pk}/"]:
        html = page(client, url)
        assert "<script" not in html.lower()
        assert not re.search(r"\son[a-z]+=", html), url


def test_an_item_of_another_village_is_not_found(client, lists):
    solar = item(40, village__code="371603201201")
    assert client.get(f"{DONGYING}{solar.pk}/").status_code == 404
    jujube = item(39, township__code="371603201")
    assert client.get(f"{YANJIA}{jujube.pk}/").status_code == 404
    assert client.get(f"{DONGYING}{jujube.pk}/").status_code == 200


def test_a_negative_item_has_no_page_of_its_own(client, lists):
    assert client.get(f"{WUMIAO}{item(1, ListKind.NEGATIVE).pk}/").status_code == 404


def test_it_says_so_when_there_is_no_list(client, wumiao):
    assert "本村尚未设置小微权力清单。" in page(client, WUMIAO)


def test_it_speaks_english_when_asked(client, lists):
    html = client.get(WUMIAO, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Disciplinary matter (party affairs)" in html
    assert "Positive list: 40 powers" in html


def _small_district_list(count):
    """`count` district items, half positive with four steps each."""
    district = factories.make_district()
    for number in range(1, count + 1):
        kind = ListKind.POSITIVE if number % 2 else ListKind.NEGATIVE
        power = PowerItem.objects.create(
            district=district, kind=kind, number=number, name=f"事项{number}", consequence="后果"
        )
        if kind == ListKind.POSITIVE:
            PowerStep.objects.bulk_create(
                PowerStep(item=power, order=order, actor="村委会", action="办理")
                for order in range(1, 5)
            )


def _queries(client, url):
    """The queries of the page rendered afresh, the village's state not in the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_list(client, wumiao):
    _small_district_list(10)
    first = PowerItem.objects.get(number=1)
    small = (_queries(client, WUMIAO), _queries(client, f"{WUMIAO}{first.pk}/"))
    assert PowerItem.objects.count() == 10

    call_command("load_power_list", "--district", "371603", stdout=io.StringIO())
    create_demo_power_lists()
    leasing = item(15)
    large = (_queries(client, WUMIAO), _queries(client, f"{WUMIAO}{leasing.pk}/"))
    # The template replaces numbers 1 to 10 and adds the rest; the demo adds two local items.
    assert PowerItem.objects.for_village(wumiao).count() == 70

    assert small == large == (LIST_QUERIES, ITEM_QUERIES)


def test_a_cached_page_costs_two_queries(client, django_assert_num_queries, lists):
    client.get(WUMIAO)
    with django_assert_num_queries(0):  # cached: the village's state and the count in the cache
        assert client.get(WUMIAO).status_code == 200


def test_editing_an_item_refreshes_the_cached_pages(client, lists):
    seal = item(34)
    assert "村级印章使用" in page(client, WUMIAO)
    assert "印章管理人" in page(client, f"{WUMIAO}{seal.pk}/")

    seal.name = "村级印章管理和使用"
    seal.save()
    step = seal.steps.get(order=3)
    step.actor = "村文书"
    step.save()

    assert "村级印章管理和使用" in page(client, WUMIAO)
    assert "村级印章管理和使用" in page(client, YANJIA)  # a district item: every village
    item_html = page(client, f"{WUMIAO}{seal.pk}/")
    assert "村文书" in item_html


def test_a_local_item_refreshes_only_its_own_village(client, lists, wumiao, dongying):
    wumiao.refresh_from_db()
    dongying.refresh_from_db()
    versions = (wumiao.public_version, dongying.public_version)
    solar = item(40, village__code="371603201201")

    solar.name = "光伏收益分配"
    solar.save()

    wumiao.refresh_from_db()
    dongying.refresh_from_db()
    assert wumiao.public_version > versions[0]
    assert dongying.public_version == versions[1]
