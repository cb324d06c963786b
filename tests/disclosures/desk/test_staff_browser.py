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
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=3)
    base = live_server.url
    with laptop_page() as page:
        log_in(page, base, accountant)
        assert page.locator("#queue-due").is_visible()
        assert page.locator("#queue-sent_back").is_visible()
        assert_fits(page, "1-accountant-home")

        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        page.click("#bulk-receipts")
        page.set_input_files(
            "input[name=photos]",
            [photo(tmp_path / "记08-002.jpg", "white"), photo(tmp_path / "随手拍.jpg", "gray")],
        )
        page.click("button[value=upload]")
        page.wait_for_selector("#bulk-assign")
        page.select_option("#bulk-assign select", label="记08-003 · 摘要 记08-003 · 1,200.00")
        page.click("button[value=assign]")
        page.wait_for_load_state()
        assert page.locator("#bulk-assign").count() == 0
        assert page.locator("#bulk-lines img").count() == 2
        assert_fits(page, "2-receipts")

        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        page.click("text=在站点上查看")
        assert page.locator(".draft-band").inner_text() == "草稿 · 未公开"
        assert_fits(page, "3-preview")

        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        page.click("button[value=submit]")
        page.wait_for_load_state()
        log_out(page, base)

        log_in(page, base, reviewer)
        waiting = page.locator("#queue-to_review a")
        assert waiting.count() == 1
        with page.expect_navigation():
            waiting.first.click()
        page.wait_for_selector("#month-review")
        assert "4,500.00" in page.locator("#month-review").inner_text()
        assert_fits(page, "4-review")
        page.click("button[value=publish]")
        page.wait_for_load_state()
        assert "已公开" in page.locator(".messagelist").inner_text()

    month.refresh_from_db()
    assert month.is_published
    assert month.entries.get(voucher_number="记08-003").photos.count() == 1


def select_by_keyboard(page, selector, steps):
    """Choose an option of a closed select with the arrow keys, as a keyboard user does."""
    page.focus(selector)
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_lines_typed_with_the_keyboard_fit_a_laptop(live_server, wumiao, accountant):
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)
    base = live_server.url
    with laptop_page() as page:
        log_in(page, base, accountant)
        page.goto(f"{base}/admin/disclosures/ledgermonth/{month.pk}/change/")
        totals = page.locator("#running-totals")
        for number in range(10):
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
        # The totals follow the typing, in whole fen: ten times 100.10.
        assert totals.locator("[data-total=expense]").inner_text() == "1,001.00"
        assert_fits(page, "5-entering")
        page.focus("input[name=_continue]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
        assert page.locator(".messagelist .success").count() == 1

    assert month.entries.count() == 10
    assert sum(entry.amount for entry in month.entries.all()) == 1001
