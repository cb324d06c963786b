"""Every public button pressed in a real phone browser, with JavaScript on and off.

Django's test client sends no Origin header, so a page whose headers make the browser send
`Origin: null` passes every client test and still fails the CSRF check for a villager.
Only a real browser shows it: Debian's Chromium at 360x740 with WeChat's user agent.
"""

import pytest

from disclosures.questions.models import Question, QuestionStatus
from tests import factories
from tests.disclosures.questions.question_helpers import ask
from tests.test_browser import CHROMIUM, LANGUAGES, VILLAGE_CODE, phone_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]

JAVASCRIPT = {"javascript-on": True, "javascript-off": False}


@pytest.fixture
def answered(wumiao, accountant):
    """五庙村 with a published month and an answered question whose asker may escalate."""
    factories.make_month(wumiao, 2026, 10, entries=3)
    question = ask(wumiao, "路灯什么时候修？")
    question.answer(accountant, "下个月修。")
    return question


def send_question(page, text):
    page.fill("#id_text", text)
    page.locator("form.ask button[type=submit]").click()
    page.wait_for_url("**/q/*/?sent=1")
    assert page.locator("p.notice[role=status]").is_visible()
    return page.locator(".tracking-code strong").inner_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_every_public_button_works_in_a_phone_browser(live_server, answered, javascript):
    base = live_server.url
    with phone_page(LANGUAGES["zh"][0], javascript=JAVASCRIPT[javascript]) as page:
        # Ask: the village page's button, the form, the tracking page.
        page.goto(f"{base}/v/{VILLAGE_CODE}/")
        page.locator("a.button", has_text="向村里提问").first.click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/ask/")
        general_code = send_question(page, "村里的路灯坏了三盏，什么时候修？")

        # Ask about one line of the month.
        page.goto(f"{base}/v/{VILLAGE_CODE}/finance/2026-10/")
        page.locator("table.ledger a.ask").first.click()
        page.wait_for_url("**/ask/?entry=*")
        line_code = send_question(page, "这一笔是给谁的？")

        # Escalate: the answer did not resolve it. The page keeps its address (the code)
        # from other sites, and the same-origin POST still passes the CSRF check.
        response = page.goto(f"{base}/q/{answered.tracking_code}/")
        assert response is not None
        assert response.headers["referrer-policy"] == "same-origin"
        page.locator("button[name=action][value=not_resolved]").click()
        page.wait_for_url("**/q/*/?escalated=1")
        assert "利国乡" in page.locator("p.notice[role=status]").inner_text()
        assert page.locator("button[name=action]").count() == 0

        # The language switch, there and back, keeps the page.
        page.goto(f"{base}/v/{VILLAGE_CODE}/")
        page.locator("nav.languages a[lang=en]").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator("nav.languages a[lang=zh-hans]").click()
        page.wait_for_url(f"**/v/{VILLAGE_CODE}/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"

    # The database only once the browser is closed (see phone_page).
    answered.refresh_from_db()
    assert answered.status == QuestionStatus.ESCALATED
    assert answered.not_resolved_at is not None
    sent = {question.display_code: question for question in Question.objects.all()}
    assert sent[general_code].entry is None
    assert sent[line_code].entry.ledger.month == 10
