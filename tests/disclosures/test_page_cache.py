"""The public page cache on a shared Redis: keyed only on what the page uses, and
invalidated for every server by a publication through any of them."""

import gzip
import socket

import pytest
from django.core.cache import caches as django_caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from portal.settings import caches
from tests import factories
from tests.redis_cache import keys
from villages.visits import flush_visits, views_this_month

WUMIAO = "/v/371603201201/"


def test_redis_url_selects_djangos_redis_cache_and_locmem_stays_the_default():
    assert caches("")["default"]["BACKEND"].endswith("LocMemCache")
    shared = caches("redis://127.0.0.1:6379/3")["default"]
    assert shared["BACKEND"] == "common.cache.ForgivingRedisCache"  # Django's, forgiving
    assert shared["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_one_redis_client_serves_every_operation(redis_cache):
    """Django makes a client per operation; making one costs more than the GET."""
    backend = django_caches["default"]
    backend.set("some-key", "value")
    assert backend.get("some-key") == "value"
    assert backend._cache.get_client() is backend._cache.get_client("some-key", write=True)


@pytest.fixture
def published(wumiao):
    return factories.make_month(wumiao, 2026, 9, entries=4)


def test_pages_are_kept_in_redis(redis_cache, client, published):
    client_redis, prefix = redis_cache
    assert isinstance(django_caches["default"], RedisCache)
    client.get(WUMIAO)
    assert len(keys(client_redis, prefix, "*public-page*")) == 1


def test_query_strings_the_page_does_not_use_make_no_new_entry(
    redis_cache,
    client,
    published,
    django_assert_num_queries,
):
    client_redis, prefix = redis_cache
    first = client.get(WUMIAO).content
    for junk in ("?from=singlemessage&isappinstalled=0", "?x=1", "?sort=nonsense", "?sort="):
        with django_assert_num_queries(0):  # cached, the count in the cache too
            response = client.get(WUMIAO + junk)
        assert response.content == first
    assert len(keys(client_redis, prefix, "*public-page*")) == 1
    # A parameter the page uses makes its own entry, and it alone reaches the page's links.
    sorted_page = client.get(WUMIAO + "?sort=amount&utm_source=x").content.decode()
    assert (
        "utm_source" not in sorted_page and "next=/v/371603201201/%3Fsort%3Damount" in sorted_page
    )
    assert len(keys(client_redis, prefix, "*public-page*")) == 2


def test_a_publication_through_another_server_changes_every_servers_page(
    redis_cache,
    client,
    published,
    wumiao,
):
    """The other server publishes through the database only: this one reads the village's
    new public_version on the next request and renders afresh."""
    assert "2026年10月财务清单" not in client.get(WUMIAO).content.decode()
    factories.make_month(wumiao, 2026, 10, entries=2)  # bumps public_version in the database
    assert "2026年10月财务清单" in client.get(WUMIAO).content.decode()


def test_the_questions_page_keys_on_its_page_number_only(redis_cache, client, published):
    client_redis, prefix = redis_cache
    for query in ("", "?page=1", "?page=1&x=2", "?page=abc", "?page=99999"):
        assert client.get(f"{WUMIAO}questions/{query}").status_code == 200
    assert len(keys(client_redis, prefix, "*public-page*")) == 2  # no page, and page=1


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once the socket is closed


def test_pages_are_served_from_the_database_while_redis_is_down(
    client, published, caplog, monkeypatch
):
    monkeypatch.setattr("common.cache._last_warning", [0.0])
    with override_settings(CACHES=caches(f"redis://127.0.0.1:{closed_port()}/0")):
        assert isinstance(django_caches["default"], RedisCache)
        for _ in range(2):
            response = client.get(WUMIAO)
            assert response.status_code == 200
            assert "五庙村" in response.content.decode()
        assert client.get(f"{WUMIAO}finance/2026-09/").status_code == 200
        # The views were counted in this process meanwhile, and the flush writes them.
        assert flush_visits() == 1
    assert views_this_month(published.village) == 3
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1  # once a minute, not once a request
    assert warnings[0].levelname == "WARNING"
    assert "Redis cache unavailable" in warnings[0].getMessage()


def test_a_page_is_kept_compressed_and_sent_so(client, published):
    fresh = client.get(WUMIAO, HTTP_ACCEPT_ENCODING="gzip, deflate")
    cached = client.get(WUMIAO, HTTP_ACCEPT_ENCODING="gzip, deflate")
    plain = client.get(WUMIAO)  # no Accept-Encoding: the kept page, decompressed

    for response in (fresh, cached):
        assert response["Content-Encoding"] == "gzip"
        assert response["ETag"].startswith('W/"')
        assert "Accept-Encoding" in response["Vary"]
    assert cached.content == fresh.content
    html = gzip.decompress(cached.content).decode()
    assert "2026年9月财务清单" in html
    assert not plain.has_header("Content-Encoding")
    assert plain.content.decode() == html
    assert plain["ETag"] == fresh["ETag"].removeprefix("W/")
