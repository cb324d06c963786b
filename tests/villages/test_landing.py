"""The landing page, /: townships, their villages and a search by name or code."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from villages.models import Township, Village

# Townships with their districts, then all their villages in one prefetch.
LANDING_QUERIES = 2
SEARCH_QUERIES = 1


def test_it_lists_townships_and_their_villages(client, wumiao, dongying, yanjia):
    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    for name in ["利国乡", "黄升镇", "五庙村", "东营村", "闫家村", "沾化区"]:
        assert name in content
    for village in [wumiao, dongying, yanjia]:
        assert f'href="{village.get_absolute_url()}"' in content
    # Townships in code order: 黄升镇 (371603102) before 利国乡 (371603201).
    assert content.index("黄升镇") < content.index("利国乡")


def test_it_says_when_a_township_has_no_villages(client, liguo):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "利国乡" in content
    assert "No villages yet." in content


def test_it_says_when_there_are_no_townships(client, db):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "No townships have been set up yet." in content


def test_it_finds_villages_by_part_of_the_name(client, wumiao, dongying, yanjia):
    response = client.get("/", {"q": "五庙"})

    assert list(response.context["results"]) == [wumiao]
    content = response.content.decode()
    assert 'href="/v/371603201201/"' in content
    assert "东营村" not in content
    assert "闫家村" not in content


def test_it_finds_villages_by_a_shared_name_part(client, wumiao, dongying, yanjia):
    response = client.get("/", {"q": "村"})

    assert set(response.context["results"]) == {wumiao, dongying, yanjia}


def test_it_finds_villages_by_code_prefix(client, wumiao, dongying, yanjia):
    response = client.get("/", {"q": "371603201"})

    assert list(response.context["results"]) == [wumiao, dongying]
    content = response.content.decode()
    assert "五庙村" in content
    assert "东营村" in content
    assert "闫家村" not in content


def test_it_finds_a_village_by_its_full_code(client, wumiao, dongying, yanjia):
    response = client.get("/", {"q": " 371603102203 "})

    assert list(response.context["results"]) == [yanjia]
    assert response.context["query"] == "371603102203"


def test_it_does_not_match_codes_in_the_middle(client, wumiao, dongying, yanjia):
    response = client.get("/", {"q": "201201"})

    assert list(response.context["results"]) == []


def test_it_says_when_nothing_matches(client, wumiao, yanjia):
    response = client.get("/", {"q": "不存在村"}, HTTP_ACCEPT_LANGUAGE="en")

    assert list(response.context["results"]) == []
    content = response.content.decode()
    assert "Villages matching “不存在村”" in content
    assert "No village matches. Try part of the name, or the first digits of the code." in content
    assert "五庙村" not in content


def test_it_escapes_the_query(client, wumiao):
    content = client.get("/", {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_a_blank_query_lists_the_townships(client, wumiao):
    response = client.get("/", {"q": "   "})

    assert "results" not in response.context
    assert list(response.context["townships"]) == [wumiao.township]


def test_it_renders_in_chinese_by_default_and_english_on_request(client, wumiao):
    assert '<html lang="zh-CN">' in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    assert "Find your village" in english


def make_many_villages(townships=12, villages_per_township=30):
    district = factories.make_district()
    Township.objects.bulk_create(
        Township(district=district, code=f"371603{300 + t:03d}", name=f"测试镇{t}")
        for t in range(townships)
    )
    Village.objects.bulk_create(
        Village(township=township, code=f"{township.code}{200 + v:03d}", name=f"测试{t}村{v}")
        for t, township in enumerate(Township.objects.filter(code__startswith="3716033"))
        for v in range(villages_per_township)
    )


def count_queries(client, *args):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(*args)
        assert response.status_code == 200
    return len(queries), response


def test_its_queries_do_not_grow_with_the_villages(client, wumiao):
    few, _ = count_queries(client, "/")

    make_many_villages()
    many, response = count_queries(client, "/")

    assert Village.objects.count() == 361
    assert many == few == LANDING_QUERIES
    assert response.content.decode().count('href="/v/') == 361


def test_search_queries_do_not_grow_with_the_villages(client, wumiao):
    make_many_villages()

    queries, response = count_queries(client, "/", {"q": "测试"})

    assert queries == SEARCH_QUERIES
    # A search lists at most 50 villages.
    assert len(response.context["results"]) == 50
    assert response.content.decode().count('href="/v/') == 50


def test_it_finds_a_village_by_its_pinyin_initials(client, wumiao, dongying, yanjia):
    assert client.get("/", {"q": "wmc"}).context["results"] == [wumiao]
    assert client.get("/", {"q": "WM"}).context["results"] == [wumiao]
    assert client.get("/", {"q": "yjc"}).context["results"] == [yanjia]


def test_a_townships_name_or_initials_find_its_villages(client, wumiao, dongying, yanjia):
    by_name = client.get("/", {"q": "利国乡"})
    assert by_name.context["results"] == [wumiao, dongying]
    assert "闫家村" not in by_name.content.decode()
    assert client.get("/", {"q": "lgx"}).context["results"] == [wumiao, dongying]


def test_searching_by_initials_is_one_query(client, wumiao, dongying, yanjia):
    with CaptureQueriesContext(connection) as queries:
        client.get("/", {"q": "wmc"})
    assert len(queries) == SEARCH_QUERIES
