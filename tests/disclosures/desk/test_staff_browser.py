"""The staff's month, in a real browser at a laptop's 1366×768 (Debian's Chromium driven
by Playwright, JavaScript on as the admin expects): the accountant finds the due month on
the home page, uploads its receipts in one go, previews the draft and submits it; the
reviewer finds it waiting, reviews it with the totals and flags in view and publishes it.
No page scrolls sideways. Screenshots of each step go to artifacts/browser/staff-*.png.
"""

import io
from contextlib import contextmanager

import pytest
from PIL import Image

from tests import factories
from tests.disclosures.review_helpers import draft_month
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]

WIDTH, HEIGHT = 1366, 768


@contextmanager
def laptop_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT},
                extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
            )
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()


def photo(path, color):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), color).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def log_in(page, base, user):
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def log_out(page, base):
    page.click("#logout-form button")
    page.wait_for_load_state()


def assert_fits(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"staff-{name}.png"), full_page=True)
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll[0] <= scroll[1], f"{name} scrolls sideways: {scroll}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_month_from_the_accountant_s_desk_to_publication(
    live_server, wumiao, accountant, reviewer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)
    base = live_server.url
    with laptop_page() as page:
        log_in(page, base, accountant)
        # The month begun comes first among the lists due, and opens it.
        first_due = page.locator("#queue-due a").first
        assert "八月财务" in first_due.inner_text()
        assert page.locator("#queue-sent_back").is_visible()
        assert_fits(page, "1-accountant-home")
        with page.expect_navigation():
            first_due.click()
        type_lines(page, 10)

        with page.expect_navigation():
            page.click("#bulk-receipts")
        page.set_input_files(
            "input[name=photos]",
            [photo(tmp_path / "记08-002.jpg", "white"), photo(tmp_path / "随手拍.jpg", "gray")],
        )
        with page.expect_navigation():
            page.click("button[value=upload]")
        page.select_option("#bulk-assign select", label="记08-003 · 第3笔 · 100.10")
        with page.expect_navigation():
            page.click("button[value=assign]")
        assert page.locator("#bulk-assign").count() == 0
        assert page.locator("#bulk-lines img").count() == 2
        assert_fits(page, "3-receipts")

        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        page.click("text=在站点上查看")
        assert page.locator(".draft-band").inner_text() == "草稿 · 未公开"
        assert_fits(page, "4-preview")

        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        with page.expect_navigation():
            page.click("button[value=submit]")
        assert page.locator(".messagelist .success").count() == 1
        log_out(page, base)

        log_in(page, base, reviewer)
        waiting = page.locator("#queue-to_review a")
        assert waiting.count() == 1
        with page.expect_navigation():
            waiting.first.click()
        page.wait_for_selector("#month-review")
        assert "1,001.00" in page.locator("#month-review").inner_text()
        assert_fits(page, "5-review")
        with page.expect_navigation():
            page.click("button[value=publish]")
        assert "已公开" in page.locator(".messagelist").inner_text()

    month.refresh_from_db()
    assert month.is_published
    assert month.entries.get(voucher_number="记08-003").photos.count() == 1


def select_by_keyboard(page, selector, steps):
    """Choose an option of a closed select with the arrow keys, as a keyboard user does."""
    page.focus(selector)
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def type_lines(page, count):
    """Type `count` expenses of 100.10 into the month's entry rows with the keyboard,
    adding rows with the keyboard too, and save."""
    for number in range(count):
        if page.locator(f"#id_entries-{number}-date").count() == 0:
            page.focus("#entries-group .add-row a")
            page.keyboard.press("Enter")
        row = f"#id_entries-{number}"
        page.focus(f"{row}-date")
        # Date, voucher and description, then the kind: one Tab each.
        page.keyboard.type(f"2026-08-{number + 1:02d}")
        page.keyboard.press("Tab")
        page.keyboard.type(f"记08-{number + 1:03d}")
        page.keyboard.press("Tab")
        page.keyboard.type(f"第{number + 1}笔")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == f"{row[1:]}-kind"
        select_by_keyboard(page, f"{row}-kind", 2)  # 支出
        select_by_keyboard(page, f"{row}-category", 1)
        page.focus(f"{row}-amount")
        page.keyboard.type("100.10")
    # The totals follow the typing, in whole fen.
    expected = f"{count * 100.10:,.2f}"
    assert page.locator("#running-totals [data-total=expense]").inner_text() == expected
    assert_fits(page, "2-entering")
    page.focus("input[name=_continue]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
