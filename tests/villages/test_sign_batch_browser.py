"""Township staff print their township's signs in a real browser (Debian's Chromium via
Playwright): the progress page reloads itself, without script, until the worker has made
the file, then offers it for download."""

import pytest

from tests.disclosures.desk.test_staff_browser import laptop_page, log_in
from tests.test_browser import CHROMIUM
from tests.villages.test_signs import page_count, page_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_watch_the_batch_and_download_it(
    live_server, pdf_worker, township_staff, liguo, wumiao, dongying, tmp_path, monkeypatch
):
    # Playwright's loop runs in this thread; the worker below is plain synchronous Django.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    with laptop_page() as page:
        page.context.set_default_timeout(30_000)
        log_in(page, base, township_staff)
        page.goto(f"{base}/admin/villages/township/")
        with page.expect_navigation():
            page.click("a[href$='/signs.pdf']")
        assert "已完成 0 / 2 个村" in page.locator("#sign-batch-progress").inner_text()
        assert page.locator("meta[http-equiv=refresh]").count() == 1

        pdf_worker.run()
        # The page reloads itself (<meta http-equiv="refresh">) and offers the file.
        link = page.wait_for_selector("a[href$='/download/']")
        assert "已完成 2 / 2 个村" in page.locator("#sign-batch-progress").inner_text()
        with page.expect_download() as download:
            link.click()
        path = tmp_path / "signs.pdf"
        download.value.save_as(path)
        assert download.value.suggested_filename.startswith("371603201-signs-")
    assert page_count(path) == 2
    assert "五庙村" in page_text(path, 1)
