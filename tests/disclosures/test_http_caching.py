"""HTTP caching and compression of the public pages: ETag and Last-Modified from what the
village has published, always revalidated, 304 without rendering, gzip for text only."""

import gzip
import re

import pytest
from django.core.cache import cache

from tests import factories
from villages.visits import flush_visits, views_this_month

WUMIAO = "/v/371603201201/"


@pytest.fixture
def published(wumiao):
    return factories.make_month(wumiao, 2026, 9, entries=4)


def test_pages_carry_validators_and_must_be_revalidated(client, published):
    response = client.get(WUMIAO)
    assert response.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{20}"', response["ETag"])
    assert response["Last-Modified"].endswith(" GMT")
    assert "no-cache" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_conditional_get_is_answered_304_without_rendering(
    client, published, wumiao, django_assert_num_queries
):
    etag = client.get(WUMIAO)["ETag"]
    with django_assert_num_queries(0):  # the village's state and the count in the cache
        response = client.get(WUMIAO, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert not response.templates
    assert response["ETag"] == etag and "no-cache" in response["Cache-Control"]
    cache.clear()  # the page is not needed; the village's state is read again
    with django_assert_num_queries(1):
        assert client.get(WUMIAO, HTTP_IF_NONE_MATCH=etag).status_code == 304
    flush_visits()
    assert views_this_month(wumiao) == 3  # the browser showed its copy: a view
    last_modified = client.get(WUMIAO)["Last-Modified"]
    assert client.get(WUMIAO, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # gzip makes the ETag weak (W/"…"): still a match.
    assert client.get(WUMIAO, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_a_publication_changes_the_etag(client, published, wumiao):
    etag = client.get(WUMIAO)["ETag"]
    factories.make_month(wumiao, 2026, 10, entries=2)
    response = client.get(WUMIAO, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "2026年10月财务清单" in response.content.decode()


def test_each_language_has_its_own_etag(client, published):
    chinese = client.get(WUMIAO)["ETag"]
    english = client.get(WUMIAO, HTTP_ACCEPT_LANGUAGE="en")
    assert english["ETag"] != chinese
    assert (
        client.get(WUMIAO, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=chinese).status_code == 200
    )


def test_missing_pages_carry_no_validators(client, published):
    response = client.get(f"{WUMIAO}finance/1999-01/")
    assert response.status_code == 404 and "ETag" not in response


def test_pages_are_compressed_and_link_hashed_static_files(client, published, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    plain = client.get(WUMIAO)
    response = client.get(WUMIAO, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content) / 3
    assert re.search(r'href="/static/portal\.[0-9a-f]{12}\.css"', plain.content.decode())


def test_pdfs_and_images_are_not_compressed_again(client, published, wumiao):
    response = client.get(f"{WUMIAO}qr.svg", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"  # SVG is text
    response = client.get(f"{WUMIAO}finance/2026.xlsx", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response
