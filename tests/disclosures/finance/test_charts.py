"""The year page's charts: inline SVG drawn on the server, readable without colour."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from disclosures.finance import charts
from tests.disclosures.finance.finance_helpers import EXPENSE, INCOME, published_month

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def parse(svg):
    """Well-formed XML, or this raises."""
    return ET.fromstring(str(svg))


def texts(root):
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


MONTHS = [("一月", D("70000"), D("39800.40")), ("二月", None, None), ("三月", D("4500"), D("0"))]


def test_month_bars_is_valid_svg_with_title_desc_and_role():
    root = parse(charts.month_bars(MONTHS, title="2026年每月收支", description="说明文字"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
    assert root.get("width") == "100%"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "2026年每月收支"
    assert desc.text == "说明文字"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_month_bars_write_every_amount_and_label_as_text():
    with translation.override("zh-hans"):
        labels = texts(parse(charts.month_bars(MONTHS, title="t", description="d")))

    assert {"一月", "二月", "三月"} <= set(labels)
    assert "+70,000" in labels
    assert "−39,800" in labels
    assert "+4,500" in labels
    assert "−0" in labels
    assert "未公开" in labels
    # The legend says which bar is which in words, not colour alone.
    assert any("收入" in label and "实心" in label for label in labels)
    assert any("支出" in label and "斜纹" in label for label in labels)


def test_income_and_expense_differ_by_pattern_not_only_colour():
    root = parse(charts.month_bars(MONTHS, title="t", description="d", chart_id="m"))

    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.get("height") == "15"}
    assert "url(#m-stripes)" in fills
    assert root.find(f".//{SVG}pattern").get("id") == "m-stripes"


def test_bars_are_proportional_and_fit_the_drawing():
    root = parse(charts.month_bars(MONTHS, title="t", description="d"))

    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") == "15"]
    assert max(widths) == charts.WIDTH - charts.LABEL_WIDTH - charts.NUMBER_WIDTH
    assert widths[1] == pytest.approx(max(widths) * 39800.40 / 70000, abs=0.1)
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x", 0)) + float(rect.get("width")) <= charts.WIDTH


def test_category_bars_name_each_category_with_share_and_amount():
    rows = [("公益支出", D("36500"), D("78.6")), ("管理费用", D("9924.50"), D("21.4"))]

    root = parse(charts.category_bars(rows, title="各科目支出", description="d"))

    labels = texts(root)
    assert "公益支出 · 78.6%" in labels
    assert "−36,500" in labels
    assert "−9,925" in labels  # rounded to the yuan; the table has the exact figure
    assert root.get("role") == "img"


def test_an_empty_category_chart_says_so():
    with translation.override("en"):
        root = parse(charts.category_bars([], title="t", description="d"))

    assert texts(root) == ["None"]


def test_everything_is_escaped_and_there_is_no_script():
    evil = '<script>alert("x")</script>&'
    svg = str(
        charts.category_bars([(evil, D("1"), None)], title=evil, description=evil)
        + charts.month_bars([(evil, D("1"), D("2"))], title=evil, description=evil)
    )

    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    for part in re.findall(r"<svg.*?</svg>", svg, re.S):
        parse(part)


def test_the_year_page_charts_are_valid_and_labelled(client, yanjia):
    published_month(
        yanjia,
        2026,
        1,
        [
            (5, "记01-001", "土地承包费", INCOME, "经营收入", "50000"),
            (12, "记01-002", "道路硬化工程款", EXPENSE, "公益支出", "30000"),
            (20, "记01-003", "村干部报酬", EXPENSE, "管理费用", "9800"),
        ],
    )

    content = client.get("/v/371603102203/finance/2026/").content.decode()

    svgs = re.findall(r"<svg.*?</svg>", content, re.S)
    assert len(svgs) == 2
    months, categories = (parse(svg) for svg in svgs)
    assert months.find(f"{SVG}title").text == "2026年每月收入与支出"
    assert "+50,000" in texts(months)
    assert "−39,800" in texts(months)
    assert texts(months).count("未公开") == 11
    assert categories.find(f"{SVG}title").text == "2026年各科目支出"
    assert "公益支出 · 75.4%" in texts(categories)
    assert "−30,000" in texts(categories)
    assert "50,000" in categories.find(f"{SVG}desc").text or "39,800" in (
        categories.find(f"{SVG}desc").text
    )
    assert "<script" not in content
    # Ids are unique on the page.
    ids = re.findall(r'id="([^"]+)"', content)
    assert len(ids) == len(set(ids))
