"""Public pages of the affairs catalog: module pages, one disclosure, the CSV export,
cadres, and the module summaries for the village page."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from disclosures.affairs.models import Cadre, Module
from disclosures.affairs.public import module_summaries
from tests.disclosures.affairs.affairs_helpers import MASKED_ID, MASKED_PHONE, make_disclosure

D = datetime.date


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_module_page_lists_published_disclosures_by_item_newest_first(wumiao, client):
    older = make_disclosure(wumiao, period=D(2025, 3, 2), title="2025年道路决议")
    newer = make_disclosure(wumiao, period=D(2026, 8, 15), title="2026年道路决议")
    plan = make_disclosure(wumiao, "村级年度工作计划", D(2026, 1, 5), title="2026年工作计划")
    draft = make_disclosure(wumiao, period=D(2026, 9, 1), title="草稿决议", published=False)
    page = client.get(f"/v/{wumiao.code}/m/village/").content.decode()
    assert page.index(newer.title) < page.index(older.title)
    assert plan.title in page
    assert draft.title not in page
    assert "宅基地申请审批" in page  # an item with nothing published yet is still listed
    assert "2026年8月15日" in page


def test_a_module_page_shows_only_this_villages_disclosures(wumiao, dongying, client):
    make_disclosure(dongying, title="东营村决议")
    assert "东营村决议" not in client.get(f"/v/{wumiao.code}/m/village/").content.decode()


def test_an_unknown_module_is_a_404(wumiao, client):
    assert client.get(f"/v/{wumiao.code}/m/lottery/").status_code == 404


def test_the_finance_module_links_to_the_monthly_lists(wumiao, client):
    page = client.get(f"/v/{wumiao.code}/m/finance/").content.decode()
    assert f'href="/v/{wumiao.code}/"' in page
    assert "月度财务收支明细" not in page  # entered as ledger months, not disclosures


def test_a_disclosure_page_shows_the_period_deadline_and_fingerprint(wumiao, client):
    disclosure = make_disclosure(
        wumiao,
        "农村低保对象名单",
        D(2026, 8, 1),
        title="2026年第三季度低保名单",
        body="新增2户。\n\n退出1户。",
        rows=[("李秀英", "一组", "低保金", "460.00"), ("王建国", "二组", "低保金", "380.50")],
        when=datetime.datetime(2026, 10, 12, 2, 0, tzinfo=datetime.UTC),
    )
    page = client.get(disclosure.get_absolute_url()).content.decode()
    assert "2026年第三季度低保名单" in page
    assert "2026年第三季度" in page
    assert "2026-10-12" in page and "2026-10-20" in page
    assert "按时" in page or "on time" in page
    assert "<p>新增2户。</p>" in page and "<p>退出1户。</p>" in page
    assert "李秀英" in page and "一组" in page and "380.50" in page
    assert MASKED_ID in page and MASKED_PHONE in page
    assert disclosure.short_fingerprint in page
    assert f"/v/{wumiao.code}/d/{disclosure.pk}.csv" in page


def test_a_late_disclosure_says_so(wumiao, client):
    disclosure = make_disclosure(
        wumiao,
        "农村低保对象名单",
        D(2026, 8, 1),
        when=datetime.datetime(2026, 11, 2, 2, 0, tzinfo=datetime.UTC),
    )
    page = client.get(disclosure.get_absolute_url()).content.decode()
    assert 'class="late"' in page


def test_drafts_submitted_and_other_villages_disclosures_are_404(wumiao, yanjia, client):
    draft = make_disclosure(wumiao, published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.submit(make_user_for_submit())
    assert client.get(draft.get_absolute_url()).status_code == 404
    elsewhere = make_disclosure(yanjia)
    assert client.get(f"/v/{wumiao.code}/d/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/v/{wumiao.code}/d/{draft.pk}.csv").status_code == 404


def make_user_for_submit():
    from tests.factories import workflow_users

    return workflow_users()[0]


def test_the_csv_export_is_masked_with_a_bom(wumiao, client):
    disclosure = make_disclosure(
        wumiao,
        "临时救助和慰问金发放",
        rows=[("=HYPERLINK(1)", "一组", "临时救助", "800.00"), ("赵桂兰", "三组", "慰问金", None)],
    )
    response = client.get(f"/v/{wumiao.code}/d/{disclosure.pk}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    assert lines[1] == f"'=HYPERLINK(1),一组,临时救助,800.00,{MASKED_ID},{MASKED_PHONE}"
    assert lines[2].startswith("赵桂兰,三组,慰问金,,")


def test_there_is_no_csv_for_an_item_without_a_list(wumiao, client):
    disclosure = make_disclosure(wumiao)
    assert client.get(f"/v/{wumiao.code}/d/{disclosure.pk}.csv").status_code == 404


def test_the_cadres_page_lists_cadres_and_cadre_conduct_disclosures(wumiao, dongying, client):
    Cadre.objects.create(
        village=wumiao,
        name="韩兴和",
        post="党支部书记、村委会主任",
        responsibilities="主持全面工作",
        term_start=D(2021, 1, 15),
        term_end=D(2026, 1, 14),
    )
    Cadre.objects.create(
        village=dongying, name="东营村书记", post="党支部书记", term_start=D(2021, 1, 1)
    )
    report = make_disclosure(
        wumiao, "阳光述职评议结果", D(2026, 7, 1), title="第三季度阳光述职测评结果"
    )
    page = client.get(f"/v/{wumiao.code}/m/cadres/").content.decode()
    assert "韩兴和" in page and "党支部书记、村委会主任" in page and "主持全面工作" in page
    assert "2021-01-15" in page and "2026-01-14" in page
    assert report.title in page
    assert "东营村书记" not in page


def test_a_cadre_photo_is_served(wumiao, client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.disclosures.affairs.affairs_helpers import jpeg_bytes

    settings.MEDIA_ROOT = tmp_path
    cadre = Cadre(village=wumiao, name="韩兴和", post="书记", term_start=D(2021, 1, 15))
    cadre.photo.save("abc.jpg", ContentFile(jpeg_bytes(exif=False)))
    page = client.get(f"/v/{wumiao.code}/m/cadres/").content.decode()
    url = f"/v/{wumiao.code}/cadres/{cadre.pk}/photo"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(f"/v/371603102203/cadres/{cadre.pk}/photo").status_code == 404


def fill_module(village, count):
    for number in range(count):
        make_disclosure(
            village,
            ["村民会议、村民代表会议决议", "村务监督委员会工作情况", "村级年度工作计划"][
                number % 3
            ],
            D(2016, 1, 1) + datetime.timedelta(days=91 * number),
            title=f"第{number}号",
        )


@pytest.mark.parametrize("module", ["village", "cadres"])
def test_a_module_page_makes_the_same_queries_with_1_or_40_disclosures(
    wumiao, dongying, client, module
):
    items = {"village": "村民会议、村民代表会议决议", "cadres": "阳光述职评议结果"}
    make_disclosure(wumiao, items[module])
    small = queries_for(client, f"/v/{wumiao.code}/m/{module}/")
    for number in range(40):
        make_disclosure(
            dongying, items[module], D(2016, 1, 1) + datetime.timedelta(days=91 * number)
        )
    large = queries_for(client, f"/v/{dongying.code}/m/{module}/")
    # (The visit is counted in the cache: disclosures/caching.py.)
    assert small == large <= (4 if module == "cadres" else 3)
    # Cached until the village publishes again: no query.
    assert queries_for(client, f"/v/{dongying.code}/m/{module}/") == 0


def test_a_disclosure_page_makes_a_fixed_number_of_queries(wumiao, client):
    small = make_disclosure(wumiao, "农村低保对象名单", rows=[("李秀英", "一组", "低保金", "460")])
    big = make_disclosure(
        wumiao,
        "农村低保对象名单",
        D(2026, 4, 1),
        rows=[(f"村民{n}", "一组", "低保金", "460") for n in range(60)],
    )
    # Each rendered afresh, its village's state not cached.
    cache.clear()
    small_queries = queries_for(client, small.get_absolute_url())
    cache.clear()
    assert small_queries == queries_for(client, big.get_absolute_url())


def test_module_summaries_take_one_query_and_the_latest_three_per_module(
    wumiao, dongying, django_assert_num_queries
):
    fill_module(wumiao, 40)
    make_disclosure(wumiao, "农村低保对象名单", D(2026, 7, 1), title="低保名单")
    make_disclosure(wumiao, period=D(2030, 1, 1), title="草稿", published=False)
    make_disclosure(dongying, period=D(2030, 1, 1), title="东营村")
    with django_assert_num_queries(1):
        summaries = module_summaries(wumiao)
        # What the partial uses needs no more queries.
        html = render_to_string(
            "disclosures/affairs/includes/_modules.html", {"modules": summaries}
        )
    assert [summary.module for summary in summaries] == Module.values
    by_module = {summary.module: summary for summary in summaries}
    village = by_module["village"].disclosures
    assert [d.title for d in village] == ["第39号", "第38号", "第37号"]
    assert [d.title for d in by_module["livelihood"].disclosures] == ["低保名单"]
    assert by_module["party"].disclosures == []
    assert by_module["party"].url == f"/v/{wumiao.code}/m/party/"
    assert "第39号" in html and "第36号" not in html and "草稿" not in html
    assert "东营村" not in html


def test_module_summaries_of_a_village_without_disclosures(wumiao, django_assert_num_queries):
    with django_assert_num_queries(1):
        summaries = module_summaries(wumiao)
    assert len(summaries) == 9 and all(not s.disclosures for s in summaries)


def test_an_item_disclosed_when_it_happens_reads_nothing_of_this_kind(wumiao, client):
    from disclosures.affairs.models import CatalogItem, Frequency

    page = client.get(f"/v/{wumiao.code}/m/village/").content.decode()
    events = CatalogItem.objects.filter(module=Module.VILLAGE, frequency=Frequency.AS_IT_HAPPENS)
    periodic = CatalogItem.objects.filter(module=Module.VILLAGE).exclude(
        frequency=Frequency.AS_IT_HAPPENS
    )
    assert events.exists() and periodic.exists()
    assert page.count("本期无此类事项") == events.count()
    assert page.count("尚未公开") == periodic.count()
