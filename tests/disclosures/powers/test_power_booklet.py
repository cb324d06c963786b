"""The printed booklet of a village's power lists, read back with Poppler's tools.

Rendering the whole list takes seconds, so it is rendered once for this module, inside a
transaction that is rolled back afterwards, with WeasyPrint's warnings collected.
"""

import datetime
import logging
import re
from contextlib import contextmanager

import pytest
from django.db import transaction

from disclosures.powers import booklet as booklets
from disclosures.powers import list_template as template
from disclosures.powers.demo import create_demo_power_lists
from tests import factories
from tests.villages.test_signs import embedded_fonts, page_count, page_text, poppler
from villages.models import Village

PRINTED_ON = datetime.date(2026, 10, 5)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings():
    """Collects WeasyPrint's warnings (caplog is per test; the booklet is per module)."""
    warnings = Collect()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.addHandler(warnings)
    logger.setLevel(logging.WARNING)
    try:
        yield warnings.messages
    finally:
        logger.removeHandler(warnings)
        logger.setLevel(level)


@pytest.fixture(scope="module")
def booklet(django_db_setup, django_db_blocker, tmp_path_factory):
    """(path, WeasyPrint warnings) of 五庙村's booklet: 40 positive and 30 negative items."""
    path = tmp_path_factory.mktemp("booklet") / "powers.pdf"
    with weasyprint_warnings() as warnings, django_db_blocker.unblock(), transaction.atomic():
        liguo = factories.make_township("371603201", "利国乡")
        factories.make_village(liguo, "371603201201", "五庙村")
        create_demo_power_lists()
        village = Village.objects.with_places().get(code="371603201201")
        path.write_bytes(booklets.render_booklet(village, printed_on=PRINTED_ON))
        transaction.set_rollback(True)
    return path, warnings


@pytest.fixture(scope="module")
def pdf(booklet):
    return booklet[0]


@pytest.fixture(scope="module")
def text(pdf):
    """The whole text without line breaks or spaces: table cells wrap long lines."""
    return re.sub(r"\s+", "", poppler("pdftotext", str(pdf), "-"))


def test_it_is_a4(pdf):
    assert "(A4)" in poppler("pdfinfo", str(pdf))


def test_the_cover_names_the_village_township_district_and_date(pdf):
    cover = page_text(pdf, 1)
    assert "小微权力清单" in cover
    assert "五庙村" in cover
    assert "滨州市沾化区 · 利国乡" in cover
    assert "正面清单 40 项 · 负面清单 30 项" in cover
    assert "其中党务纪律事项8项、村务纪律事项9项。" in cover
    assert "2026年10月5日" in cover
    assert "第 1 页" not in cover


def test_it_has_a_table_of_contents_with_page_numbers(pdf):
    contents = page_text(pdf, 2)
    assert "目录" in contents
    assert "一、正面清单" in contents
    assert "二、负面清单" in contents
    # Each positive item is listed with the page it starts on (one item a page, from 3).
    assert re.search(r"1\. 发展党员[ .]*3\n", contents), contents
    assert re.search(r"40\. 村集体光伏电站收益分配[ .]*42\n", contents), contents


def test_it_prints_every_item(text):
    for row in template.POSITIVE:
        assert f"{row['number']}.{row['name']}" in text
    for row in template.NEGATIVE:
        assert re.sub(r"\s+", "", row["act"]) in text
    assert "39.冬枣产业扶持资金申报" in text
    assert "40.村集体光伏电站收益分配" in text
    assert "本村增设" in text
    assert "利国乡增设" in text


def test_it_names_the_disciplinary_matters(text):
    assert text.count("纪律事项（党务）") == 8
    assert text.count("纪律事项（村务）") == 9


def test_each_positive_item_has_its_flowchart(pdf):
    leasing = next(page for page in range(3, 45) if "15. 村集体资产租赁" in page_text(pdf, page))
    flat = re.sub(r"\s+", "", page_text(pdf, leasing))
    row = next(row for row in template.POSITIVE if row["number"] == 15)
    # pdftotext may read a box's small step label after its actor, so the labels and the
    # lines of the boxes are checked in order separately.
    labels = [flat.index(f"第{number}步") for number in range(1, len(row["steps"]) + 1)]
    assert labels == sorted(labels)
    actions = [flat.index(action) for _actor, action, _limit in row["steps"]]
    assert actions == sorted(actions)
    limits = [flat.index(f"时限：{limit}") for _actor, _action, limit in row["steps"]]
    assert limits == sorted(limits)
    assert all(actor in flat for actor, _action, _limit in row["steps"])
    assert "法律依据" in flat
    assert "风险点" in flat
    assert "公开内容" in flat


def test_it_prints_the_negative_list_with_consequences(text):
    assert "二、负面清单" in text
    assert "禁止行为违反后果" in text
    assert "依照《中华人民共和国个人信息保护法》承担法律责任" in text


def test_every_page_but_the_cover_is_numbered(pdf):
    pages = page_count(pdf)
    assert pages >= 44  # cover, contents, 40 items, the negative list
    for page in range(2, pages + 1):
        assert f"第 {page} 页 / 共 {pages} 页" in page_text(pdf, page), page


def test_it_embeds_noto_sans_cjk_regular_and_bold(pdf):
    fonts = embedded_fonts(pdf)
    cjk = [name for name in fonts if re.match(r"Noto.?Sans.?CJK.?SC", name, re.I)]
    assert [name for name in cjk if "bold" not in name.lower()], fonts
    assert [name for name in cjk if "bold" in name.lower()], fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"


def test_it_has_a_glyph_for_every_character(booklet):
    _path, warnings = booklet
    assert [message for message in warnings if ".notdef" in message] == []
    assert warnings == []


def test_it_would_notice_a_missing_glyph(liguo):
    # The check above is only worth something if the warning reaches the collector.
    # U+E000 is in the private use area: no installed font draws it.
    village = factories.make_village(liguo, "371603201299", "\ue000村")
    with weasyprint_warnings() as warnings:
        booklets.render_booklet(Village.objects.with_places().get(pk=village.pk))
    assert any(".notdef glyph rendered" in message for message in warnings)


def test_the_url_serves_the_booklet_made_once_by_the_worker(
    client, monkeypatch, wumiao, pdf_worker
):
    rendered = []

    def fake_render(village, printed_on=None):
        rendered.append((village.code, printed_on))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(booklets, "render_booklet", fake_render)
    url = "/v/371603201201/powers/booklet.pdf"

    assert client.get(url).status_code == 202  # queued; the worker makes it
    assert pdf_worker.get_pdf(client, url) == b"%PDF-1.7 fake"
    second = client.get(url)

    assert second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    assert second["Content-Disposition"].startswith('inline; filename="371603201201-powers-')
    assert b"".join(second.streaming_content) == b"%PDF-1.7 fake"
    assert len(rendered) == 1

    create_demo_power_lists()  # the list changes: the next booklet is new
    pdf_worker.get_pdf(client, url)
    assert len(rendered) == 2


def test_an_unknown_village_has_no_booklet(client, db):
    assert client.get("/v/371603999999/powers/booklet.pdf").status_code == 404
