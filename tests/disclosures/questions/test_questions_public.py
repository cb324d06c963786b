"""码上问 as a villager meets it: the form (no account, no JavaScript), its refusals, the
tracking page, the questions page and the questions on the page of the thing asked about."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.questions import models as questions
from disclosures.questions.models import Question, QuestionStatus
from tests.disclosures.affairs.affairs_helpers import make_disclosure
from tests.disclosures.matters.matter_data import make_matter, make_steps
from tests.disclosures.questions.question_helpers import NAME, PHONE, ask, at
from tests.factories import make_month

TEXT = "10月这笔6500元的支出是做什么用的？"


@pytest.fixture
def time_machine_today(monkeypatch):
    """time_machine_today(date): the day public pages count deadlines from."""

    def travel(day):
        monkeypatch.setattr(questions, "today", lambda: day)

    return travel


def ask_url(village, **about):
    query = "&".join(f"{name}={value}" for name, value in about.items())
    return reverse("disclosures:ask", args=[village.code]) + (f"?{query}" if query else "")


def post_question(client, village, text=TEXT, **extra):
    data = {"text": text, "name": NAME, "phone": PHONE, "website": "", **extra}
    return client.post(reverse("disclosures:ask", args=[village.code]), data)


@pytest.fixture
def month(wumiao):
    return make_month(wumiao, 2026, 10, entries=3)


def test_asking_about_a_line_without_an_account(client, wumiao, month):
    entry = month.entries.order_by("pk").first()
    page = client.get(ask_url(wumiao, entry=entry.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert entry.description in html
    assert f'name="entry" value="{entry.pk}"' in html

    response = post_question(client, wumiao, entry=entry.pk)
    question = Question.objects.get()
    assert question.entry == entry
    assert response.status_code == 302
    assert response["Location"] == f"/q/{question.tracking_code}/?sent=1"

    tracking = client.get(response["Location"]).content.decode()
    assert question.display_code in tracking
    assert TEXT in tracking
    assert NAME not in tracking and PHONE not in tracking


def test_asking_about_a_matter_or_a_disclosure(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=2)
    disclosure = make_disclosure(wumiao)
    post_question(client, wumiao, matter=matter.pk)
    post_question(client, wumiao, disclosure=disclosure.pk)
    assert [q.subject for q in Question.objects.order_by("pk")] == [matter, disclosure]


def test_nothing_unpublished_or_of_another_village_can_be_asked_about(client, wumiao, yanjia):
    draft = make_month(wumiao, 2026, 9, entries=1, published=False)
    other = make_month(yanjia, 2026, 10, entries=1)
    assert client.get(ask_url(wumiao, entry=draft.entries.get().pk)).status_code == 404
    assert client.get(ask_url(wumiao, entry=other.entries.get().pk)).status_code == 404
    assert client.get(ask_url(wumiao, entry="x")).status_code == 404
    assert post_question(client, wumiao, entry=other.entries.get().pk).status_code == 400
    unpublished_matter = make_matter(wumiao)
    assert client.get(ask_url(wumiao, matter=unpublished_matter.pk)).status_code == 404
    assert not Question.objects.exists()


def test_the_page_asked_from_is_kept_only_if_it_is_the_villages(client, wumiao, yanjia):
    post_question(client, wumiao, page=f"/v/{wumiao.code}/powers/")
    post_question(client, wumiao, page="https://example.com/")
    assert list(Question.objects.order_by("pk").values_list("page", flat=True)) == [
        f"/v/{wumiao.code}/powers/",
        "",
    ]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "太短"}, "至少"),
        ({"text": "问" * 501}, "最多"),
        ({"phone": "call me maybe"}, "电话号码"),
        ({"name": "名" * 31}, "最多"),
        ({"website": "http://spam.example"}, "留空"),
    ],
)
def test_a_refused_post_says_why_and_keeps_what_was_typed(client, wumiao, fields, message):
    data = {"text": TEXT, "name": NAME, "phone": PHONE, **fields}
    response = post_question(client, wumiao, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    kept = data["text"] if len(data["text"]) < 50 else data["text"][:50]
    assert kept in html
    assert data["name"][:10] in html
    assert not Question.objects.exists()


def test_the_honeypot_is_hidden_from_people_not_removed(client, wumiao):
    html = client.get(ask_url(wumiao)).content.decode()
    assert 'name="website"' in html
    assert 'class="field trap" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


def test_no_html_is_rendered_from_what_villagers_write(client, wumiao, accountant):
    question = ask(wumiao, '<script>alert("x")</script><b>粗体</b>\n第二行')
    question.answer(accountant, "<img src=x onerror=alert(1)>答复")
    html = client.get(reverse("disclosures:questions", args=[wumiao.code])).content.decode()
    assert "<script>alert" not in html and "<b>粗体" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert "<br>第二行" in html


def test_control_characters_are_dropped(client, wumiao):
    post_question(client, wumiao, text="这笔钱\x1b[31m是什么？\u202e", name="王\u2066秀英\x85")
    question = Question.objects.get()
    assert question.text == "这笔钱[31m是什么？"
    assert question.asker_name == "王秀英"


def test_a_full_width_phone_number_is_stored_plain(client, wumiao):
    post_question(client, wumiao, phone="１３９１２３４５６７８")
    assert Question.objects.get().asker_phone == "13912345678"


def test_a_nul_in_a_question_is_refused_not_a_server_error(client, wumiao):
    response = post_question(client, wumiao, text="这笔钱\x00是什么？")
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_rate_limit_refuses_the_sixth_question_in_an_hour(wumiao, settings):
    settings.QUESTIONS_PER_HOUR = 5
    phone = Client(REMOTE_ADDR="10.1.2.3")
    for number in range(5):
        assert post_question(phone, wumiao, text=f"第{number}个问题是什么？").status_code == 302
    refused = post_question(phone, wumiao, text="第六个问题：这笔钱去哪了？")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "1小时" in html or "一小时" in html
    assert "第六个问题：这笔钱去哪了？" in html
    assert Question.objects.count() == 5
    # Another phone is not affected.
    assert post_question(Client(REMOTE_ADDR="10.9.9.9"), wumiao).status_code == 302


def test_refused_forms_do_not_count_against_the_limit(wumiao, settings):
    settings.QUESTIONS_PER_HOUR = 1
    phone = Client(REMOTE_ADDR="10.1.2.3")
    assert post_question(phone, wumiao, text="短").status_code == 400
    assert post_question(phone, wumiao).status_code == 302


def test_an_expired_form_is_shown_again_with_the_text(wumiao):
    browser = Client(enforce_csrf_checks=True)
    response = post_question(browser, wumiao)
    assert response.status_code == 403
    html = response.content.decode()
    assert TEXT in html and "csrfmiddlewaretoken" in html
    assert not Question.objects.exists()
    # Sending again from that page works: it carries a fresh token.
    token = response.cookies["csrftoken"].value
    sent = post_question(browser, wumiao, csrfmiddlewaretoken=token)
    assert sent.status_code == 302


def test_the_form_works_for_a_real_browser_flow_with_csrf(wumiao):
    browser = Client(enforce_csrf_checks=True)
    browser.get(ask_url(wumiao))
    token = browser.cookies["csrftoken"].value
    assert post_question(browser, wumiao, csrfmiddlewaretoken=token).status_code == 302


def test_looking_up_a_code(client, wumiao):
    question = ask(wumiao)
    typed = question.display_code.lower()
    response = client.get(reverse("disclosures:track"), {"code": f" {typed} "})
    assert response.status_code == 302
    assert response["Location"] == f"/q/{question.tracking_code}/"
    missing = client.get(reverse("disclosures:track"), {"code": "ZZZZ-ZZZZ"})
    assert missing.status_code == 404
    assert "ZZZZ-ZZZZ" in missing.content.decode()
    assert client.get("/q/ZZZZZZZZ/").status_code == 404


def test_the_asker_says_not_resolved_once_from_the_tracking_page(client, wumiao, accountant):
    question = ask(wumiao)
    url = reverse("disclosures:tracking", args=[question.tracking_code])
    assert "not_resolved" not in client.get(url).content.decode()
    question.answer(accountant, "这是修路的钱。")
    assert 'value="not_resolved"' in client.get(url).content.decode()
    response = client.post(url, {"action": "not_resolved"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ESCALATED
    html = client.get(response["Location"]).content.decode()
    assert "利国乡" in html and 'value="not_resolved"' not in html
    client.post(url, {"action": "not_resolved"})  # A second time changes nothing.
    assert question.events.filter(action="escalated").count() == 1


def test_the_questions_page_shows_answers_overdue_and_hidden(
    client, wumiao, accountant, township_staff, time_machine_today
):
    answered = ask(wumiao, "第一个问题：修路花了多少？", when=at(2026, 10, 1))
    answered.answer(accountant, "共计六千五百元。", now=at(2026, 10, 3))
    late = ask(wumiao, "第二个问题：谁批准的？", when=at(2026, 10, 1))
    Question.objects.escalate_overdue(at(2026, 11, 1))
    hidden = ask(wumiao, "第三个问题：骂人的话", when=at(2026, 10, 2))
    hidden.hide(township_staff, "辱骂他人")
    time_machine_today(datetime.date(2026, 11, 27))

    html = client.get(reverse("disclosures:questions", args=[wumiao.code])).content.decode()
    assert "第一个问题：修路花了多少？" in html and "共计六千五百元。" in html
    assert "村里于2026-10-03答复" in html or "2026-10-03" in html
    assert "第二个问题：谁批准的？" in html and "逾期 37 天" in html
    assert f'id="q{late.pk}"' in html
    assert "骂人的话" not in html and "辱骂他人" in html
    assert NAME not in html and PHONE not in html
    for question in (answered, late, hidden):
        assert question.tracking_code not in html


def test_questions_show_on_the_month_page_and_lines_link_to_the_form(client, wumiao, month):
    entry = month.entries.order_by("pk").first()
    ask(wumiao, "这一行是什么钱？", subject=entry)
    html = client.get(f"/v/{wumiao.code}/finance/2026-10/").content.decode()
    assert f"/v/{wumiao.code}/ask/?entry={entry.pk}" in html
    assert 'id="questions"' in html and "这一行是什么钱？" in html
    village_page = client.get(wumiao.get_absolute_url()).content.decode()
    assert "这一行是什么钱？" in village_page


def test_questions_show_on_matter_and_disclosure_pages(client, wumiao, accountant):
    matter = make_matter(wumiao)
    make_steps(matter, published=2)
    disclosure = make_disclosure(wumiao)
    ask(wumiao, "这个工程谁来施工？", subject=matter).answer(accountant, "公开招标。")
    ask(wumiao, "决议什么时候开的会？", subject=disclosure)
    matter_page = client.get(reverse("disclosures:matter", args=[wumiao.code, matter.pk]))
    assert "这个工程谁来施工？" in matter_page.content.decode()
    assert "公开招标。" in matter_page.content.decode()
    assert f"?matter={matter.pk}" in matter_page.content.decode()
    disclosure_page = client.get(
        reverse("disclosures:disclosure", args=[wumiao.code, disclosure.pk])
    ).content.decode()
    assert "决议什么时候开的会？" in disclosure_page and "这个工程谁来施工？" not in disclosure_page


def test_the_village_page_shows_the_record_and_a_way_to_ask(client, wumiao, accountant):
    ask(wumiao, when=at(2026, 11, 1)).answer(accountant, "答复", now=at(2026, 11, 4))
    html = client.get(wumiao.get_absolute_url()).content.decode()
    assert f"/v/{wumiao.code}/ask/" in html
    assert "收到提问" in html and "3.0 天" in html and "100%" in html


def test_every_village_page_links_to_the_form_from_its_footer(client, wumiao):
    html = client.get(reverse("disclosures:powers", args=[wumiao.code])).content.decode()
    assert f"/v/{wumiao.code}/ask/?page=/v/{wumiao.code}/powers/" in html


def test_a_new_question_shows_at_once_on_cached_pages(client, wumiao):
    url = reverse("disclosures:questions", args=[wumiao.code])
    assert "新问题" not in client.get(url).content.decode()
    ask(wumiao, "一个新问题：为什么？")
    assert "一个新问题：为什么？" in client.get(url).content.decode()


def test_the_form_and_tracking_pages_are_not_cached(client, wumiao):
    assert "no-cache" in client.get(ask_url(wumiao))["Cache-Control"]
    question = ask(wumiao)
    response = client.get(reverse("disclosures:tracking", args=[question.tracking_code]))
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_query_counts_are_constant(client, wumiao, accountant, django_assert_num_queries):
    for number in range(40):
        ask(wumiao, f"第{number}个问题是什么？").answer(accountant, "答复")
    # The village, the record, the count, the page of questions, their answers.
    with django_assert_num_queries(5):
        client.get(reverse("disclosures:questions", args=[wumiao.code]))
    with django_assert_num_queries(0):  # Cached: the village's state, the count too.
        client.get(reverse("disclosures:questions", args=[wumiao.code]))
    # Another page: the village comes with its cached state.
    with django_assert_num_queries(4):
        client.get(reverse("disclosures:questions", args=[wumiao.code]) + "?page=2")
    # The form: the village (with its township, for the deadline).
    with django_assert_num_queries(1):
        client.get(ask_url(wumiao))


def test_a_post_about_something_no_longer_public_keeps_the_text(client, wumiao):
    response = post_question(client, wumiao, entry=999999)
    assert response.status_code == 400
    html = response.content.decode()
    assert TEXT in html and "不再公开" in html
    assert 'name="entry"' not in html
    assert post_question(client, wumiao).status_code == 302


def test_behind_a_proxy_the_limit_follows_the_header_it_sets(wumiao, settings):
    settings.QUESTIONS_PER_HOUR = 1
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.8"}  # spoofed first entry
    url = reverse("disclosures:ask", args=[wumiao.code])
    data = {"text": TEXT, "website": ""}
    assert proxy.post(url, data, **first).status_code == 302
    assert proxy.post(url, data, **second).status_code == 302
    assert proxy.post(url, data, **first).status_code == 429


def test_the_tracking_page_keeps_its_code_to_itself(client, wumiao):
    question = ask(wumiao)
    response = client.get(reverse("disclosures:tracking", args=[question.tracking_code]))
    assert response["Referrer-Policy"] == "same-origin"
    assert "?page=" not in response.content.decode()


def test_the_public_pages_show_both_escalations(client, wumiao, township_staff):
    question = ask(wumiao, "路灯什么时候修？", when=at(2026, 9, 1))
    Question.objects.escalate_overdue(at(2026, 9, 25))
    question.refresh_from_db()
    question.answer(township_staff, "下周修。", now=at(2026, 9, 26))
    question.say_not_resolved(now=at(2026, 9, 27))
    html = client.get(reverse("disclosures:questions", args=[wumiao.code])).content.decode()
    assert "2026-09-25" in html and "2026-09-27" in html
    assert "逾期未答复" in html and "提问人" in html
