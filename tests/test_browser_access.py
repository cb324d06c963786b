"""What an elderly villager sees on a cheap phone: the money on the first screen, large
type, large targets, strong contrast, and no sideways scrolling at 200 % text size.

Debian's Chromium at 360x740 with WeChat's user agent, as in tests/test_browser.py.
"""

import io
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.management import call_command

from tests.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    LANGUAGES,
    PHONE_HEIGHT,
    PHONE_WIDTH,
    VILLAGE_CODE,
    busy_village,  # noqa: F401 (a fixture the tests use)
    phone_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]

FIRST_SCREEN = """() => {
    const top = (selector) => {
        const el = document.querySelector(selector);
        return el ? el.getBoundingClientRect().top + window.scrollY : null;
    };
    const bottom = (selector) => {
        const el = document.querySelector(selector);
        return el ? el.getBoundingClientRect().bottom + window.scrollY : null;
    };
    const amounts = [...document.querySelectorAll("section.money dl.summary dd")]
        .map((el) => ({text: el.textContent.trim(),
                       bottom: el.getBoundingClientRect().bottom + window.scrollY}));
    return {
        firstMoneyTop: top("section.money dl.summary dd"),
        amounts,
        linesLinkBottom: bottom("section.money a[href='#entries']"),
        timelinessBottom: bottom("section.money .timeliness-line"),
        quickLinksTop: top("nav.quick-links"),
        columns: [...new Set([...document.querySelectorAll("nav.quick-links li")]
            .map((el) => Math.round(el.getBoundingClientRect().left)))].length,
        pageHeight: document.documentElement.scrollHeight,
    };
}"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_screen_is_the_money(live_server, busy_village, language):  # noqa: F811
    accept_language, _, suffix = LANGUAGES[language]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with phone_page(accept_language) as page:
        page.goto(f"{live_server.url}/v/{VILLAGE_CODE}/")
        metrics = page.evaluate(FIRST_SCREEN)
        page.screenshot(path=ARTIFACTS / f"village-first-screen{suffix}.png")
    print("first screen:", metrics)
    # Opening, income, expense and closing balance, all above the fold.
    assert len(metrics["amounts"]) == 4, metrics
    assert metrics["firstMoneyTop"] < 250, metrics
    assert all(amount["bottom"] <= PHONE_HEIGHT for amount in metrics["amounts"]), metrics
    assert "1,234,567.89" not in metrics["amounts"][0]["text"]  # the totals, not a line
    assert metrics["linesLinkBottom"] <= PHONE_HEIGHT, metrics
    assert metrics["timelinessBottom"] <= PHONE_HEIGHT, metrics
    # The module links follow, two to a row.
    assert metrics["quickLinksTop"] > metrics["timelinessBottom"]
    assert metrics["columns"] == 2, metrics
    assert PHONE_WIDTH == 360


# axe-core, from npm (package.json; `make test` runs `npm ci`). Injected into each page by
# Playwright: the pages themselves carry no script.
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.x A and AA, plus AAA's enhanced contrast (7:1): older eyes, bright sunlight.
AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                         "wcag22aa", "best-practice"]},
        rules: {"color-contrast-enhanced": {enabled: true}},
    });
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 50).map((n) => n.target.join(" ") + " :: "
                                       + (n.failureSummary || "").slice(0, 160)),
    }));
}"""

# Body text and amounts at least 17 CSS px; every link, button and field at least 44x44
# CSS px, except a link inside a sentence (WCAG 2.5.5's exception for inline targets).
EYES = """() => {
    const visible = (el) => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== "hidden";
    const describe = (el) => `${el.tagName.toLowerCase()}.${el.className}`
        + `: ${el.textContent.trim().slice(0, 24)}`;
    const small = [];
    for (const el of document.body.querySelectorAll("*")) {
        const hasText = [...el.childNodes].some(
            (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
        // SVG text is drawn at the scale of its chart's viewBox.
        const scale = el.getScreenCTM ? el.getScreenCTM().a : 1;
        const size = Math.round(parseFloat(getComputedStyle(el).fontSize) * scale * 10) / 10;
        if (hasText && visible(el) && size < 17) small.push(`${describe(el)} (${size}px)`);
    }
    const inSentence = (el) => {
        const parent = el.parentElement;
        return [...parent.childNodes].some((node) => node !== el
            && node.nodeType === Node.TEXT_NODE && /[^\\s·|()（）→›]/.test(node.textContent));
    };
    const tiny = [];
    const targets = "a[href], button, input:not([type=hidden]), textarea, select, summary";
    for (const el of document.querySelectorAll(targets)) {
        if (!visible(el) || el.closest(".trap") || inSentence(el)) continue;
        const box = el.getBoundingClientRect();
        if (box.width < 43.5 || box.height < 43.5) {
            tiny.push(`${describe(el)} (${Math.round(box.width)}x${Math.round(box.height)})`);
        }
    }
    return {small: small.slice(0, 200), tiny: tiny.slice(0, 200)};
}"""

# On a phone the browser widens the layout viewport to fit what overflows: measure against
# the screen's width, not innerWidth.
OVERFLOW = """(width) => {
    const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => {
            const box = el.getBoundingClientRect();
            // A box past the edge, or text running out of its box (nowrap) past it.
            const spills = el.scrollWidth > el.clientWidth + 1
                && box.left + el.scrollWidth > width + 0.5;
            return box.width && (box.right > width + 0.5 || box.left < -0.5 || spills); })
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}: `
                     + el.textContent.trim().slice(0, 32));
    return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 40)};
}"""


# A link shared in WeChat shows a card: every page, error pages included, carries these.
SHARE = """() => {
    const content = (selector) => {
        const el = document.querySelector(selector);
        return el ? el.getAttribute("content").trim() : "";
    };
    const wanted = {
        description: content("meta[name=description]"),
        "og:title": content("meta[property='og:title']"),
        "og:description": content("meta[property='og:description']"),
        "og:image": content("meta[property='og:image']"),
        favicon: document.querySelector("link[rel=icon]") ? "yes" : "",
    };
    return Object.keys(wanted).filter((key) => !wanted[key]);
}"""


def public_pages():
    """One address of every kind of public page, from the demo data: (name, path)."""
    from disclosures.affairs.models import Disclosure
    from disclosures.compliance.models import QuarterlyRanking
    from disclosures.matters.models import MajorMatter
    from disclosures.models import LedgerMonth
    from disclosures.powers.models import PowerItem
    from disclosures.questions.models import Question, QuestionStatus
    from disclosures.sunshine.models import SunshineReport

    village = f"/v/{VILLAGE_CODE}"
    months = LedgerMonth.objects.published().filter(village__code=VILLAGE_CODE)
    latest = months.order_by("-year", "-month").first()
    corrected = months.filter(corrections__status="published").first() or latest
    draft = LedgerMonth.objects.filter(village__code=VILLAGE_CODE).exclude(status="published")
    disclosures = Disclosure.objects.published().filter(village__code=VILLAGE_CODE)
    livelihood = disclosures.filter(rows__isnull=False).distinct().first()
    answered = Question.objects.filter(
        village__code=VILLAGE_CODE, status=QuestionStatus.ANSWERED
    ).first()
    return [
        ("landing", "/"),
        ("district", "/d/371603/"),
        ("township", f"/t/{VILLAGE_CODE[:9]}/"),
        ("search", "/?q=%E4%BA%94%E5%BA%99"),
        ("village", f"{village}/"),
        ("month", corrected.get_absolute_url()),
        ("draft-month", f"{village}/finance/{draft.get().period_slug}/"),
        ("year", f"{village}/finance/{latest.year}/"),
        ("module", f"{village}/m/{disclosures.first().item.module}/"),
        ("disclosure", disclosures.exclude(pk=livelihood.pk).first().get_absolute_url()),
        ("livelihood", livelihood.get_absolute_url()),
        ("cadres", f"{village}/m/cadres/"),
        ("matters", f"{village}/matters/"),
        (
            "matter",
            MajorMatter.objects.filter(village__code=VILLAGE_CODE).first().get_absolute_url(),
        ),
        ("powers", f"{village}/powers/"),
        ("power-item", f"{village}/powers/{PowerItem.objects.filter(kind='positive').first().pk}/"),
        ("sunshine", f"{village}/sunshine/"),
        (
            "sunshine-report",
            SunshineReport.objects.published()
            .filter(village__code=VILLAGE_CODE)
            .first()
            .get_absolute_url(),
        ),
        ("questions", f"{village}/questions/"),
        ("ask", f"{village}/ask/"),
        ("ask-about-a-line", f"{village}/ask/?entry={latest.entries.first().pk}"),
        ("tracking", f"/q/{answered.tracking_code}/"),
        ("track", "/q/"),
        ("track-not-found", "/q/?code=AAAA-AAAA"),
        ("township", "/t/371603201/"),
        (
            "ranking",
            QuarterlyRanking.objects.filter(township__code="371603201").get().get_absolute_url(),
        ),
        ("open-data", "/open-data/"),
    ]


# The error pages, each reached the way a villager reaches it: (name, path, how). `how` is
# None for an address that does not exist, an exception the landing page is made to raise
# for the 400, 403 and 500 pages (through the portal's real handlers), or "post" for a form
# sent without its CSRF cookie (the CSRF failure page).
ERROR_PAGES = [
    ("404", "/no/such/page/", None),
    ("404-of-a-village", f"/v/{VILLAGE_CODE}/matters/999999/", None),
    ("400", "/?q=400", SuspiciousOperation),
    ("403", "/?q=403", PermissionDenied),
    ("500", "/?q=500", RuntimeError),
    ("csrf-failure", "/admin/login/", "post"),
]
STATUS = {"400": 400, "403": 403, "500": 500, "csrf-failure": 403}


@contextmanager
def reached(page, url, how, monkeypatch):
    """The browser at `url` failing as `how` says; the failure undone afterwards."""
    if how == "post":
        page.route(
            url,
            lambda route: route.continue_(
                method="POST",
                post_data="username=x&password=y",
                headers={
                    **route.request.headers,
                    "content-type": "application/x-www-form-urlencoded",
                },
            ),
        )
    elif how is not None:

        def broken(*args, **kwargs):
            raise how("made to fail by the test")

        monkeypatch.setattr("villages.views.render", broken)
    try:
        yield
    finally:
        if how == "post":
            page.unroute(url)
        monkeypatch.undo()


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return public_pages()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} not found: run `npm ci` (make test does)")
def test_every_public_page_reads_well_for_older_eyes(live_server, demo, monkeypatch):
    """axe-core finds nothing, text is at least 17 px, targets at least 44x44 px, the share
    metadata is there, and at 200 % text size nothing runs off the screen: every kind of
    public page and every error page, both languages."""
    axe = AXE.read_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = {}
    pages = [(name, path, None) for name, path in demo] + ERROR_PAGES
    with phone_page(LANGUAGES["zh"][0], javascript=True, bypass_csp=True) as page:
        for language in ("zh-hans", "en"):
            page.goto(f"{live_server.url}/language/{language}/?next=/")
            for name, path, how in pages:
                with reached(page, live_server.url + path, how, monkeypatch):
                    response = page.goto(live_server.url + path)
                expected = (STATUS[name],) if name in STATUS else (200, 404)
                assert response is not None and response.status in expected, (name, path)
                page.add_script_tag(content=axe)
                problems = {
                    "axe": page.evaluate(AXE_RUN),
                    **page.evaluate(EYES),
                    "share metadata missing": page.evaluate(SHARE),
                }
                # 200 % text: the browser's text-size setting scales the root font size.
                page.add_style_tag(content="html { font-size: 36px !important; }")
                large = page.evaluate(OVERFLOW, PHONE_WIDTH)
                if large["scrollWidth"] > PHONE_WIDTH:
                    problems["overflow at 200%"] = large
                problems = {key: value for key, value in problems.items() if value}
                if problems:
                    found[f"{language} {name} {path}"] = problems
    report = json.dumps(found, ensure_ascii=False, indent=1)
    (ARTIFACTS / "access-problems.json").write_text(report)
    assert found == {}, report


def test_large_text_measuring_finds_what_runs_off_the_screen():
    """Guards the 200 % check above: doubling the root font size does push a line of
    numbers that fits at 100 % off a phone's screen, and OVERFLOW sees it."""
    with phone_page(LANGUAGES["zh"][0], javascript=True, bypass_csp=True) as page:
        page.set_content(
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<style>html { font-size: 18px } p { font-size: 1rem; white-space: nowrap; "
            "margin: 0 }</style><p>−12,345,678.90 +1,234,567.89</p>"
        )
        assert page.evaluate(OVERFLOW, PHONE_WIDTH)["scrollWidth"] <= PHONE_WIDTH
        page.add_style_tag(content="html { font-size: 36px !important; }")
        large = page.evaluate(OVERFLOW, PHONE_WIDTH)
        assert large["scrollWidth"] > PHONE_WIDTH
        assert "p.: −12,345,678.90 +1,234,567.89" in large["wide"]
