"""A PDF attachment on a phone (issue 11): WeChat on Android cannot open the PDF, so its
text (or, for a scan, the summary written for it) is read on the page itself, with the
link and how to open it in WeChat's browser. JavaScript off, as in WeChat with scripts
blocked; both languages; axe-core, large type and no overflow at 200 % text, as for every
public page (tests/test_browser_access.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures.attachments import Attachment, AttachmentForm
from tests import factories
from tests.disclosures.affairs.affairs_helpers import make_disclosure
from tests.disclosures.affairs.test_pdf_text import MINUTES, pdf_of, scanned_pdf
from tests.test_browser import ARTIFACTS, CHROMIUM, LANGUAGES, PHONE_WIDTH, phone_page
from tests.test_browser_access import AXE, AXE_RUN, EYES, OVERFLOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]

SUMMARY = "参会村民代表32人签到，应到35人。"


def uploaded(disclosure, title, content, summary=""):
    """Through the admin's form, as an accountant uploads it."""
    form = AttachmentForm(
        data={"title": title, "summary": summary},
        files={"file": SimpleUploadedFile("a.pdf", content, content_type="application/pdf")},
        instance=Attachment(disclosure=disclosure),
    )
    assert form.is_valid(), form.errors
    return form.save()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} not found: run `npm ci`")
def test_a_pdf_reads_as_text_on_a_phone(live_server, wumiao, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    disclosure = make_disclosure(wumiao, published=False)
    minutes = uploaded(disclosure, "会议记录", pdf_of(MINUTES))
    uploaded(disclosure, "签到表", scanned_pdf(), summary=SUMMARY)
    factories.publish(disclosure)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url = live_server.url + disclosure.get_absolute_url()

    for language, (accept_language, _, suffix) in LANGUAGES.items():
        with phone_page(accept_language) as page:  # JavaScript off
            page.goto(url)
            assert page.evaluate("() => !('pageScriptRan' in window)")
            for paragraph in MINUTES:
                assert page.get_by_text(paragraph, exact=True).is_visible(), paragraph
            assert page.get_by_text(SUMMARY, exact=True).is_visible()
            link = page.locator(f"a.pdf[href$='/attachments/{minutes.token}']")
            assert link.is_visible() and "会议记录" in link.inner_text()
            hints = page.locator(".wechat-hint")
            assert hints.count() == 2 and hints.first.is_visible()
            if language == "zh":
                assert "「在浏览器打开」" in hints.first.inner_text()
            else:
                assert "Open in browser" in hints.first.inner_text()
            page.screenshot(path=ARTIFACTS / f"disclosure-pdf-text{suffix}.png", full_page=True)

        # axe-core is a script: injected into a page with JavaScript on.
        with phone_page(accept_language, javascript=True, bypass_csp=True) as page:
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            problems = {"axe": page.evaluate(AXE_RUN), **page.evaluate(EYES)}
            page.add_style_tag(content="html { font-size: 36px !important; }")
            large = page.evaluate(OVERFLOW, PHONE_WIDTH)
            if large["scrollWidth"] > PHONE_WIDTH:
                problems["overflow at 200%"] = large
            assert not any(problems.values()), (language, problems)
