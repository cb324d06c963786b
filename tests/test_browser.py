"""The public pages in a real phone browser: Debian's Chromium driven by Playwright.

A villager scans the sign with WeChat on a cheap Android phone. The pages must work with
JavaScript off and must never scroll sideways at 360 CSS pixels, in Chinese or English,
even with long descriptions and seven-figure amounts. Full-page screenshots are written
to artifacts/browser/ for a person to look at.

Run with: .venv/bin/pytest tests/test_browser.py -q  (or -m browser)
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from disclosures.models import FundingSource, Kind, LedgerCorrection, LedgerEntry
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"

# No internet here: without the background-networking flags Chromium keeps trying (and
# failing) to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} not found: install Debian's chromium package to run browser tests",
    ),
]

PHONE_WIDTH = 360
PHONE_HEIGHT = 740
WECHAT_ANDROID_UA = (
    "Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 "
    "Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230303 MMWEBID/1234 "
    "MicroMessenger/8.0.34.2340(0x28002237) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64"
)

LANGUAGES = {
    # name: (Accept-Language, <html lang>, screenshot suffix)
    "zh": ("zh-CN,zh;q=0.9", "zh-CN", ""),
    "en": ("en-US,en;q=0.9", "en", "-en"),
}

VILLAGE_CODE = "371603201201"
BIG_AMOUNT = "1,234,567.89"
HUGE_AMOUNT = "12,345,678.90"  # a rich village's year-end transfer: too wide for 2×2

LONG_DESCRIPTIONS = [
    "支付村东头至小学段道路硬化工程第二期进度款（含沥青、碎石、人工及机械租赁费用），"
    "经村民代表大会讨论通过并报乡镇审核",
    "收到上级财政拨付的农村人居环境整治专项资金，用于村内主干道两侧绿化、路灯安装及"
    "垃圾分类收集点建设",
    "支付合同编号HT2026091500012345678ZHANHUALIGUOWUMIAO的机井维修费",
    "村集体机动地对外发包租金收入（第三村民小组东洼地块，面积一百二十亩，租期一年）",
    "支付村两委成员误工补贴",
    "购买办公用品",
]


def _busy_month(village, year, month, entries, big="1234567.89"):
    """A published month like a real one: long Chinese descriptions, names, mixed funding
    sources, and one entry of `big` yuan."""
    ledger = factories.make_month(
        village, year, month, entries=0, opening="2345678.90", published=False
    )
    income = factories.category(Kind.INCOME, "经营收入")
    expense = factories.category(Kind.EXPENSE, "管理费用")
    sources = list(FundingSource.values)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            ledger=ledger,
            date=datetime.date(year, month, 1 + number % 28),
            voucher_number=f"记{number:04d}",
            description=LONG_DESCRIPTIONS[number % len(LONG_DESCRIPTIONS)],
            kind=Kind.INCOME if number % 3 == 1 else Kind.EXPENSE,
            category=income if number % 3 == 1 else expense,
            amount=Decimal(big) if number == 1 else Decimal("98765.43") + number,
            funding_source=sources[number % len(sources)],
            handled_by="王建国" if number % 2 else "",
            approved_by="李秀英（村务监督委员会主任）" if number % 4 == 0 else "",
        )
        for number in range(entries)
    )
    return factories.publish(ledger)


@pytest.fixture
def busy_village(wumiao):
    """五庙村 with a quiet month, a busy month with an eight-digit entry, and a busy latest
    month with a seven-digit one."""
    factories.make_month(wumiao, 2026, 8, entries=5)
    _busy_month(wumiao, 2026, 9, entries=18, big=HUGE_AMOUNT.replace(",", ""))
    _busy_month(wumiao, 2026, 10, entries=25)
    return wumiao


@contextmanager
def phone_page(accept_language, *, javascript=False, bypass_csp=False):
    """A WeChat-on-Android page, JavaScript disabled unless asked, in a fresh Chromium.

    Started inside the test, after the data exists, and closed before the database is
    flushed: while sync_playwright is running it marks an asyncio loop as running in this
    thread, and Django then hands this thread a different database connection.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
                screen={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                user_agent=WECHAT_ANDROID_UA,
                java_script_enabled=javascript,
                # The accessibility test injects axe-core, which the portal's CSP refuses.
                bypass_csp=bypass_csp,
                extra_http_headers={"Accept-Language": accept_language},
            )
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()


# page.evaluate still runs with java_script_enabled=False: Playwright evaluates through
# the DevTools protocol, while the page's own scripts stay off (checked below).
MEASURE = """() => {
    const width = window.innerWidth;
    const describe = (el) => `${el.tagName.toLowerCase()}.${el.className}`;
    const visible = (el) => el.getClientRects().length > 0;
    // Anything reaching past the screen's edges.
    const overflowing = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.width && (box.right > width + 0.5 || box.left < -0.5)) {
            overflowing.push(`${describe(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
        }
    }
    // Anything spilling out of its white card, into the padding or beyond.
    const outsideCard = [];
    for (const card of document.querySelectorAll(".card")) {
        const box = card.getBoundingClientRect();
        const style = getComputedStyle(card);
        const right = box.right - parseFloat(style.paddingRight) + 0.5;
        for (const el of card.querySelectorAll("*")) {
            if (visible(el) && el.getBoundingClientRect().right > right) {
                outsideCard.push(describe(el));
            }
        }
    }
    // Numbers cut off or running out of their box.
    const clipped = [...document.querySelectorAll("td.amount, dl.summary dd")]
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map((el) => el.textContent.trim());
    // The smallest type that carries text.
    let smallest = {size: Infinity, element: null};
    for (const el of document.body.querySelectorAll("*")) {
        const hasText = [...el.childNodes].some(
            (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
        // SVG text is drawn at the scale of its chart's viewBox.
        const scale = el.getScreenCTM ? el.getScreenCTM().a : 1;
        const size = parseFloat(getComputedStyle(el).fontSize) * scale;
        if (hasText && visible(el) && size < smallest.size) {
            smallest = {size, element: `${describe(el)}: ${el.textContent.trim().slice(0, 20)}`};
        }
    }
    const description = document.querySelector("table.ledger td.description");
    return {
        innerWidth: width,
        scrollWidth: document.documentElement.scrollWidth,
        bodyScrollWidth: document.body.scrollWidth,
        overflowing: overflowing.slice(0, 10),
        outsideCard: outsideCard.slice(0, 10),
        clipped,
        smallest,
        descriptionWidth: description ? description.getBoundingClientRect().width : null,
        headerBackground: getComputedStyle(document.querySelector("header.site")).backgroundColor,
    };
}"""


def assert_no_sideways_scroll(page):
    """Nothing sticks out past 360px or out of its card, no number is cut off, and no
    text is smaller than 17 CSS px. Returns the measurements."""
    metrics = page.evaluate(MEASURE)
    assert metrics["headerBackground"] == "rgb(155, 24, 24)", "portal.css was not applied"
    assert metrics["innerWidth"] == PHONE_WIDTH
    assert metrics["scrollWidth"] <= metrics["innerWidth"], metrics
    assert metrics["bodyScrollWidth"] <= metrics["innerWidth"], metrics
    assert metrics["overflowing"] == [], metrics
    assert metrics["outsideCard"] == [], metrics
    assert metrics["clipped"] == [], metrics
    # For older eyes: no text under 17 CSS px.
    assert metrics["smallest"]["size"] >= 17, metrics["smallest"]
    return metrics


def assert_fits_phone(page, *, rows):
    """The month table is there, complete, readable, and nothing sticks out past 360px."""
    assert page.locator("main h1").is_visible()
    # The month's own entries; a correction's adjusting entries follow in tables of their own.
    table = page.locator("table.ledger").first
    assert table.is_visible()
    assert table.locator("tbody tr").count() == rows

    metrics = assert_no_sideways_scroll(page)
    # Descriptions read as lines, not as a narrow column of five characters.
    assert metrics["descriptionWidth"] >= 0.6 * PHONE_WIDTH, metrics

    box = table.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE_WIDTH


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_village_pages_fit_a_phone_without_javascript(live_server, busy_village, language):
    accept_language, html_lang, suffix = LANGUAGES[language]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"

    with phone_page(accept_language) as page:
        # The address printed on the sign; the latest month is shown in full.
        response = page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == html_lang
        assert "五庙村" in page.title()
        assert page.locator("header.site .title").inner_text() == "五庙村"
        assert "2026" in page.locator("main h1").inner_text()
        assert_fits_phone(page, rows=25)
        assert page.locator("td.amount", has_text=BIG_AMOUNT).is_visible()
        page.screenshot(path=ARTIFACTS / f"village-{size}{suffix}.png", full_page=True)

        # A plain link to an earlier month: no JavaScript needed to get there.
        page.locator("ul.months a[href$='/finance/2026-09/']").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/finance/2026-09/")
        assert page.locator("html").get_attribute("lang") == html_lang
        assert "五庙村" in page.title()
        assert "2026" in page.locator("main h1").inner_text()
        assert_fits_phone(page, rows=18)
        assert page.locator("td.amount", has_text=HUGE_AMOUNT).is_visible()
        assert page.locator("a[rel=prev][href$='/finance/2026-08/']").is_visible()
        assert page.locator("a[rel=next][href$='/finance/2026-10/']").is_visible()
        page.screenshot(path=ARTIFACTS / f"month-{size}{suffix}.png", full_page=True)


@pytest.fixture
def corrected_village(busy_village):
    """The busy September (with its eight-digit entry) corrected twice after publication:
    a long reason, a reversal and a missed line."""
    september = busy_village.ledger_months.get(year=2026, month=9)
    for reason, lines in [
        (
            "凭证记0002金额录入错误，原录 98,767.43 元，应为 9,876.74 元；"
            "经村务监督委员会核实，冲减多记部分 88,890.69 元，原凭证保持不变。",
            [("冲减多记的机井维修费", Kind.EXPENSE, "-88890.69")],
        ),
        ("漏记9月30日银行存款利息。", [("银行存款利息", Kind.INCOME, "1234567.89")]),
    ]:
        correction = LedgerCorrection.objects.create(ledger=september, reason=reason)
        for number, (description, kind, amount) in enumerate(lines):
            LedgerEntry.objects.create(
                ledger=september,
                correction=correction,
                date=datetime.date(2026, 9, 30),
                voucher_number=f"更{correction.pk:02d}-{number:02d}",
                description=description,
                kind=kind,
                category=factories.category(
                    kind, "经营收入" if kind == Kind.INCOME else "管理费用"
                ),
                amount=Decimal(amount),
                approved_by="李秀英（村务监督委员会主任）",
            )
        factories.publish(correction)
    return busy_village


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_year_page_and_corrections_fit_a_phone(live_server, corrected_village, language):
    accept_language, html_lang, suffix = LANGUAGES[language]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"

    with phone_page(accept_language) as page:
        # From the village page, the year's link: a plain link again.
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        page.locator("h3.year a[href$='/finance/2026/']").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/finance/2026/")
        assert page.locator("html").get_attribute("lang") == html_lang
        assert "2026" in page.locator("main h1").inner_text()
        assert page.locator("table.months tbody tr").count() == 12
        assert page.locator("table.months td.not-published").count() == 9
        assert_no_sideways_scroll(page)
        # Both charts are drawn, fill the column, and scale up rather than down: their
        # 14-unit text is at least 14 pixels on the screen.
        charts = page.locator("svg.chart[role=img]")
        assert charts.count() == 2
        for index in range(2):
            box = charts.nth(index).bounding_box()
            assert box is not None and box["width"] >= 300, box
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
        page.screenshot(path=ARTIFACTS / f"year-{size}{suffix}.png", full_page=True)

        # The corrected month: the original 18 lines, then the corrections.
        page.locator("table.months a[href$='/finance/2026-09/']").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/finance/2026-09/")
        assert_fits_phone(page, rows=18)
        corrections = page.locator("#corrections")
        assert corrections.is_visible()
        assert corrections.locator("article.correction").count() == 2
        assert corrections.locator("tr.adjustment").count() == 2
        assert corrections.locator("dl.summary").count() == 2
        assert page.locator("td.amount", has_text=HUGE_AMOUNT).is_visible()
        page.screenshot(path=ARTIFACTS / f"month-corrected-{size}{suffix}.png", full_page=True)


def test_measuring_works_with_page_scripts_disabled():
    """Guards the assumption above: page.evaluate works, the page's own scripts do not."""
    with phone_page("zh-CN") as page:
        page.set_content(
            '<div style="width: 500px">wide</div><script>window.pageScriptRan = true</script>'
        )
        assert page.evaluate("typeof window.pageScriptRan") == "undefined"
        assert page.evaluate("document.documentElement.scrollWidth") > PHONE_WIDTH


FITS = """() => {
    const width = window.innerWidth;
    const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => { const box = el.getBoundingClientRect();
                          return box.width && (box.right > width + 0.5 || box.left < -0.5); })
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    const boxes = [...document.querySelectorAll("ol.flow .flow-box")]
        .map((el) => el.getBoundingClientRect());
    return {
        innerWidth: width,
        scrollWidth: document.documentElement.scrollWidth,
        wide: wide.slice(0, 10),
        stacked: boxes.every((box, i) => i === 0 || box.top > boxes[i - 1].bottom),
        boxes: boxes.length,
        actorWeight: boxes.length
            ? getComputedStyle(document.querySelector(".flow-actor")).fontWeight : null,
    };
}"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_power_item_flowchart_fits_a_phone_without_javascript(live_server, wumiao):
    from disclosures.powers.demo import create_demo_power_lists
    from disclosures.powers.models import PowerItem

    create_demo_power_lists()
    leasing = PowerItem.objects.get(district__code="371603", kind="positive", number=15)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with phone_page(LANGUAGES["zh"][0]) as page:
        response = page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/powers/{leasing.pk}/")
        assert response is not None and response.status == 200
        assert page.locator("main h1").inner_text() == "15. 村集体资产租赁"
        metrics = page.evaluate(FITS)
        assert metrics["innerWidth"] == PHONE_WIDTH
        assert metrics["scrollWidth"] <= PHONE_WIDTH, metrics
        assert metrics["wide"] == [], metrics
        assert metrics["boxes"] == 6 and metrics["stacked"], metrics
        assert int(metrics["actorWeight"]) >= 700, metrics
        page.screenshot(
            path=ARTIFACTS / f"power-item-{PHONE_WIDTH}x{PHONE_HEIGHT}.png", full_page=True
        )

        # Back to both lists, by a plain link.
        page.locator("nav.crumbs a").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/powers/")
        assert page.locator("ol.powers > li").count() == 70
        metrics = page.evaluate(FITS)
        assert metrics["scrollWidth"] <= PHONE_WIDTH, metrics
        assert metrics["wide"] == [], metrics
        page.screenshot(
            path=ARTIFACTS / f"power-list-{PHONE_WIDTH}x{PHONE_HEIGHT}.png", full_page=True
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_asking_about_a_line_on_a_phone_without_javascript(live_server, busy_village):
    """From a line of the month to the form, sent, and followed by its code: plain links
    and a plain form, in WeChat's browser with scripts off."""
    from disclosures.questions.models import Question

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"
    with phone_page(LANGUAGES["zh"][0]) as page:
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/finance/2026-09/")
        page.locator("table.ledger a.ask").first.click()
        page.wait_for_url("**/ask/?entry=*")
        assert page.locator("main h1").inner_text() == "向村里提问"
        # The honeypot is in the page for robots, not shown to people.
        assert page.locator("form.ask .trap").count() == 1
        assert page.locator("form.ask .trap").is_hidden()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"ask-{size}.png", full_page=True)

        # Too short: refused with the reason, what was typed still there.
        page.fill("#id_text", "啥钱")
        page.fill("#id_name", "王秀英")
        page.locator("form.ask button[type=submit]").click()
        assert "请至少写" in page.locator("form.ask .error").inner_text()
        assert page.input_value("#id_name") == "王秀英"

        page.fill("#id_text", "这笔机井维修费是给谁的？")
        page.locator("form.ask button[type=submit]").click()
        page.wait_for_url("**/q/*/?sent=1")
        shown_code = page.locator(".tracking-code strong").inner_text()
        assert "王秀英" not in page.content()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"question-sent-{size}.png", full_page=True)

        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/questions/")
        assert "这笔机井维修费是给谁的？" in page.locator("article.question").inner_text()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"questions-{size}.png", full_page=True)
    # The database only once the browser is closed (see phone_page).
    question = Question.objects.get()
    assert question.display_code == shown_code
    assert question.asker_name == "王秀英"
    assert (question.entry.ledger.year, question.entry.ledger.month) == (2026, 9)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sunshine_reports_fit_a_phone_without_javascript(live_server, wumiao, accountant, reviewer):
    """The quarters, each cadre's scores as a plain table, and one meeting's 述问定评."""
    from disclosures.affairs.demo import create_demo_cadres
    from disclosures.sunshine.demo import create_demo_sunshine_reports

    create_demo_cadres(wumiao)
    create_demo_sunshine_reports(wumiao)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"
    with phone_page(LANGUAGES["zh"][0]) as page:
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        page.locator("nav.quick-links a", has_text="阳光述职").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/sunshine/")
        assert page.locator("main h1").inner_text() == "阳光述职"
        assert "韩兴和" in page.content()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"sunshine-{size}.png", full_page=True)

        page.locator("main a[href*='/sunshine/20']").first.click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/sunshine/*-q*/")
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"sunshine-report-{size}.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_registers_fit_a_phone_without_javascript(live_server, wumiao, accountant, reviewer):
    """The three registers, a contract with its rent year by year and its flags, and an
    asset with its versions: reached by plain links from the village page."""
    from disclosures.assets.demo import create_demo_registers

    create_demo_registers(wumiao)
    factories.make_month(wumiao, 2024, 1)  # the village's finance lists begin
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"
    with phone_page(LANGUAGES["zh"][0]) as page:
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        page.locator("nav.quick-links a", has_text="集体资产、资源和合同").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/registers/")
        assert page.locator("main h1").inner_text() == "集体资产、资源和合同"
        assert page.locator("li.late", has_text="逾期未收").is_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"registers-{size}.png", full_page=True)

        page.locator("#contracts a", has_text="HT-002").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/contracts/HT-002/")
        assert page.locator(".instalments .late", has_text="逾期未收").first.is_visible()
        assert page.locator("table.rent-years").is_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / f"contract-{size}.png", full_page=True)

        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/registers/")
        page.locator("#assets a", has_text="ZC-007").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/assets/ZC-007/")
        assert page.locator("#versions li").count() == 1
        assert_no_sideways_scroll(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_quarterly_ranking_reads_on_a_phone_without_javascript(live_server, wumiao, dongying):
    """From the village page's standing to its line of the township's ranking, the
    breakdown and the formula: plain links, nothing sideways."""
    from disclosures.compliance import ranking

    factories.make_month(wumiao, 2026, 8, entries=3)
    ranking.publish(
        wumiao.township, 2026, 3, now=datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC)
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with phone_page(LANGUAGES["zh"][0]) as page:
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        page.locator("#ranking a", has_text="积分明细").click()
        page.wait_for_url(f"**/t/{wumiao.township.code}/ranking/2026-Q3/#v{VILLAGE_CODE}")
        assert page.locator(f"#v{VILLAGE_CODE} h2").is_visible()
        assert page.locator("#formula").is_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=ARTIFACTS / "ranking.png", full_page=True)
        page.locator("nav.crumbs a").click()
        page.wait_for_url(f"**/t/{wumiao.township.code}/")
        assert page.locator("#rankings a").count() == 1
        assert_no_sideways_scroll(page)
