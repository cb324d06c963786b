"""The public sunshine report pages: every quarter with each cadre's history, and one
meeting with its tasks carried over. Only published reports; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.sunshine.models import Outcome
from tests import factories
from tests.disclosures.sunshine.sunshine_helpers import make_cadres, make_report

# The village, its published reports, their evaluations (the visit is counted in the cache).
LIST_QUERIES = 3
# The village, the report, its evaluations, questions, tasks and follow-ups; and the
# fingerprint check (publishing.shown_problems): the content again (four queries) and the seal.
REPORT_QUERIES = 11


@pytest.fixture
def cadres(wumiao):
    return make_cadres(wumiao)


@pytest.fixture
def history(wumiao, cadres):
    """Three published quarters of 五庙村: a task not done in Q1 and done in Q2."""
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["安装路灯"], votes=(20, 8, 2))
    make_report(
        wumiao,
        2026,
        2,
        cadres=cadres,
        tasks=["维修机井"],
        outcomes={"安装路灯": Outcome.NOT_DONE},
        votes=(25, 4, 1),
    )
    return make_report(wumiao, 2026, 3, cadres=cadres, votes=(30, 0, 0))


def list_url(village):
    return f"/v/{village.code}/sunshine/"


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_urls_are_named_sunshine_and_sunshine_report(wumiao):
    assert reverse("disclosures:sunshine", kwargs={"code": wumiao.code}) == list_url(wumiao)
    url = reverse(
        "disclosures:sunshine_report", kwargs={"code": wumiao.code, "year": 2026, "quarter": 3}
    )
    assert url == f"/v/{wumiao.code}/sunshine/2026-q3/"


def test_the_list_shows_the_quarters_newest_first_and_each_cadres_scores(client, wumiao, history):
    page = client.get(list_url(wumiao)).content.decode()
    assert (
        page.index("2026年第三季度") < page.index("2026年第二季度") < page.index("2026年第一季度")
    )
    assert f'href="/v/{wumiao.code}/sunshine/2026-q1/"' in page
    assert "韩兴和 · 党支部书记" in page and "闫文明 · 村委会主任" in page
    assert "满意率" in page and "基本满意" in page and "不满意" in page
    # Q1: 20 + 8 of 30; Q2: 25 + 4 of 30; Q3: all 30 satisfied.
    assert "93.3%" in page and "96.7%" in page and "100.0%" in page
    assert "2026-04-11" in page  # Q1's meeting


def test_the_list_ranks_nobody(client, wumiao, dongying, history):
    make_report(dongying, 2026, 3, cadres=make_cadres(dongying, [("王二", "村委会主任")]))
    page = client.get(list_url(wumiao)).content.decode()
    assert "王二" not in page and dongying.name not in page
    assert "排名" not in page


def test_drafts_and_submitted_reports_are_not_public(client, wumiao, cadres, accountant):
    make_report(wumiao, 2026, 1, cadres=cadres)
    draft = make_report(wumiao, 2026, 2, cadres=cadres, published=False)
    submitted = make_report(wumiao, 2026, 3, cadres=cadres, published=False)
    submitted.submit(accountant)
    page = client.get(list_url(wumiao)).content.decode()
    assert "2026年第一季度" in page
    assert "2026年第二季度" not in page and "2026年第三季度" not in page
    for report in (draft, submitted):
        assert client.get(report.get_absolute_url()).status_code == 404


def test_unknown_quarters_are_404(client, wumiao, yanjia, history):
    assert client.get(f"/v/{wumiao.code}/sunshine/2025-q3/").status_code == 404
    assert client.get(f"/v/{wumiao.code}/sunshine/2026-q5/").status_code == 404
    assert client.get(f"/v/{yanjia.code}/sunshine/2026-q3/").status_code == 404


def test_an_empty_list_says_nothing_is_published(client, wumiao):
    assert "还没有公开的阳光述职" in client.get(list_url(wumiao)).content.decode()


def test_a_report_shows_the_meeting_attendance_and_each_cadres_four_steps(client, wumiao, history):
    q2 = wumiao.sunshine_reports.get(year=2026, quarter=2)
    page = client.get(q2.get_absolute_url()).content.decode()
    assert "2026年第二季度" in page and "2026-07-11" in page
    for label, number in [("党员", 28), ("两委", 9), ("监督委员会", 3), ("村民代表", 30)]:
        assert label in page and f"<dd>{number}</dd>" in page
    assert "<dd>70</dd>" in page  # attended in all
    assert "韩兴和2026年第2季度述职" in page
    assert "路灯什么时候装？" in page and "下季度装好。" in page
    assert "维修机井" in page
    assert "满意 25 · 基本满意 4 · 不满意 1 · 满意率 96.7%" in page
    assert q2.short_fingerprint in page


def test_a_report_shows_how_last_quarters_tasks_went(client, wumiao, history):
    q2 = wumiao.sunshine_reports.get(year=2026, quarter=2)
    q3 = wumiao.sunshine_reports.get(year=2026, quarter=3)
    page = client.get(q2.get_absolute_url()).content.decode()
    earlier = page[page.index('id="earlier-tasks"') :]
    assert "安装路灯" in earlier and "未完成" in earlier and "2026年第一季度" in earlier
    page = client.get(q3.get_absolute_url()).content.decode()
    earlier = page[page.index('id="earlier-tasks"') :]
    # Not done in Q2, so followed up again in Q3 (done), with Q2's own task.
    assert "安装路灯" in earlier and "维修机井" in earlier and "已完成" in earlier
    first = wumiao.sunshine_reports.get(year=2026, quarter=1)
    assert "没有" in client.get(first.get_absolute_url()).content.decode()


def test_it_speaks_english_on_request(client, wumiao, history):
    q2 = wumiao.sunshine_reports.get(year=2026, quarter=2)
    page = client.get(q2.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sunshine report, 2026 Q2" in page
    assert "Satisfied 25 · basically satisfied 4 · dissatisfied 1" in page
    assert "Not done" in page


def test_the_village_page_and_the_cadres_page_link_to_it(client, wumiao):
    url = list_url(wumiao)
    assert f'href="{url}"' in client.get(wumiao.get_absolute_url()).content.decode()
    cadres_page = client.get(f"/v/{wumiao.code}/m/cadres/").content.decode()
    assert f'href="{url}"' in cadres_page


def test_the_list_makes_the_same_queries_for_1_or_12_quarters(client, wumiao, yanjia, cadres):
    make_report(wumiao, 2026, 1, cadres=cadres)
    theirs = make_cadres(yanjia, [("甲", "书记"), ("乙", "主任"), ("丙", "会计")])
    for number in range(12):
        make_report(yanjia, 2024 + number // 4, number % 4 + 1, cadres=theirs, tasks=["事"])
    assert queries_for(client, list_url(wumiao)) == LIST_QUERIES
    assert queries_for(client, list_url(yanjia)) == LIST_QUERIES
    # Cached until the village publishes again: no query.
    assert queries_for(client, list_url(yanjia)) == 0


def test_a_report_makes_the_same_queries_however_many_rows(client, wumiao, yanjia, cadres):
    small = make_report(wumiao, 2026, 1, cadres=cadres)
    theirs = make_cadres(yanjia, [(f"干部{n}", "委员") for n in range(8)])
    make_report(yanjia, 2026, 1, cadres=theirs, tasks=[f"任务{n}" for n in range(10)])
    large = make_report(yanjia, 2026, 2, cadres=theirs, tasks=[f"新任务{n}" for n in range(10)])
    assert large.follow_ups.count() == 10
    assert queries_for(client, small.get_absolute_url()) == REPORT_QUERIES
    assert queries_for(client, large.get_absolute_url()) == REPORT_QUERIES


def test_publishing_a_new_quarter_refreshes_the_cached_list(client, wumiao, cadres):
    make_report(wumiao, 2026, 1, cadres=cadres)
    assert "2026年第二季度" not in client.get(list_url(wumiao)).content.decode()
    factories.publish(make_report(wumiao, 2026, 2, cadres=cadres, published=False))
    assert "2026年第二季度" in client.get(list_url(wumiao)).content.decode()
