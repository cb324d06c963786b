"""A link shared in WeChat shows a card: title, description, the village's picture; the
telephone is a tap away; the language switch sits in the top corner."""

import io
import re

import pytest
from django.conf import settings
from PIL import Image

from villages import views

PAGES = [
    "/",
    "/v/371603201201/",
    "/v/371603201201/finance/2026-10/",
    "/v/371603201201/questions/",
    "/v/371603201201/ask/",
    "/v/371603201201/powers/",
    "/v/371603201201/matters/",
]


@pytest.fixture
def month(wumiao):
    from tests.factories import make_month

    return make_month(wumiao, 2026, 10, entries=2)


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{name}" content="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_its_share_metadata(client, month, path):
    html = client.get(path).content.decode()
    assert meta(html, "name", "description")
    assert meta(html, "property", "og:title")
    assert meta(html, "property", "og:description")
    # The address the portal is published at, never the request's Host header.
    assert meta(html, "property", "og:image").startswith(f"{settings.PUBLIC_BASE_URL}/")
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert "{#" not in html  # a template comment spread over lines is printed, not hidden


def test_a_village_page_shares_the_villages_name_and_picture(client, month):
    html = client.get("/v/371603201201/").content.decode()
    assert meta(html, "property", "og:title").startswith("五庙村 · 利国乡")
    assert "五庙村" in meta(html, "name", "description")
    card = f"{settings.PUBLIC_BASE_URL}/v/371603201201/share.png"
    assert meta(html, "property", "og:image") == card


def test_the_villages_picture_is_300_square_and_drawn_once(client, wumiao, monkeypatch):
    drawn = []
    real = views.card_png
    monkeypatch.setattr(
        views, "card_png", lambda *args, **kw: drawn.append(args) or real(*args, **kw)
    )
    first = client.get("/v/371603201201/share.png")
    second = client.get("/v/371603201201/share.png")
    assert first["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (300, 300)
    assert second.content == first.content
    assert drawn == [("五庙村", "利国乡", 300)]
    assert client.get("/v/371603209999/share.png").status_code == 404


def test_the_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (64, 64)


def test_the_supervision_telephone_is_a_tel_link(client, month):
    html = client.get("/v/371603201201/").content.decode()
    assert '<a class="tel" href="tel:0543-7362201">0543-7362201</a>' in html


def test_the_language_switch_is_in_the_header_away_from_the_telephone(client, month):
    html = client.get("/v/371603201201/").content.decode()
    header = html[html.index('<header class="site">') : html.index("</header>")]
    footer = html[html.index('<footer class="site">') :]
    assert 'lang="en">English</a>' in header
    assert "English" not in footer
