"""The notice-board poster (公开栏) of a published month, read back the way a villager at
the board or a phone would: text, capital amounts, fonts, pages, and the QR code.

Poppler's command-line tools do the reading, as in tests/villages/test_signs.py.
"""

import datetime
import logging
import re
import subprocess
from decimal import Decimal

import pytest
import zxingcpp
from django.template.loader import render_to_string
from PIL import Image

from disclosures.finance import posters
from disclosures.finance.posters import render_month_poster
from disclosures.models import Kind, LedgerCorrection, LedgerEntry
from tests import factories

BASE_URL = "https://cun.example.cn"
UTC = datetime.UTC


def poppler(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdfinfo(path):
    return poppler("pdfinfo", path)


def page_count(path):
    return int(re.search(r"^Pages:\s+(\d+)$", pdfinfo(path), re.M)[1])


def page_text(path, page=None):
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return poppler("pdftotext", *pages, path, "-")


def flat(text):
    """Text without white space: a table cell may break a line anywhere."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(path):
    fonts = {}
    for line in poppler("pdffonts", path).splitlines()[2:]:
        fields = line.split()
        fonts[fields[0].split("+", 1)[-1]] = fields[-5] == "yes"
    return fonts


def add_entry(month, day, voucher, description, kind, category, amount, correction=None, **kw):
    return LedgerEntry.objects.create(
        ledger=month,
        correction=correction,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=description,
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
        **kw,
    )


def write(tmp_path, month, size="a4", name="poster.pdf"):
    path = tmp_path / name
    path.write_bytes(render_month_poster(month, size))
    return path


@pytest.fixture
def base_url(settings):
    settings.PUBLIC_BASE_URL = BASE_URL
    return BASE_URL


@pytest.fixture
def named_reviewer(db):
    enterer, reviewer = factories.workflow_users()
    enterer.first_name, reviewer.first_name = "王会计", "李明华"
    enterer.save()
    reviewer.save()
    return reviewer


@pytest.fixture
def july(wumiao, named_reviewer):
    """五庙村, July 2026: four entries, published on 3 August, corrected on 12 August."""
    month = factories.make_month(wumiao, 2026, 7, published=False, opening="85210.40")
    add_entry(month, 2, "记07-001", "光伏电站收益分红", Kind.INCOME, "投资收益", "4500")
    add_entry(month, 10, "记07-002", "银行存款利息", Kind.INCOME, "其他收入", "86.35")
    add_entry(
        month,
        15,
        "记07-003",
        "村内环境整治费用",
        Kind.EXPENSE,
        "公益支出",
        "6500",
        handled_by="张建国",
        approved_by="韩兴和",
    )
    add_entry(month, 20, "记07-004", "办公用品笔纸", Kind.EXPENSE, "管理费用", "124.50")
    factories.publish(month, when=datetime.datetime(2026, 8, 3, 2, 0, tzinfo=UTC))
    correction = LedgerCorrection.objects.create(
        ledger=month, reason="记07-003 多记500元，红字冲销"
    )
    add_entry(
        month,
        31,
        "更07-01",
        "冲减环境整治多记",
        Kind.EXPENSE,
        "公益支出",
        "-500",
        correction=correction,
        approved_by="韩兴和",
    )
    factories.publish(correction, when=datetime.datetime(2026, 8, 12, 2, 0, tzinfo=UTC))
    month.refresh_from_db()
    return month


@pytest.fixture
def poster(tmp_path, base_url, july):
    return write(tmp_path, july)


def test_it_prints_the_title_village_township_district_and_period(poster):
    text = page_text(poster, 1)
    assert "五庙村 2026年7月 财务公开榜" in text
    assert "滨州市沾化区" in text
    assert "利国乡" in text
    assert "2026-07-01" in text and "2026-07-31" in text


def test_it_prints_the_summary(poster):
    text = flat(page_text(poster))
    # Opening 85,210.40; income 4,586.35; expense 6,624.50; closing 83,172.25.
    for figure in ["85,210.40", "4,586.35", "6,624.50", "83,172.25"]:
        assert figure in text
    assert "捌万叁仟壹佰柒拾贰元贰角伍分" in text  # the closing balance in capitals


def test_it_prints_every_entry_with_its_amount_in_figures_and_capitals(poster, july):
    text = flat(page_text(poster))
    for entry in july.original_entries():
        assert entry.description in text
        assert entry.voucher_number in text
    assert "6,500.00" in text and "陆仟伍佰元整" in text
    assert "4,500.00" in text and "肆仟伍佰元整" in text
    assert "86.35" in text and "捌拾陆元叁角伍分" in text
    assert "124.50" in text and "壹佰贰拾肆元伍角" in text
    assert "公益支出" in text and "投资收益" in text
    assert "集体自有资金" in text
    assert "张建国" in text and "韩兴和" in text
    # The column headings, in Chinese.
    for heading in ["序号", "凭证号", "摘要", "科目", "大写金额", "资金来源", "经手人", "审批人"]:
        assert heading in text


def test_it_prints_the_correction_with_its_reason_date_and_totals(poster):
    text = flat(page_text(poster))
    assert "更正原因" in text
    assert "记07-003多记500元，红字冲销" in text
    assert "冲减环境整治多记" in text
    assert "-500.00" in text and "负伍佰元整" in text
    assert "2026-08-12" in text
    assert "更正前" in text and "更正后" in text
    # Expense before 6,624.50 and after 6,124.50; closing after 83,672.25.
    assert "6,124.50" in text and "83,672.25" in text


def test_it_prints_who_reviewed_and_the_fingerprint(poster, july):
    text = page_text(poster)
    assert "李明华" in text
    assert "王会计" in text
    assert "2026-08-03" in text
    assert july.short_fingerprint in text
    assert july.fingerprint in flat(text)
    correction = july.corrections.get()
    assert correction.fingerprint in flat(text)


def test_it_prints_in_chinese_whatever_the_request_language(client, base_url, july, pdf_worker):
    url = "/v/371603201201/finance/2026-07/poster.pdf"
    pdf = pdf_worker.get_pdf(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.startswith(b"%PDF")


def test_its_qr_code_opens_the_month_online(tmp_path, poster, july):
    image = tmp_path / "page"
    poppler("pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1", poster, image)
    codes = zxingcpp.read_barcodes(Image.open(f"{image}.png"))
    expected = f"{BASE_URL}/v/371603201201/finance/2026-07/"
    # The code carries the scan marker (villages/visits.py); the printed text does not.
    assert [(code.format, code.text) for code in codes] == [
        (zxingcpp.BarcodeFormat.QRCode, f"{expected}?qr")
    ]
    assert expected == BASE_URL + july.get_absolute_url()
    assert expected in flat(page_text(poster, 1))
    assert "?qr" not in flat(page_text(poster, 1))


def test_it_embeds_noto_sans_cjk_regular_and_bold(poster):
    fonts = embedded_fonts(poster)
    cjk = [name for name in fonts if re.match(r"Noto.?Sans.?CJK.?SC", name, re.I)]
    assert [name for name in cjk if "bold" not in name.lower()], fonts
    assert [name for name in cjk if "bold" in name.lower()], fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"


def test_it_has_a_glyph_for_every_character(tmp_path, caplog, base_url, july):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    write(tmp_path, july)
    write(tmp_path, july, "a3", "a3.pdf")
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


def test_a4_is_the_default_and_a3_on_request(tmp_path, base_url, july):
    a4 = pdfinfo(write(tmp_path, july))
    a3 = pdfinfo(write(tmp_path, july, "a3", "a3.pdf"))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts", a4), a4
    assert re.search(r"Page size:\s+841\.\d+ x 1190\.\d+ pts", a3), a3


def test_a_month_without_entries_says_so(tmp_path, base_url, wumiao):
    month = factories.make_month(wumiao, 2026, 6)
    text = page_text(write(tmp_path, month))
    assert "本月无收支" in text
    assert "更正前" not in text


@pytest.fixture
def long_month(wumiao):
    """300 entries: a busy month, like the village that posts every 24-yuan lunch."""
    return factories.make_month(wumiao, 2026, 5, entries=300)


def test_a_long_month_paginates_with_headers_and_page_numbers(tmp_path, base_url, long_month):
    path = write(tmp_path, long_month)
    pages = page_count(path)
    assert pages > 1
    texts = [page_text(path, page) for page in range(1, pages + 1)]
    for number, text in enumerate(texts, start=1):
        # The table header is repeated on every page that continues the table.
        if number < pages or "测试摘要" in text:
            assert "大写金额" in text, f"page {number} has no table header"
            assert "摘要" in text
        # pdftotext may or may not keep the spaces of "第 2 页 / 共 7 页".
        assert f"第{number}页/共{pages}页" in flat(text)
        if number > 1:
            # The running header: the village and the period.
            assert "五庙村 2026年5月 财务公开榜" in text
    everything = flat("".join(texts))
    for number in (0, 149, 299):
        assert f"测试摘要{number}" in everything
    # No row is split: every entry's voucher appears exactly once, on one page.
    for number in range(300):
        assert sum(f"记{number:04d}" in text for text in texts) == 1


class TestTheView:
    url = "/v/371603201201/finance/2026-07/poster.pdf"

    def test_it_is_public(self, client, base_url, july, pdf_worker):
        pdf_worker.run()
        response = client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "371603201201-2026-07-a4.pdf" in response["Content-Disposition"]
        assert "public" in response["Cache-Control"]

    def test_a3(self, client, tmp_path, base_url, july, pdf_worker):
        path = tmp_path / "a3.pdf"
        path.write_bytes(pdf_worker.get_pdf(client, self.url + "?size=a3"))
        assert re.search(r"Page size:\s+841\.\d+ x 1190\.\d+ pts", pdfinfo(path))

    def test_an_unknown_size_is_not_found(self, client, july):
        assert client.get(self.url + "?size=letter").status_code == 404

    @pytest.mark.parametrize("publish", [False, "submitted"])
    def test_a_draft_or_submitted_month_is_not_found(self, client, wumiao, publish):
        month = factories.make_month(wumiao, 2026, 7, entries=3, published=False)
        if publish == "submitted":
            month.submit(factories.workflow_users()[0])
        assert client.get(self.url).status_code == 404

    def test_another_village_or_month_is_not_found(self, client, july, dongying):
        assert client.get("/v/371603201202/finance/2026-07/poster.pdf").status_code == 404
        assert client.get("/v/371603201201/finance/2026-06/poster.pdf").status_code == 404
        assert client.get("/v/371603209999/finance/2026-07/poster.pdf").status_code == 404

    def test_it_renders_once_until_the_village_publishes_again(
        self, client, monkeypatch, base_url, july, pdf_worker
    ):
        pdf_worker.run()  # the posters publishing queued
        calls = []
        real = posters.render_month_poster

        def counting(month, size):
            calls.append(size)
            return real(month, size)

        monkeypatch.setattr(posters, "render_month_poster", counting)
        first = client.get(self.url)
        second = client.get(self.url)
        assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
        assert calls == []  # from storage: never rendered in a request
        # The browser's copy is still good: 304 without a body.
        again = client.get(self.url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        # A new correction of the month is on the next poster, made once by the worker.
        correction = LedgerCorrection.objects.create(ledger=july, reason="补记漏记利息")
        add_entry(
            july, 31, "更07-02", "补记利息", Kind.INCOME, "其他收入", "3.20", correction=correction
        )
        factories.publish(correction)
        pdf_worker.run()
        third = client.get(self.url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert third.status_code == 200
        assert third["ETag"] != first["ETag"]
        assert calls == ["a4"]


def test_the_month_page_links_to_the_a4_and_a3_posters(wumiao):
    month = factories.make_month(wumiao, 2026, 7)
    html = render_to_string(
        "disclosures/finance/includes/_month_downloads.html", {"village": wumiao, "month": month}
    )
    assert 'href="/v/371603201201/finance/2026-07/poster.pdf"' in html
    assert 'href="/v/371603201201/finance/2026-07/poster.pdf?size=a3"' in html
    year_html = render_to_string(
        "disclosures/finance/includes/_month_downloads.html", {"village": wumiao, "year": 2026}
    )
    assert "poster.pdf" not in year_html
