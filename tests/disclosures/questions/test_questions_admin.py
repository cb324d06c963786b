"""Answering in the admin, and moderation: who may do what, and the log that keeps it."""

import pytest
from django.urls import reverse

from disclosures.questions.models import Question, QuestionStatus
from tests.disclosures.questions.question_helpers import ask


@pytest.fixture
def question(wumiao):
    return ask(wumiao)


def change_url(question):
    return reverse("admin:disclosures_question_change", args=[question.pk])


def answer_form(text):
    return {
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": text,
        "_save": "1",
    }


def test_an_accountant_answers_their_villages_question(client, question, accountant):
    client.force_login(accountant)
    response = client.post(change_url(question), answer_form("这是村道维修的材料费。"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    answer = question.answers.get()
    assert (answer.text, answer.answered_by, answer.by_township) == (
        "这是村道维修的材料费。",
        accountant,
        False,
    )
    # The answer shows at once on the public questions page.
    client.logout()
    page = client.get(reverse("disclosures:questions", args=[question.village.code]))
    assert "这是村道维修的材料费。" in page.content.decode()


def test_a_reviewer_answers_too_and_township_answers_are_marked(
    client, question, reviewer, township_staff
):
    client.force_login(reviewer)
    client.post(change_url(question), answer_form("审核员答复。"))
    client.force_login(township_staff)
    client.post(change_url(question), answer_form("乡镇补充答复。"))
    assert list(question.answers.values_list("text", "by_township")) == [
        ("审核员答复。", False),
        ("乡镇补充答复。", True),
    ]


def test_earlier_answers_are_read_only_in_the_admin(client, question, accountant):
    question.answer(accountant, "第一次答复。")
    client.force_login(accountant)
    html = client.get(change_url(question)).content.decode()
    assert "第一次答复。" in html
    assert 'name="answers-0-text"' not in html.split("第一次答复。")[0][-400:]
    assert "answers-0-DELETE" not in html


def test_an_accountant_of_another_village_cannot_answer(client, question, other_accountant):
    client.force_login(other_accountant)
    assert client.get(change_url(question)).status_code == 302
    client.post(change_url(question), answer_form("不是我的村。"))
    assert not question.answers.exists()


def test_questions_cannot_be_added_or_deleted_in_the_admin(client, question, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:disclosures_question_add")).status_code == 403
    delete = reverse("admin:disclosures_question_delete", args=[question.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def moderate(client, question, action, reason=""):
    url = reverse("admin:disclosures_question_moderate", args=[question.pk])
    return client.post(url, {"action": action, "reason": reason})


def test_township_staff_hide_with_a_reason_and_the_log_shows_it(
    client, question, township_staff, accountant
):
    client.force_login(township_staff)
    moderate(client, question, "hide", "")
    question.refresh_from_db()
    assert not question.is_hidden  # A reason is required.
    moderate(client, question, "hide", "含他人电话号码")
    question.refresh_from_db()
    assert question.is_hidden

    html = client.get(change_url(question)).content.decode()
    assert 'id="moderation"' in html and "含他人电话号码" in html
    log = client.get(reverse("admin:disclosures_questionevent_changelist"))
    assert log.status_code == 200 and "含他人电话号码" in log.content.decode()

    # Village staff see that it is hidden, not the moderation controls or the log.
    client.force_login(accountant)
    html = client.get(change_url(question)).content.decode()
    assert 'value="hide"' not in html and 'value="show"' not in html
    assert client.get(reverse("admin:disclosures_questionevent_changelist")).status_code == 403


def test_village_staff_cannot_hide_or_close(client, question, accountant, reviewer):
    for user in (accountant, reviewer):
        client.force_login(user)
        moderate(client, question, "hide", "不想让人看到")
        moderate(client, question, "close", "")
    question.refresh_from_db()
    assert not question.is_hidden and question.status == QuestionStatus.RECEIVED
    assert not question.events.exclude(action="received").exists()


def test_township_staff_close_a_question(client, question, township_staff):
    client.force_login(township_staff)
    moderate(client, question, "close", "已当面解释清楚")
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    # A closed question takes no further answers.
    html = client.get(change_url(question)).content.decode()
    assert 'name="answers-0-text"' not in html


def test_the_overdue_filter(client, wumiao, township_staff):
    from tests.disclosures.questions.question_helpers import at

    ask(wumiao, "早就该答复的问题", when=at(2026, 1, 5))
    ask(wumiao, "刚提的问题还没到期", when=at(2099, 1, 5))
    client.force_login(township_staff)
    changelist = reverse("admin:disclosures_question_changelist")
    overdue = client.get(changelist, {"overdue": "yes"}).context["cl"].result_list
    assert [q.text for q in overdue] == ["早就该答复的问题"]
