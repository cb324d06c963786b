"""The printed QR sign, read back the way a person or a phone would: text, fonts, QR code.

Poppler's command-line tools (pdfinfo, pdftotext, pdffonts, pdftoppm) do the reading.
"""

import datetime
import logging
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image

from tests import factories
from villages.models import Village
from villages.signs import render_signs

BASE_URL = "https://cun.example.cn"


def poppler(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_count(path):
    return int(re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", path), re.M)[1])


def page_text(path, page):
    return poppler("pdftotext", "-f", str(page), "-l", str(page), path, "-")


def embedded_fonts(path):
    """{font name without subset prefix: embedded?} from pdffonts' table."""
    fonts = {}
    for line in poppler("pdffonts", path).splitlines()[2:]:
        fields = line.split()
        # name, type (may hold spaces), encoding, emb, sub, uni, object number, generation
        fonts[fields[0].split("+", 1)[-1]] = fields[-5] == "yes"
    return fonts


def write_signs(tmp_path, villages, **kwargs):
    path = tmp_path / "signs.pdf"
    path.write_bytes(render_signs(villages, **kwargs))
    return path


@pytest.fixture
def base_url(settings):
    settings.PUBLIC_BASE_URL = BASE_URL
    return BASE_URL


@pytest.fixture
def signs(tmp_path, base_url, wumiao, dongying, yanjia):
    """The signs of all three villages, in code order: 闫家村, 五庙村, 东营村."""
    return write_signs(tmp_path, Village.objects.with_places())


def test_it_prints_one_page_per_village_in_the_order_given(signs):
    assert page_count(signs) == 3
    names = [page_text(signs, page) for page in (1, 2, 3)]
    assert ["闫家村" in names[0], "五庙村" in names[1], "东营村" in names[2]] == [True] * 3


def test_it_prints_the_village_township_and_district(signs):
    text = page_text(signs, 2)
    assert "五庙村" in text
    assert "利国乡" in text
    assert "滨州市沾化区" in text
    assert "闫家村" not in text


def test_it_prints_the_heading_in_chinese(signs):
    # Needs the compiled catalog, locale/zh_Hans/LC_MESSAGES/django.mo.
    assert "村务公开" in page_text(signs, 1)


def test_it_prints_the_public_url_and_the_supervision_phone(signs):
    wumiao = page_text(signs, 2)
    assert f"{BASE_URL}/v/371603201201/" in wumiao
    assert "?qr" not in wumiao  # the scan marker is in the code only, not for typing
    assert "0543-7362201" in wumiao
    yanjia = page_text(signs, 1)
    assert f"{BASE_URL}/v/371603102203/" in yanjia
    assert "0543-7351102" in yanjia


def test_it_prints_the_date_it_was_printed(tmp_path, wumiao):
    path = write_signs(tmp_path, [wumiao], printed_on=datetime.date(2026, 10, 5))
    assert "2026-10-05" in page_text(path, 1)


def test_it_embeds_noto_sans_cjk_regular_and_bold(signs):
    fonts = embedded_fonts(signs)
    cjk = [name for name in fonts if re.match(r"Noto.?Sans.?CJK.?SC", name, re.I)]
    assert [name for name in cjk if "bold" not in name.lower()], fonts
    assert [name for name in cjk if "bold" in name.lower()], fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"


def test_it_has_a_glyph_for_every_character(tmp_path, caplog, base_url, wumiao, yanjia):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    write_signs(tmp_path, [wumiao, yanjia])
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


def test_it_would_notice_a_missing_glyph(tmp_path, caplog, liguo):
    # The check above is only worth something if WeasyPrint's warning reaches caplog.
    # U+E000 is in the private use area: no installed font draws it.
    village = factories.make_village(liguo, "371603201299", "\ue000村")
    caplog.set_level(logging.WARNING, logger="weasyprint")
    write_signs(tmp_path, [village])
    assert any(".notdef glyph rendered" in r.getMessage() for r in caplog.records)


def test_it_encodes_the_village_sign_url_in_the_qr_code(tmp_path, base_url, wumiao):
    path = write_signs(tmp_path, [wumiao])
    image = tmp_path / "page"
    poppler("pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1", path, image)
    codes = zxingcpp.read_barcodes(Image.open(f"{image}.png"))
    assert [(code.format, code.text) for code in codes] == [
        (zxingcpp.BarcodeFormat.QRCode, "https://cun.example.cn/v/371603201201/?qr")
    ]
    # The marker counts the scan (villages/visits.py); the printed text stays clean.
    assert codes[0].text == wumiao.sign_url
