"""The life of a question (码上问), on a clock the tests move: received, answered,
escalated by the deadline or by the asker, closed; hidden with a reason; never edited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from disclosures.questions.models import (
    Answer,
    EscalationReason,
    Question,
    QuestionEvent,
    QuestionRecord,
    QuestionStatus,
    normalize_tracking_code,
)
from tests.disclosures.questions.question_helpers import PHONE, ask, at


def actions(question):
    return list(question.events.values_list("action", flat=True))


def test_a_question_gets_a_short_readable_tracking_code_and_a_deadline(wumiao):
    question = ask(wumiao, when=at(2026, 11, 2, 23))
    assert len(question.tracking_code) == 8
    assert not set(question.tracking_code) & set("01OIL")
    assert question.display_code == question.tracking_code[:4] + "-" + question.tracking_code[4:]
    assert normalize_tracking_code(question.display_code.lower() + " ") == question.tracking_code
    # 20 days by default, counted in Beijing days: 23:00 on 2 November is still the 2nd.
    assert question.due_on == datetime.date(2026, 11, 22)
    assert question.status == QuestionStatus.RECEIVED
    assert actions(question) == ["received"]


def test_the_deadline_is_a_township_setting(wumiao):
    wumiao.township.question_deadline_days = 7
    wumiao.township.save()
    assert ask(wumiao, when=at(2026, 11, 2)).due_on == datetime.date(2026, 11, 9)


def test_receiving_a_question_refreshes_the_villages_public_pages(wumiao):
    before = wumiao.public_version
    ask(wumiao)
    wumiao.refresh_from_db()
    assert wumiao.public_version > before


def test_answering_then_not_resolved_escalates_once(wumiao, accountant, township_staff):
    question = ask(wumiao)
    question.answer(accountant, "这是村道维修的材料费。", now=at(2026, 11, 5))
    assert question.status == QuestionStatus.ANSWERED
    assert question.first_answered_at == at(2026, 11, 5)
    assert question.answered_on_time

    assert question.can_say_not_resolved()
    question.say_not_resolved(now=at(2026, 11, 6))
    question.refresh_from_db()
    assert question.status == QuestionStatus.ESCALATED
    assert question.escalation_reason == EscalationReason.NOT_RESOLVED
    # Once only, even after the township answers.
    assert not question.can_say_not_resolved()
    question.answer(township_staff, "乡镇已核对发票，金额无误。", now=at(2026, 11, 9))
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert not question.can_say_not_resolved()
    with pytest.raises(ValidationError):
        question.say_not_resolved(now=at(2026, 11, 10))
    # The first answer keeps its date; the township's answer is marked as the township's.
    assert question.first_answered_at == at(2026, 11, 5)
    assert list(question.answers.values_list("by_township", flat=True)) == [False, True]
    assert actions(question) == ["received", "answered", "escalated", "answered"]


def test_not_resolved_is_only_possible_after_an_answer(wumiao):
    question = ask(wumiao)
    assert not question.can_say_not_resolved()
    with pytest.raises(ValidationError):
        question.say_not_resolved()


def test_an_empty_answer_is_refused(wumiao, accountant):
    question = ask(wumiao)
    with pytest.raises(ValidationError):
        question.answer(accountant, "   ")
    assert question.answers.count() == 0


def test_closing_is_for_township_staff_and_ends_answering(wumiao, accountant, township_staff):
    question = ask(wumiao)
    with pytest.raises(PermissionDenied):
        question.close(accountant)
    question.close(township_staff, "已当面答复。", now=at(2026, 11, 4))
    assert question.status == QuestionStatus.CLOSED
    with pytest.raises(ValidationError):
        question.answer(accountant, "补充说明")
    with pytest.raises(ValidationError):
        question.close(township_staff)


def test_overdue_questions_escalate_on_the_day_after_the_deadline(wumiao):
    question = ask(wumiao, when=at(2026, 11, 2))  # due 22 November
    assert Question.objects.escalate_overdue(at(2026, 11, 22, 23)) == 0
    assert not question.is_overdue(datetime.date(2026, 11, 22))
    assert Question.objects.escalate_overdue(at(2026, 11, 23, 0)) == 1
    question.refresh_from_db()
    assert question.status == QuestionStatus.ESCALATED
    assert question.escalation_reason == EscalationReason.OVERDUE
    assert question.is_overdue(datetime.date(2026, 11, 23))
    assert question.days_overdue(datetime.date(2026, 11, 25)) == 3


def test_the_daily_command_is_safe_to_run_twice(wumiao, yanjia, accountant, capsys):
    late = ask(wumiao, when=at(2026, 10, 1))
    also_late = ask(yanjia, when=at(2026, 10, 5))
    answered = ask(wumiao, when=at(2026, 10, 1))
    answered.answer(accountant, "已答复。", now=at(2026, 10, 3))
    recent = ask(wumiao, when=at(2026, 11, 20))

    call_command("escalate_questions", "--now", "2026-11-27T08:00+08:00")
    assert "Escalated 2 overdue" in capsys.readouterr().out
    call_command("escalate_questions", "--now", "2026-11-27T08:00+08:00")
    assert "Escalated 0 overdue" in capsys.readouterr().out

    statuses = dict(Question.objects.values_list("pk", "status"))
    assert statuses[late.pk] == statuses[also_late.pk] == QuestionStatus.ESCALATED
    assert statuses[answered.pk] == QuestionStatus.ANSWERED
    assert statuses[recent.pk] == QuestionStatus.RECEIVED
    assert QuestionEvent.objects.filter(action="escalated").count() == 2


def test_an_overdue_question_answered_late_stops_being_overdue(wumiao, township_staff):
    question = ask(wumiao, when=at(2026, 10, 1))
    Question.objects.escalate_overdue(at(2026, 10, 25))
    question.refresh_from_db()
    question.answer(township_staff, "乡镇答复。", now=at(2026, 10, 26))
    assert not question.is_overdue(datetime.date(2026, 10, 27))
    assert question.answered_on_time is False


def test_hiding_keeps_the_text_and_logs_who_and_why(wumiao, accountant, township_staff):
    question = ask(wumiao, "张三家的身份证号是370000…，为什么他能领低保？")
    with pytest.raises(PermissionDenied):
        question.hide(accountant, "不喜欢")
    with pytest.raises(ValidationError):
        question.hide(township_staff, "  ")
    question.hide(township_staff, "含他人身份证号", now=at(2026, 11, 3))
    question.refresh_from_db()
    assert question.is_hidden and question.hidden_reason == "含他人身份证号"
    assert question.text.startswith("张三家的身份证号")
    question.show(township_staff, "已核实可公开", now=at(2026, 11, 4))
    assert not question.is_hidden
    log = list(question.events.values_list("action", "user__username", "note"))
    assert log[1:] == [
        ("hidden", "township_staff", "含他人身份证号"),
        ("shown", "township_staff", "已核实可公开"),
    ]


def test_what_a_villager_wrote_is_never_changed_or_deleted(wumiao, accountant):
    question = ask(wumiao)
    question.text = "改过的问题"
    with pytest.raises(ValidationError):
        question.save()
    with pytest.raises(ValidationError):
        Question.objects.filter(pk=question.pk).update(asker_phone="13000000000")
    with pytest.raises(ValidationError):
        Question.objects.get(pk=question.pk).delete()
    with pytest.raises(ValidationError):
        Question.objects.all().delete()
    answer = Question.objects.get(pk=question.pk).answer(accountant, "答复")
    answer.text = "改过的答复"
    with pytest.raises(ValidationError):
        answer.save()
    with pytest.raises(ValidationError):
        answer.delete()
    assert Question.objects.get(pk=question.pk).text == "这笔6500元的支出是做什么用的？"
    assert Answer.objects.get().text == "答复"
    assert Question.objects.get().asker_phone == PHONE


def test_the_villages_record(wumiao, dongying, accountant):
    quick = ask(wumiao, when=at(2026, 9, 1))
    quick.answer(accountant, "答复", now=at(2026, 9, 3))  # 2 days, on time
    slow = ask(wumiao, when=at(2026, 9, 1))
    slow.answer(accountant, "答复", now=at(2026, 9, 27))  # 26 days, late
    ask(wumiao, when=at(2026, 9, 1))  # unanswered, overdue: counts as not on time
    ask(wumiao, when=at(2026, 11, 20))  # unanswered, not yet due: not judged

    record = QuestionRecord.for_village(wumiao, on=datetime.date(2026, 11, 27))
    assert (record.received, record.answered) == (4, 2)
    assert record.median_days == 14.0
    assert record.on_time_share == 33  # 1 of 3

    empty = QuestionRecord.for_village(dongying)
    assert (empty.received, empty.answered, empty.median_days, empty.on_time_share) == (
        0,
        0,
        None,
        None,
    )


def test_a_question_is_about_at_most_one_thing(wumiao):
    from tests.disclosures.matters.matter_data import make_matter
    from tests.factories import make_month

    month = make_month(wumiao, 2026, 10, entries=1)
    matter = make_matter(wumiao)
    question = Question(
        village=wumiao,
        text="问一个问题",
        entry=month.entries.get(),
        matter=matter,
        received_at=at(2026, 11, 1),
        due_on=datetime.date(2026, 11, 21),
        tracking_code="ABCDEFGH",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the permanence triggers exist on PostgreSQL only"
)
def test_postgresql_refuses_raw_edits_of_what_was_written(wumiao, accountant):
    question = ask(wumiao)
    question.answer(accountant, "答复")
    statements = [
        ("UPDATE disclosures_question SET text = 'x' WHERE id = %s", question.pk),
        ("UPDATE disclosures_question SET asker_phone = '130' WHERE id = %s", question.pk),
        ("DELETE FROM disclosures_question WHERE id = %s", question.pk),
        ("UPDATE disclosures_answer SET text = 'x' WHERE question_id = %s", question.pk),
        ("DELETE FROM disclosures_answer WHERE question_id = %s", question.pk),
        ("DELETE FROM disclosures_questionevent WHERE question_id = %s", question.pk),
    ]
    for sql, pk in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    # The steps themselves still work: they change only status columns.
    question.refresh_from_db()
    question.say_not_resolved()
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.ESCALATED


def test_an_escalated_question_stays_with_the_township_until_it_answers(
    wumiao, accountant, township_staff
):
    question = ask(wumiao, when=at(2026, 10, 1))
    question.answer(accountant, "村里的答复。", now=at(2026, 10, 3))
    question.say_not_resolved(now=at(2026, 10, 4))
    # The village may add to it but not settle it: it stays on the township's list.
    question.answer(accountant, "村里再补充一句。", now=at(2026, 10, 5))
    question.refresh_from_db()
    assert question.status == QuestionStatus.ESCALATED
    question.answer(township_staff, "乡镇的答复。", now=at(2026, 10, 8))
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED


def test_both_escalations_are_kept(wumiao, township_staff):
    question = ask(wumiao, when=at(2026, 9, 1))
    Question.objects.escalate_overdue(at(2026, 9, 25))
    question.refresh_from_db()
    question.answer(township_staff, "乡镇答复。", now=at(2026, 9, 26))
    question.say_not_resolved(now=at(2026, 9, 27))
    question.refresh_from_db()
    assert question.escalation_reason == EscalationReason.OVERDUE
    assert question.escalated_at == at(2026, 9, 25)
    assert question.not_resolved_at == at(2026, 9, 27)
    assert actions(question) == ["received", "escalated", "answered", "escalated"]


def test_a_stale_copy_cannot_say_not_resolved_twice(wumiao, accountant):
    question = ask(wumiao)
    question.answer(accountant, "答复")
    first, second = Question.objects.get(pk=question.pk), Question.objects.get(pk=question.pk)
    first.say_not_resolved()
    with pytest.raises(ValidationError):
        second.say_not_resolved()  # A double tap: the second copy re-reads the state.
    assert question.events.filter(action="escalated").count() == 1


def test_hidden_and_closed_questions_do_not_count_against_the_village(
    wumiao, accountant, township_staff
):
    ask(wumiao, when=at(2026, 9, 1)).answer(accountant, "答复", now=at(2026, 9, 3))
    ask(wumiao, "辱骂的话不算数", when=at(2026, 9, 1)).hide(township_staff, "辱骂")
    ask(wumiao, "重复的问题", when=at(2026, 9, 1)).close(township_staff, "与第一个问题重复")
    record = QuestionRecord.for_village(wumiao, on=datetime.date(2026, 11, 27))
    assert (record.received, record.answered, record.on_time_share) == (2, 1, 100)


def test_hidden_questions_are_not_escalated(wumiao, township_staff):
    ask(wumiao, "垃圾信息", when=at(2026, 9, 1)).hide(township_staff, "广告")
    assert Question.objects.escalate_overdue(at(2026, 11, 1)) == 0


def test_township_staff_may_erase_who_asked_but_not_change_it(wumiao, accountant, township_staff):
    question = ask(wumiao)
    with pytest.raises(PermissionDenied):
        question.erase_contact(accountant)
    question.asker_phone = "13000000000"
    with pytest.raises(ValidationError):
        question.save()
    with pytest.raises(ValidationError):
        Question.objects.filter(pk=question.pk).update(asker_name="别人")
    question = Question.objects.get(pk=question.pk)
    question.erase_contact(township_staff)
    stored = Question.objects.get(pk=question.pk)
    assert (stored.asker_name, stored.asker_phone) == ("", "")
    assert stored.text == "这笔6500元的支出是做什么用的？"
    assert actions(stored)[-1] == "erased"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the permanence triggers exist on PostgreSQL only"
)
def test_postgresql_lets_who_asked_be_erased_only(wumiao):
    question = ask(wumiao)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosures_question SET asker_name = '别人' WHERE id = %s", [question.pk]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosures_question SET asker_name = '', asker_phone = '' WHERE id = %s",
            [question.pk],
        )
    assert Question.objects.get(pk=question.pk).asker_phone == ""
