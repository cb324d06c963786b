"""The landing page, /: the search, then districts → townships → villages, one level a
page, so that no page grows with the number of villages."""

import gzip

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.test_layout import ROOT
from villages.models import District, Township, Village

# The districts (with their number of townships); on a portal of one district, also
# that district's townships (with their number of villages).
LANDING_QUERIES = 2
PROVINCE_LANDING_QUERIES = 1
SEARCH_QUERIES = 1


def test_a_portal_of_one_district_lists_its_townships(client, wumiao, dongying, yanjia):
    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    for name in ["利国乡", "黄升镇", "沾化区"]:
        assert name in content
    assert 'href="/t/371603201/"' in content and 'href="/t/371603102/"' in content
    # Townships in code order: 黄升镇 (371603102) before 利国乡 (371603201).
    assert content.index("黄升镇") < content.index("利国乡")
    # The villages are on their township's page.
    assert "五庙村" not in content


def test_a_townships_page_lists_its_villages(client, wumiao, dongying, yanjia):
    response = client.get("/t/371603201/")

    assert response.status_code == 200
    content = response.content.decode()
    for village in [wumiao, dongying]:
        assert f'href="{village.get_absolute_url()}"' in content
    assert "闫家村" not in content
    assert 'href="/d/371603/"' in content  # back up to the district
    assert client.get("/t/371603999/").status_code == 404


def test_a_province_lists_districts_and_each_district_its_townships(client, wumiao, yanjia):
    other = District.objects.create(code="371602", name="滨城区")
    Township.objects.create(district=other, code="371602101", name="市中街道")

    content = client.get("/").content.decode()
    assert 'href="/d/371603/"' in content and 'href="/d/371602/"' in content
    assert "利国乡" not in content

    district = client.get("/d/371603/").content.decode()
    assert 'href="/t/371603201/"' in district and 'href="/t/371603102/"' in district
    assert "市中街道" not in district
    assert client.get("/d/999999/").status_code == 404


def test_it_says_when_a_township_has_no_villages(client, liguo):
    content = client.get("/t/371603201/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

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


def make_villages(township, first, count):
    Village.objects.bulk_create(
        Village(township=township, code=f"{township.code}{v:03d}", name=f"新{v:03d}村")
        for v in range(first, first + count)
    )


def test_the_landing_page_is_the_same_with_10_or_200_villages(client, wumiao, yanjia):
    make_villages(wumiao.township, 300, 4)
    make_villages(yanjia.township, 300, 4)
    few, small = count_queries(client, "/")

    make_villages(wumiao.township, 304, 95)
    make_villages(yanjia.township, 304, 95)
    many, large = count_queries(client, "/")

    assert Village.objects.count() == 200
    assert many == few == LANDING_QUERIES
    # Only the counts of villages differ ("6 villages", "96 villages").
    assert abs(len(large.content) - len(small.content)) <= 4
    # With the stylesheet, well within 14 KB compressed.
    css = (ROOT / "static" / "portal.css").read_bytes()
    assert len(gzip.compress(large.content)) + len(gzip.compress(css)) <= 14 * 1024


def test_a_province_landing_page_does_not_grow_with_its_villages(client, wumiao):
    District.objects.create(code="371602", name="滨城区")
    few, small = count_queries(client, "/")

    make_many_villages()
    many, large = count_queries(client, "/")

    assert many == few == PROVINCE_LANDING_QUERIES
    assert large.content.decode().count('href="/v/') == 0
    assert abs(len(large.content) - len(small.content)) <= 4


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
