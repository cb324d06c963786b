"""The township's compliance dashboard: who discloses on time (disclosures/compliance/report.py,
disclosures/compliance/admin.py) and each village's own timeliness line."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from disclosures.affairs.models import Cadre, CatalogItem, Disclosure, LivelihoodRow
from disclosures.compliance import report as compliance
from disclosures.compliance.report import (
    LATE,
    MISSING,
    NOT_YET_DUE,
    ON_TIME,
    Tally,
    township_report,
    village_timeliness,
)
from disclosures.models import LedgerMonth
from tests import factories
from tests.disclosures.affairs.affairs_helpers import item, make_disclosure
from villages.models import Township
from villages.roles import ACCOUNTANT, TOWNSHIP_STAFF

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
FINANCE = "月度财务收支明细（财务清单）"
PARTY_DAY = "主题党日活动"  # monthly, by the 10th of the next month
RESOLUTIONS = "村民会议、村民代表会议决议"  # when it happens, within 5 days
LOW_INCOME = "农村低保对象名单"  # quarterly, by the 20th of the next quarter's first month

TODAY = datetime.date(2026, 4, 8)
JAN_TO_MAR = {"first_day": datetime.date(2026, 1, 1), "last_day": datetime.date(2026, 3, 31)}


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


@pytest.fixture
def small_catalog(db):
    """Only the finance list and the monthly party day (and the resolutions, disclosed
    when they happen, and the low-income list), so the counts are small and exact."""
    CatalogItem.objects.exclude(name__in=[FINANCE, PARTY_DAY, RESOLUTIONS, LOW_INCOME]).delete()


@pytest.fixture
def clock(monkeypatch):
    """The dashboard's today, for the views (the functions take `today`)."""
    monkeypatch.setattr(compliance, "local_today", lambda: TODAY)
    return TODAY


def month(village, number, when=None, *, published=True):
    ledger = factories.make_month(village, 2026, number, published=False)
    if published:
        factories.publish(ledger, when=when)
    return ledger


def party_day(village, number, when=None, *, published=True):
    return make_disclosure(
        village,
        PARTY_DAY,
        datetime.date(2026, number, 1),
        title=f"{number}月主题党日",
        published=published,
        when=when,
    )


@pytest.fixture
def known_data(small_catalog, wumiao, dongying, yanjia):
    """Jan–Mar 2026, today 8 April (March is due on 10 April):

    五庙村  finance   Jan on time · Feb on time (23:30 on the deadline) · Mar not yet due
            party day Jan late (00:30 the day after) · Feb missing · Mar on time (early)
    东营村  finance   Jan missing · Feb late (10 days) · Mar draft: not yet due
            party day Jan on time · Feb draft: missing · Mar not yet due
    闫家村 (黄升镇) has a published month that 利国乡 never counts."""
    month(wumiao, 1, beijing(2026, 2, 5, 10, 0))
    month(wumiao, 2, beijing(2026, 3, 10, 23, 30))
    party_day(wumiao, 1, beijing(2026, 2, 11, 0, 30))
    party_day(wumiao, 3, beijing(2026, 4, 2, 9, 0))
    month(dongying, 2, beijing(2026, 3, 20, 9, 0))
    month(dongying, 3, published=False)
    party_day(dongying, 1, beijing(2026, 2, 1, 9, 0))
    party_day(dongying, 2, published=False)
    month(yanjia, 1, beijing(2026, 2, 5, 10, 0))


def tally(on_time=0, late=0, missing=0, not_yet_due=0):
    return Tally(on_time=on_time, late=late, missing=missing, not_yet_due=not_yet_due)


def monthly_only(report):
    """The two monthly items' tallies per village code."""
    names = {FINANCE, PARTY_DAY}
    result = {}
    for row in report.rows:
        total = Tally()
        for cell in row.cells:
            if cell.item.name in names:
                total.add(cell.status)
        result[row.village.code] = total
    return result


# Counting


def test_it_counts_on_time_late_missing_and_not_yet_due(known_data, liguo):
    report = township_report(liguo, today=TODAY, **JAN_TO_MAR)

    counts = monthly_only(report)
    assert counts["371603201201"] == tally(on_time=3, late=1, missing=1, not_yet_due=1)
    assert counts["371603201202"] == tally(on_time=1, late=1, missing=2, not_yet_due=2)
    # The quarterly list (Q1 due 20 April) is not yet due in either village.
    assert report.tally == tally(on_time=4, late=2, missing=3, not_yet_due=3 + 2)


def test_it_gives_rates_per_village_and_for_the_township(known_data, liguo):
    report = township_report(liguo, today=TODAY, **JAN_TO_MAR)

    rates = {row.village.name: (row.tally.rate, row.tally.percent) for row in report.rows}
    assert rates == {"五庙村": (3 / 5, 60), "东营村": (1 / 4, 25)}
    # Not yet due does not count: 4 / (4 + 2 + 3).
    assert report.tally.rate == 4 / 9
    assert report.tally.percent == 44


def test_it_names_each_cell_with_its_deadline_and_publication_day(known_data, liguo):
    report = township_report(liguo, today=TODAY, **JAN_TO_MAR)

    wumiao = next(row for row in report.rows if row.village.name == "五庙村")
    cells = {(c.item.name, c.period_start.month): c for c in wumiao.cells}
    february = cells[(FINANCE, 2)]
    assert (february.deadline, february.published_on, february.status) == (
        datetime.date(2026, 3, 10),
        datetime.date(2026, 3, 10),
        ON_TIME,
    )
    january = cells[(PARTY_DAY, 1)]
    assert (january.deadline, january.published_on, january.status) == (
        datetime.date(2026, 2, 10),
        datetime.date(2026, 2, 11),
        LATE,
    )
    assert january.days_late == 1
    assert cells[(PARTY_DAY, 2)].status == MISSING
    assert cells[(PARTY_DAY, 2)].published_on is None
    assert cells[(FINANCE, 3)].status == NOT_YET_DUE


def test_the_deadline_day_ends_at_midnight_in_beijing(small_catalog, wumiao, dongying, liguo):
    # 23:30 in Beijing on 10 March is 15:30 UTC: on time.
    party_day(wumiao, 2, beijing(2026, 3, 10, 23, 30))
    # 00:30 in Beijing on 11 March is still 10 March in UTC: late all the same.
    party_day(dongying, 2, datetime.datetime(2026, 3, 10, 16, 30, tzinfo=datetime.UTC))

    report = township_report(
        liguo,
        today=TODAY,
        first_day=datetime.date(2026, 2, 1),
        last_day=datetime.date(2026, 2, 28),
    )

    statuses = {
        row.village.name: [c.status for c in row.cells if c.item.name == PARTY_DAY]
        for row in report.rows
    }
    assert statuses == {"五庙村": [ON_TIME], "东营村": [LATE]}


def test_a_missing_period_is_not_missing_on_its_deadline_day(small_catalog, wumiao, liguo):
    february = {"first_day": datetime.date(2026, 2, 1), "last_day": datetime.date(2026, 2, 28)}

    on_the_day = township_report(liguo, today=datetime.date(2026, 3, 10), **february)
    the_day_after = township_report(liguo, today=datetime.date(2026, 3, 11), **february)

    assert monthly_only(on_the_day)["371603201201"] == tally(not_yet_due=2)
    assert monthly_only(the_day_after)["371603201201"] == tally(missing=2)


def test_finance_months_count_as_the_finance_list_item(known_data, liguo):
    report = township_report(liguo, today=TODAY, **JAN_TO_MAR)

    finance = item(FINANCE)
    wumiao = next(row for row in report.rows if row.village.name == "五庙村")
    assert wumiao.by_item[finance.pk] == tally(on_time=2, not_yet_due=1)
    dongying = next(row for row in report.rows if row.village.name == "东营村")
    assert dongying.by_item[finance.pk] == tally(late=1, missing=1, not_yet_due=1)
    assert finance in report.items


def test_items_disclosed_when_they_happen_count_only_when_published(
    small_catalog, wumiao, dongying, liguo
):
    # Held 3 February, due by the 8th: on time. Held 1 March, due by the 6th: 4 days late.
    make_disclosure(wumiao, RESOLUTIONS, datetime.date(2026, 2, 3), when=beijing(2026, 2, 7, 9))
    make_disclosure(wumiao, RESOLUTIONS, datetime.date(2026, 3, 1), when=beijing(2026, 3, 10, 9))
    # A draft counts for nothing, and 东营村 held no meeting: neither is "missing".
    make_disclosure(dongying, RESOLUTIONS, datetime.date(2026, 3, 2), published=False)

    report = township_report(liguo, today=TODAY, **JAN_TO_MAR)

    resolutions = item(RESOLUTIONS)
    rows = {row.village.name: row for row in report.rows}
    cells = [c for c in rows["五庙村"].cells if c.item == resolutions]
    assert [(c.period_start.day, c.status, c.days_late) for c in cells] == [
        (3, ON_TIME, 0),
        (1, LATE, 4),
    ]
    assert rows["五庙村"].by_item[resolutions.pk] == tally(on_time=1, late=1)
    assert resolutions.pk not in rows["东营村"].by_item
    assert resolutions in report.items


def test_quarterly_items_are_due_on_the_20th_after_the_quarter(small_catalog, wumiao, liguo):
    make_disclosure(wumiao, LOW_INCOME, datetime.date(2026, 1, 1), when=beijing(2026, 4, 20, 18))

    report = township_report(liguo, today=datetime.date(2026, 10, 21))

    cells = [c for c in report.rows[0].cells if c.item.name == LOW_INCOME]
    # The last twelve months: Nov 2025 – Oct 2026 holds Q4 2025 to Q4 2026.
    assert [(c.period_start, c.deadline, c.status) for c in cells] == [
        (datetime.date(2025, 10, 1), datetime.date(2026, 1, 20), MISSING),
        (datetime.date(2026, 1, 1), datetime.date(2026, 4, 20), ON_TIME),
        (datetime.date(2026, 4, 1), datetime.date(2026, 7, 20), MISSING),
        (datetime.date(2026, 7, 1), datetime.date(2026, 10, 20), MISSING),
        (datetime.date(2026, 10, 1), datetime.date(2027, 1, 20), NOT_YET_DUE),
    ]


def test_a_publication_after_today_does_not_count_yet(small_catalog, wumiao, liguo):
    party_day(wumiao, 2, beijing(2026, 3, 9, 9))

    before = township_report(liguo, today=datetime.date(2026, 3, 8), **JAN_TO_MAR)
    after = township_report(liguo, today=datetime.date(2026, 3, 9), **JAN_TO_MAR)

    def february(report):
        return next(
            c.status
            for c in report.rows[0].cells
            if c.item.name == PARTY_DAY and c.period_start.month == 2
        )

    assert (february(before), february(after)) == (NOT_YET_DUE, ON_TIME)


def test_a_townships_own_item_counts_only_in_its_villages(small_catalog, wumiao, yanjia, liguo):
    own = CatalogItem.objects.create(
        township=liguo,
        module="village",
        name="村内环境卫生评比",
        what="评比结果",
        frequency="monthly",
    )

    (liguo_report,) = compliance.township_reports([liguo], today=TODAY, **JAN_TO_MAR)
    huangsheng_report = township_report(yanjia.township, today=TODAY, **JAN_TO_MAR)

    assert own in liguo_report.items
    assert own not in huangsheng_report.items
    assert [row.village.name for row in huangsheng_report.rows] == ["闫家村"]


def test_rows_sort_by_rate_name_and_missing(known_data, liguo):
    def order(sort):
        report = township_report(liguo, today=TODAY, sort=sort, **JAN_TO_MAR)
        return [row.village.name for row in report.rows]

    assert order("rate") == ["东营村", "五庙村"]
    assert order("-rate") == ["五庙村", "东营村"]
    assert order("missing") == ["东营村", "五庙村"]
    assert order("code") == ["五庙村", "东营村"]
    assert sorted(order("name")) == ["东营村", "五庙村"]


# The dashboard: who may see it


@pytest.fixture
def huangsheng_staff(huangsheng):
    return factories.make_user("huangsheng_staff", TOWNSHIP_STAFF, townships=[huangsheng])


DASHBOARD = "/admin/disclosures/compliance/"


def test_anonymous_visitors_are_sent_to_log_in(client, known_data):
    for url in [DASHBOARD, DASHBOARD + "371603201.csv", DASHBOARD + "v/371603201201/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["accountant", "reviewer"])
def test_accountants_and_reviewers_may_not(client_for, known_data, request, who):
    client = client_for(request.getfixturevalue(who))

    for url in [DASHBOARD, DASHBOARD + "371603201.csv", DASHBOARD + "v/371603201201/"]:
        assert client.get(url).status_code == 403


def test_an_accountant_who_is_also_township_staff_may(client_for, known_data, liguo):
    user = factories.make_user("both", ACCOUNTANT, townships=[liguo])

    assert client_for(user).get(DASHBOARD).status_code == 200


def test_township_staff_see_their_townships_villages_only(
    client_for, known_data, township_staff, clock
):
    client = client_for(township_staff)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    [report] = response.context["reports"]
    assert report.township.name == "利国乡"
    assert [row.village.name for row in report.rows] == ["五庙村", "东营村"]
    html = response.content.decode()
    assert "五庙村" in html and "闫家村" not in html and "黄升镇" not in html
    assert client.get(DASHBOARD + "v/371603102203/").status_code == 404
    assert client.get(DASHBOARD + "371603102.csv").status_code == 404
    assert client.get(DASHBOARD + "v/371603201202/").status_code == 200


def test_staff_of_another_township_see_only_theirs(client_for, known_data, huangsheng_staff):
    client = client_for(huangsheng_staff)

    response = client.get(DASHBOARD)

    assert [r.township.name for r in response.context["reports"]] == ["黄升镇"]
    assert "五庙村" not in response.content.decode()
    assert client.get(DASHBOARD + "v/371603201201/").status_code == 404
    assert client.get(DASHBOARD + "371603201.csv").status_code == 404


def test_a_superuser_sees_every_township_one_at_a_time(client_for, known_data, superuser):
    client = client_for(superuser)
    response = client.get(DASHBOARD)

    # One township's table (a province has hundreds), with links to every other.
    assert [r.township.name for r in response.context["reports"]] == ["黄升镇"]
    assert 'href="?township=371603201"' in response.content.decode()
    response = client.get(DASHBOARD, {"township": "371603201", "sort": "rate"})
    assert [r.township.name for r in response.context["reports"]] == ["利国乡"]
    # The sorting links keep the township.
    assert 'href="?township=371603201&amp;sort=name"' in response.content.decode()
    assert client.get(DASHBOARD, {"township": "371603999"}).status_code == 404


def test_the_admin_index_links_township_staff_to_it(client_for, known_data, township_staff):
    html = client_for(township_staff).get("/admin/").content.decode()

    assert DASHBOARD in html


def test_the_admin_index_does_not_offer_it_to_accountants(client_for, known_data, accountant):
    html = client_for(accountant).get("/admin/").content.decode()

    assert DASHBOARD not in html


def test_the_dashboard_shows_rates_and_sorts_by_plain_links(
    client_for, known_data, township_staff, clock
):
    client = client_for(township_staff)

    html = client.get(DASHBOARD).content.decode()
    assert 'href="?sort=rate"' in html
    assert 'href="?sort=missing"' in html
    assert 'href="?sort=name"' in html
    # The last twelve months, before January with nothing published: 3 of 24 and 1 of 23.
    assert ">13%<" in html and ">4%<" in html

    response = client.get(DASHBOARD, {"sort": "rate"})
    assert [row.village.name for row in response.context["reports"][0].rows] == ["东营村", "五庙村"]
    # Sorted by rate, the same header sorts the other way.
    assert 'href="?sort=-rate"' in response.content.decode()


def test_the_village_page_of_the_dashboard_shows_status_as_text(
    client_for, known_data, township_staff, clock
):
    response = client_for(township_staff).get(DASHBOARD + "v/371603201201/")

    html = response.content.decode()
    # Text, not only colour: the words and the dates are in the page.
    assert "status-late" in html and "逾期 1 天" in html
    assert "status-missing" in html and "缺失" in html
    assert "2026-03-10" in html
    assert "按时" in html


# The CSV export


def test_the_export_is_the_whole_grid_as_csv_with_a_bom(
    client_for, known_data, township_staff, clock
):
    response = client_for(township_staff).get(DASHBOARD + "371603201.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["村代码", "村", "事项", "所属期间", "截止日期", "公开日期", "状态"]
    assert ["371603201201", "五庙村", FINANCE, "2026年2月", "2026-03-10", "2026-03-10", "按时"] in (
        lines
    )
    assert [
        "371603201201",
        "五庙村",
        PARTY_DAY,
        "2026年1月",
        "2026-02-10",
        "2026-02-11",
        "逾期 1 天",
    ] in lines
    assert ["371603201202", "东营村", FINANCE, "2026年1月", "2026-02-10", "", "缺失"] in lines
    assert ["371603201202", "东营村", PARTY_DAY, "2026年4月", "2026-05-10", "", "未到期"] in lines
    assert not any(line[0] == "371603102203" for line in lines)
    # Twelve months of two monthly items and five quarters of the list, for two villages.
    assert len(lines) == 1 + 2 * (2 * 12 + 5)


# A fixed number of queries, whatever the number of villages and months


def publish_history(village, months, skip=0):
    """`months` published finance months and party days, the last one `skip` months
    before March 2026."""
    for offset in range(skip, skip + months):
        index = 2026 * 12 + 2 - offset
        year, number = index // 12, index % 12 + 1
        ledger = LedgerMonth.objects.create(
            village=village, year=year, month=number, opening_balance=0
        )
        when = beijing(year, number, 28, 9)
        factories.publish(ledger, when=when)
        make_disclosure(
            village, PARTY_DAY, datetime.date(year, number, 1), title="主题党日", when=when
        )


def add_villages(township, count, first):
    return [
        factories.make_village(township, f"{township.code}{n:03d}", f"测试{n}村")
        for n in range(first, first + count)
    ]


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_for_2_or_10_villages(
    client_for, small_catalog, liguo, township_staff, clock
):
    client = client_for(township_staff)
    for village in add_villages(liguo, 2, 300):
        publish_history(village, 3)
    small = dashboard_queries(client)

    for village in add_villages(liguo, 8, 400):
        publish_history(village, 3)
    large = dashboard_queries(client)

    assert liguo.villages.count() == 10
    assert small == large


def test_the_dashboard_costs_the_same_for_3_or_12_months(
    client_for, small_catalog, liguo, township_staff, clock
):
    client = client_for(township_staff)
    villages = add_villages(liguo, 2, 300)
    for village in villages:
        publish_history(village, 3)
    small = dashboard_queries(client)

    for village in villages:
        publish_history(village, 9, skip=3)
    large = dashboard_queries(client)

    assert LedgerMonth.objects.count() == 24
    assert small == large


def test_the_functions_need_four_queries(small_catalog, liguo, django_assert_num_queries):
    for village in add_villages(liguo, 3, 300):
        publish_history(village, 12)

    with django_assert_num_queries(4):
        # Villages, catalog, disclosures, ledger months.
        compliance.township_reports([liguo], today=TODAY)


# Each village's own timeliness, on its page


def test_village_timeliness_needs_at_most_two_queries(
    known_data, wumiao, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        village_timeliness(wumiao, today=TODAY)


def test_village_timeliness_says_it_plainly(known_data, wumiao, dongying):
    html = render_to_string(
        "disclosures/compliance/includes/_timeliness.html",
        {"timeliness": village_timeliness(wumiao, today=TODAY)},
    )

    # Newest deadline first: the March party day (due 10 April), then February's
    # finance (the March list is not yet due), then the low-income list of Q4 2025.
    assert '2026年3月 主题党日活动 4月2日公开 · <span class="on-time">按时</span>' in html
    assert '二月财务 3月10日公开 · <span class="on-time">按时</span>' in html
    assert '2025年第四季度 农村低保对象名单 · <span class="late">缺失</span>' in html
    lines = village_timeliness(dongying, today=TODAY).lines
    assert [line.status_text for line in lines][:2] == ["缺失", "逾期 10 天"]


def test_village_timeliness_rate_covers_twelve_months(known_data, wumiao):
    timeliness = village_timeliness(wumiao, today=TODAY)

    # May 2025 – April 2026: of the monthly items, eight months before January are
    # missing for both; of the list, Q2–Q4 2025 are missing and Q1 2026 is not yet due.
    assert timeliness.first_day == datetime.date(2025, 5, 1)
    assert timeliness.tally == tally(on_time=3, late=1, missing=1 + 16 + 3, not_yet_due=3 + 2)
    assert timeliness.tally.percent == 13


def test_village_timeliness_names_late_days(small_catalog, wumiao):
    make_disclosure(wumiao, LOW_INCOME, datetime.date(2026, 7, 1), when=beijing(2026, 10, 23, 9))

    lines = village_timeliness(wumiao, today=datetime.date(2026, 11, 27)).lines

    assert lines[-1].label == "2026年第三季度 农村低保对象名单"
    assert lines[-1].status_text == "逾期 3 天"


# The demo


def demo_counts():
    return {
        model.__name__: model.objects.count()
        for model in [Disclosure, LivelihoodRow, Cadre, LedgerMonth]
    }


def test_the_demo_has_on_time_late_and_missing_disclosures(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = demo_counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert demo_counts() == first
    call_command("verify_ledgers", stdout=io.StringIO())
    for township in Township.objects.all():
        report = township_report(township)
        assert report.tally.on_time > report.tally.late > 0
        assert report.tally.missing > 0
        assert 0.7 < report.tally.rate < 0.97
    wumiao_cadres = Cadre.objects.filter(village__code="371603201201")
    assert wumiao_cadres.get(post="党支部书记").name == "韩兴和"
    assert {c.post for c in wumiao_cadres} >= {
        "村委会主任",
        "会计",
        "妇联主席",
        "村务监督委员会主任",
    }
    rows = LivelihoodRow.objects.filter(disclosure__village__code="371603201201")
    assert rows.exists()
    for row in rows:
        assert "*" in row.id_number and "*" in row.phone
        assert row.disclosure.is_published
