"""The QR code of a village: /v/<code>/qr.svg, and the PNG printed on signs."""

import base64
import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from PIL import Image

from common.qr import qr_png_data_uri

SVG = "{http://www.w3.org/2000/svg}"


def decode_png_data_uri(data_uri):
    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(data_uri[len(prefix) :])))
    # One pixel per module is too small for a reader: scale it up without smoothing.
    image = image.convert("L").resize((image.width * 10, image.height * 10), Image.NEAREST)
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_it_serves_an_svg(client, wumiao):
    response = client.get("/v/371603201201/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_the_svg_is_valid_xml_with_a_path(client, wumiao):
    root = ET.fromstring(client.get("/v/371603201201/qr.svg").content)

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")
    # No fixed size: the page decides how large it is.
    assert root.get("width") is None
    assert root.get("height") is None
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 1
    assert paths[0].get("d")
    # Several codes can share a page, so the path has no id.
    assert paths[0].get("id") is None


def test_it_is_404_for_an_unknown_village(client, wumiao):
    assert client.get("/v/371603201299/qr.svg").status_code == 404


def test_the_printed_code_decodes_to_the_public_url(wumiao):
    assert decode_png_data_uri(qr_png_data_uri(wumiao.public_url)) == [wumiao.public_url]


def test_the_public_url_is_the_base_url_and_the_village_page(wumiao):
    assert wumiao.public_url == f"{settings.PUBLIC_BASE_URL}/v/371603201201/"


@pytest.mark.parametrize("code", ["371603201201", "371603102203"])
def test_the_printed_address_is_the_village_page(code, wumiao, yanjia):
    village = wumiao if code == wumiao.code else yanjia
    assert village.get_absolute_url() == reverse("disclosures:village", kwargs={"code": code})
