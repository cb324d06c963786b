"""What an elderly villager sees on a cheap phone: the money on the first screen, large
type, large targets, strong contrast, and no sideways scrolling at 200 % text size.

Debian's Chromium at 360x740 with WeChat's user agent, as in tests/test_browser.py.
"""

import pytest

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
