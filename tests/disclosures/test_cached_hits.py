"""A cached public page, and a 304, touch no database: the village's version and the visit
count live in the cache (LocMem, or Redis shared by every server), the page is answered
before sessions and the language machinery, and the counts reach the database on flush."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from villages.models import Township, Village
from villages.visits import flush_visits, views_this_month

WUMIAO = "/v/371603201201/"
PAGES = ["", "finance/2026-09/", "finance/2026/", "m/village/", "questions/", "powers/"]


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    """Each test once with the per-process cache and once with the shared Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


@pytest.fixture
def september(wumiao):
    return factories.make_month(wumiao, 2026, 9, entries=3)


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return response, len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_hit_and_a_304_make_no_query(any_cache, client, september, page):
    url = WUMIAO + page
    first = client.get(url)
    assert first.status_code == 200

    hit, count = queries(client, url)
    assert count == 0 and hit.status_code == 200 and hit.content == first.content
    not_modified, count = queries(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert count == 0 and not_modified.status_code == 304


def test_they_are_answered_before_the_session_and_the_user(client, september):
    client.get(WUMIAO)
    hit = client.get(WUMIAO)
    assert not hasattr(hit.wsgi_request, "session") and not hasattr(hit.wsgi_request, "user")
    assert not hit.templates


def test_a_hit_carries_the_headers_of_a_rendered_page(client, september):
    rendered = client.get(WUMIAO, HTTP_ACCEPT_ENCODING="gzip")
    hit = client.get(WUMIAO, HTTP_ACCEPT_ENCODING="gzip")
    assert hasattr(rendered.wsgi_request, "session")  # the first went through to the view
    ignored = {"Date", "Content-Length"}  # gzip's random padding changes the length
    assert {k: v for k, v in hit.items() if k not in ignored} == {
        k: v for k, v in rendered.items() if k not in ignored
    }
    assert hit["Content-Encoding"] == "gzip" and hit["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in hit


def test_the_language_chosen_by_cookie_or_header_keys_the_hit(client, september, settings):
    english = client.get(WUMIAO, HTTP_ACCEPT_LANGUAGE="en")
    assert "Finance" in english.content.decode()
    hit, count = queries(client, WUMIAO, HTTP_ACCEPT_LANGUAGE="en")
    assert count == 0 and hit.content == english.content and hit["Content-Language"] == "en"
    chinese, _ = queries(client, WUMIAO)
    assert chinese.content != english.content and chinese["Content-Language"] == "zh-hans"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    by_cookie, count = queries(client, WUMIAO)
    assert count == 0 and by_cookie.content == english.content


def test_n_views_are_flushed_as_n(any_cache, client, wumiao, september):
    etag = client.get(WUMIAO)["ETag"]
    for _ in range(5):
        client.get(WUMIAO)
        client.get(f"{WUMIAO}finance/2026-09/")
        client.get(WUMIAO, HTTP_IF_NONE_MATCH=etag)
    client.get(f"{WUMIAO}?qr")
    assert views_this_month(wumiao) == 0  # not yet written

    assert flush_visits() == 1  # one village-day
    day = wumiao.visit_days.get()
    assert (day.views, day.scans) == (16, 1)
    assert flush_visits() == 0
    client.get(WUMIAO)
    flush_visits()
    assert views_this_month(wumiao) == 17


def test_a_flush_the_database_refuses_keeps_the_counts(client, wumiao, september, monkeypatch):
    from django.db import DatabaseError

    from villages import visits

    client.get(WUMIAO)

    def refuse(counts):
        raise DatabaseError("busy")

    monkeypatch.setattr(visits, "add_visits", refuse)
    with pytest.raises(DatabaseError):
        flush_visits()
    monkeypatch.undo()
    flush_visits()
    assert views_this_month(wumiao) == 1


def test_a_publication_changes_the_page_at_once(any_cache, client, wumiao, september):
    etag = client.get(WUMIAO)["ETag"]
    factories.make_month(wumiao, 2026, 10, entries=1)
    page = client.get(WUMIAO, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and "2026年10月财务清单" in page.content.decode()
    _, count = queries(client, WUMIAO)
    assert count == 0


def test_a_renamed_village_or_township_shows_its_new_name(any_cache, client, wumiao, september):
    client.get(WUMIAO)
    Village.objects.filter(pk=wumiao.pk).update(name="old")  # no signal: the cache keeps it
    assert "五庙村" in client.get(WUMIAO).content.decode()
    wumiao.name = "新五庙村"
    wumiao.save()
    assert "新五庙村" in client.get(WUMIAO).content.decode()
    township = Township.objects.get(pk=wumiao.township_id)
    township.name = "新利国镇"
    township.save()
    assert "新利国镇" in client.get(WUMIAO).content.decode()


def test_an_unknown_village_is_a_404_and_no_count(client, wumiao):
    assert client.get("/v/371603201299/").status_code == 404
    assert flush_visits() == 0
