"""Visit counts: page views and QR scans per village and day, and nothing about anyone."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.conftest import WECHAT_USER_AGENT
from villages.models import Village, VillageVisitDay
from villages.visits import flush_visits, last_months, record_visit, views_this_month

WUMIAO = "/v/371603201201/"
TODAY = datetime.date(2026, 9, 15)


def counts(village):
    """The village's rows once the counts gathered in the cache are written."""
    flush_visits()
    return list(village.visit_days.values_list("day", "views", "scans"))


@pytest.fixture
def today():
    return timezone.localdate()


# record_visit


def test_it_counts_views_and_scans_per_day(wumiao):
    for _ in range(3):
        record_visit(wumiao, day=TODAY)
    record_visit(wumiao, scan=True, day=TODAY)
    record_visit(wumiao, day=TODAY + datetime.timedelta(days=1))

    assert counts(wumiao) == [(TODAY, 3, 1), (datetime.date(2026, 9, 16), 1, 0)]


def test_it_adds_to_a_row_another_process_created(wumiao, dongying, django_assert_num_queries):
    # The race an UPDATE-then-INSERT would lose: the row appears between the two. The
    # single INSERT ... ON CONFLICT DO UPDATE adds to it instead of failing.
    VillageVisitDay.objects.create(village=wumiao, day=TODAY, views=41, scans=7)

    with django_assert_num_queries(1):
        record_visit(wumiao, day=TODAY)
    with django_assert_num_queries(1):
        record_visit(dongying, day=TODAY)  # no row yet: the same single statement

    assert counts(wumiao) == [(TODAY, 42, 7)]
    assert counts(dongying) == [(TODAY, 1, 0)]


def test_the_day_is_beijings(wumiao, monkeypatch):
    # 23:59:59 in Beijing on 31 August is 15:59:59 UTC; a second later it is September.
    before = datetime.datetime(2026, 8, 31, 15, 59, 59, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: before)
    record_visit(wumiao)
    monkeypatch.setattr(timezone, "now", lambda: before + datetime.timedelta(seconds=1))
    record_visit(wumiao)

    assert counts(wumiao) == [(datetime.date(2026, 8, 31), 1, 0), (datetime.date(2026, 9, 1), 1, 0)]
    assert views_this_month(wumiao) == 1


def test_views_this_month_starts_on_the_first(wumiao, dongying):
    VillageVisitDay.objects.create(village=wumiao, day=datetime.date(2026, 8, 31), views=50)
    VillageVisitDay.objects.create(village=wumiao, day=datetime.date(2026, 9, 1), views=3)
    VillageVisitDay.objects.create(village=wumiao, day=TODAY, views=4, scans=2)
    VillageVisitDay.objects.create(village=dongying, day=TODAY, views=100)

    assert views_this_month(wumiao, today=TODAY) == 7
    assert views_this_month(Village.objects.get(code="371603201202"), today=TODAY) == 100


def test_last_months_are_twelve_first_days_oldest_first():
    months = last_months(datetime.date(2026, 3, 31))
    assert months[0] == datetime.date(2025, 4, 1)
    assert months[-1] == datetime.date(2026, 3, 1)
    assert len(months) == 12


# What counts on the public pages


def test_every_request_of_a_page_counts_cached_or_not(client, wumiao, today):
    for _ in range(3):
        assert client.get(WUMIAO).status_code == 200

    assert counts(wumiao) == [(today, 3, 0)]


def test_the_pages_of_a_village_count_for_it(client, wumiao, dongying, today):
    factories.make_month(wumiao, 2026, 7, entries=2)
    client.get(f"{WUMIAO}finance/2026-07/")
    client.get(f"{WUMIAO}finance/2026/")
    client.get(f"{WUMIAO}m/village/")
    client.get(f"{WUMIAO}matters/")
    client.get(f"{WUMIAO}powers/")

    assert counts(wumiao) == [(today, 5, 0)]
    assert counts(dongying) == []


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
        "curl/8.5.0",
        "python-requests/2.32.3",
    ],
)
def test_bots_previews_and_scripts_do_not_count(client, wumiao, user_agent):
    assert client.get(WUMIAO, HTTP_USER_AGENT=user_agent).status_code == 200
    assert client.get(f"{WUMIAO}?qr", HTTP_USER_AGENT=user_agent).status_code == 302

    assert counts(wumiao) == []


@pytest.mark.parametrize(
    "user_agent",
    [
        WECHAT_USER_AGENT,
        "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    ],
)
def test_phones_count(client, wumiao, today, user_agent):
    client.get(WUMIAO, HTTP_USER_AGENT=user_agent)
    assert counts(wumiao) == [(today, 1, 0)]


def test_head_errors_and_redirects_do_not_count(client, wumiao):
    month = factories.make_month(wumiao, 2026, 7, entries=1)
    assert client.head(WUMIAO).status_code == 200
    assert client.get(f"{WUMIAO}finance/2025-01/").status_code == 404
    assert client.get(f"{WUMIAO}m/no-such-module/").status_code == 404
    assert client.get(f"{WUMIAO}entries/{month.entries.get().pk}/").status_code == 302

    assert counts(wumiao) == []


def test_downloads_photos_and_the_qr_image_do_not_count(client, wumiao):
    factories.make_month(wumiao, 2026, 7, entries=2)
    for download in ["finance/2026-07.csv", "finance/2026-07.xlsx", "finance/2026.csv", "qr.svg"]:
        assert client.get(WUMIAO + download).status_code == 200, download

    assert counts(wumiao) == []


# Scans through the marker of printed codes


def test_a_scan_counts_one_scan_and_one_view(client, wumiao, today):
    response = client.get(f"{WUMIAO}?qr")
    assert response.status_code == 302
    assert response["Location"] == WUMIAO
    assert "no-store" in response["Cache-Control"]
    assert counts(wumiao) == [(today, 0, 1)]

    page = client.get(response["Location"])

    assert counts(wumiao) == [(today, 1, 1)]
    assert "?qr" not in page.content.decode()


def test_the_marker_is_stripped_and_other_parameters_kept(client, wumiao):
    factories.make_month(wumiao, 2026, 7, entries=2)
    response = client.get(f"{WUMIAO}finance/2026-07/?qr&sort=-amount")
    assert response["Location"] == f"{WUMIAO}finance/2026-07/?sort=-amount"


def test_an_old_sign_without_the_marker_still_counts_as_a_view(client, wumiao, today):
    assert client.get(WUMIAO).status_code == 200
    assert counts(wumiao) == [(today, 1, 0)]


def test_a_head_request_with_the_marker_is_redirected_without_a_count(client, wumiao):
    assert client.head(f"{WUMIAO}?qr").status_code == 302
    assert counts(wumiao) == []


def test_the_marker_of_an_unknown_village_is_a_404(client, wumiao):
    assert client.get("/v/371603201299/?qr").status_code == 404


def test_the_sign_url_is_the_public_url_with_the_marker(wumiao, settings):
    assert wumiao.sign_url == f"{settings.PUBLIC_BASE_URL}/v/371603201201/?qr"


# The village page shows this month's views


def test_the_village_page_shows_this_months_views(client, wumiao, today):
    VillageVisitDay.objects.create(village=wumiao, day=today.replace(day=1), views=1999)

    content = client.get(WUMIAO).content.decode()
    assert "本月浏览 1999 次" in content

    flush_visits()
    # Within the minute the number is kept (views_this_month_kept), then it is read again.
    english = client.get(WUMIAO, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This month: 1999 views" in english
    cache.delete(f"views-this-month:{wumiao.pk}:{today.replace(day=1).isoformat()}")
    english = client.get(f"{WUMIAO}?sort=amount", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This month: 2000 views" in english


# Nothing personal


def test_only_day_counts_are_stored_and_no_cookie_is_set(client, wumiao, today):
    factories.make_month(wumiao, 2026, 7, entries=1)
    visitors = [
        ("10.1.2.3", WECHAT_USER_AGENT + " visitor-one", "tracking=abc123"),
        ("2001:db8::7", "Mozilla/5.0 (iPhone) Safari/604.1 visitor-two", "_ga=GA1.2.secret"),
    ]
    for address, agent, cookie in visitors:
        for url in [f"{WUMIAO}?qr", WUMIAO, f"{WUMIAO}finance/2026-07/"]:
            response = client.get(
                url, follow=True, REMOTE_ADDR=address, HTTP_USER_AGENT=agent, HTTP_COOKIE=cookie
            )
            assert not response.cookies
            assert "Set-Cookie" not in response

    flush_visits()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {VillageVisitDay._meta.db_table}")
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert columns == ["id", "day", "views", "scans", "village_id"]
    assert [row[1:] for row in rows] == [(today, 6, 2, wumiao.pk)]
    stored = repr(rows)
    for secret in ["10.1.2.3", "2001:db8", "visitor", "abc123", "secret", "finance"]:
        assert secret not in stored
    # No session either: a villager reading the page leaves no trace of their own.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone() == (0,)


# The township's visits page


@pytest.fixture
def history(wumiao, dongying, yanjia, today):
    first = today.replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).replace(day=1)
    VillageVisitDay.objects.create(village=wumiao, day=first, views=10, scans=4)
    VillageVisitDay.objects.create(village=wumiao, day=today, views=5, scans=1)
    VillageVisitDay.objects.create(village=wumiao, day=last_month, views=7, scans=0)
    VillageVisitDay.objects.create(village=dongying, day=today, views=2, scans=2)
    VillageVisitDay.objects.create(village=yanjia, day=today, views=99, scans=9)
    # Older than twelve months: not on the page.
    VillageVisitDay.objects.create(village=wumiao, day=first.replace(year=first.year - 1))
    return first, last_month


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get("/admin/villages/visits/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_accountants_and_reviewers_get_a_403(client_for, accountant, reviewer, history):
    for user in (accountant, reviewer):
        assert client_for(user).get("/admin/villages/visits/").status_code == 403
        assert client_for(user).get("/admin/villages/visits/371603201.csv").status_code == 403


def test_township_staff_see_their_villages_by_month(client_for, township_staff, history):
    first, last_month = history
    response = client_for(township_staff).get("/admin/villages/visits/")

    assert response.status_code == 200
    [report] = response.context["reports"]
    assert report.township.code == "371603201"
    rows = {row.village.code: row for row in report.rows}
    assert set(rows) == {"371603201201", "371603201202"}  # not 黄升镇's 闫家村
    months = response.context["months"]
    assert len(months) == 12 and months[-1] == first
    wumiao = rows["371603201201"]
    assert wumiao.cells[-1] == (15, 5)
    assert wumiao.cells[-2] == (7, 0)
    assert (wumiao.views, wumiao.scans) == (22, 5)
    assert report.month_totals[-1] == (17, 7)
    content = response.content.decode()
    assert "闫家村" not in content
    assert "15 / 5" in content


def test_the_superuser_sees_every_township_one_at_a_time(client_for, superuser, history):
    client = client_for(superuser)
    response = client.get("/admin/villages/visits/")
    # One township's table (a province has hundreds), with links to every other.
    assert [r.township.code for r in response.context["reports"]] == ["371603102"]
    assert 'href="?township=371603201"' in response.content.decode()

    response = client.get("/admin/villages/visits/", {"township": "371603201"})
    assert [r.township.code for r in response.context["reports"]] == ["371603201"]
    assert "15 / 5" in response.content.decode()
    assert client.get("/admin/villages/visits/", {"township": "371603999"}).status_code == 404


def test_township_staff_pick_no_township(client_for, township_staff, history):
    response = client_for(township_staff).get("/admin/villages/visits/")
    assert "?township=" not in response.content.decode()
    other = client_for(township_staff).get("/admin/villages/visits/", {"township": "371603102"})
    assert other.status_code == 404


def test_the_page_makes_a_fixed_number_of_queries(
    client_for, township_staff, history, django_assert_num_queries
):
    client = client_for(township_staff)
    client.get("/admin/villages/visits/")
    for number in range(20):
        factories.make_village(township_staff.townships.get(), f"3716032013{number:02d}", "村")
    # Session, user, its permissions (two, for the admin's menu), the header's township
    # names, townships, villages and the month counts: not one query per village.
    with django_assert_num_queries(8):
        assert client.get("/admin/villages/visits/").status_code == 200


def test_the_csv_has_a_bom_and_a_line_per_village_and_month(client_for, township_staff, history):
    first, _ = history
    response = client_for(township_staff).get("/admin/villages/visits/371603201.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 1 + 2 * 12
    assert ["371603201201", "五庙村", f"{first:%Y-%m}", "15", "5"] in rows
    assert ["371603201202", "东营村", f"{first:%Y-%m}", "2", "2"] in rows


def test_the_csv_of_another_township_is_a_404(client_for, township_staff, history):
    assert client_for(township_staff).get("/admin/villages/visits/371603102.csv").status_code == 404


def test_the_admin_index_links_the_page_for_township_staff(client_for, township_staff):
    content = client_for(township_staff).get("/admin/").content.decode()
    assert 'href="/admin/villages/visits/"' in content


# The demo


def test_the_demo_history_is_idempotent(wumiao, dongying):
    from villages.visits import seed_demo_visits

    villages = [wumiao, dongying]
    seed_demo_visits(villages, today=TODAY, days=30)
    before = list(VillageVisitDay.objects.values_list("village", "day", "views", "scans"))
    seed_demo_visits(villages, today=TODAY, days=30)

    assert len(before) == 60
    assert list(VillageVisitDay.objects.values_list("village", "day", "views", "scans")) == before
    assert all(scans <= views for _, _, views, scans in before)
