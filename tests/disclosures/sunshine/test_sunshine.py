"""Sunshine reports (阳光述职): the model's rules, review and permanence, the fingerprint
chain, and tasks carried over from quarter to quarter until they are done."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from disclosures.publishing import PublishedRecordError, Status, chain_members, verify_chain
from disclosures.sunshine.models import (
    CadreEvaluation,
    Outcome,
    SunshineQuestion,
    SunshineReport,
    SunshineTask,
    TaskFollowUp,
)
from tests import factories
from tests.disclosures.affairs.affairs_helpers import make_disclosure
from tests.disclosures.review_helpers import bypassing_triggers, on_postgresql
from tests.disclosures.sunshine.sunshine_helpers import follow_ups_of, make_cadres, make_report

D = datetime.date


@pytest.fixture
def cadres(wumiao):
    return make_cadres(wumiao)


def evaluation(satisfied, basically, dissatisfied):
    return CadreEvaluation(
        satisfied=satisfied, basically_satisfied=basically, dissatisfied=dissatisfied
    )


# The rules of a report and its rows.


def test_the_satisfaction_rate_counts_satisfied_and_basically_satisfied():
    assert evaluation(18, 6, 1).satisfaction_rate == Decimal(24) / Decimal(25)
    assert evaluation(18, 6, 1).satisfaction_percent == "96.0%"
    assert evaluation(0, 0, 3).satisfaction_percent == "0.0%"


def test_without_votes_there_is_no_satisfaction_rate():
    assert evaluation(0, 0, 0).satisfaction_rate is None
    assert evaluation(0, 0, 0).satisfaction_percent == "—"


def test_the_meeting_is_held_in_or_after_its_quarter(wumiao):
    report = SunshineReport(village=wumiao, year=2026, quarter=3, meeting_date=D(2026, 6, 30))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "meeting_date" in error.value.message_dict
    for day in (D(2026, 7, 1), D(2026, 9, 20), D(2026, 10, 8)):
        report.meeting_date = day
        report.full_clean()


def test_a_village_has_one_report_per_quarter(wumiao, dongying, cadres):
    make_report(wumiao, 2026, 2, cadres=cadres, published=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SunshineReport.objects.create(
            village=wumiao, year=2026, quarter=2, meeting_date=D(2026, 7, 5)
        )
    SunshineReport.objects.create(
        village=dongying, year=2026, quarter=2, meeting_date=D(2026, 7, 5)
    )


def test_there_is_no_fifth_quarter(wumiao):
    with pytest.raises(IntegrityError), transaction.atomic():
        SunshineReport.objects.create(
            village=wumiao, year=2026, quarter=5, meeting_date=D(2027, 1, 5)
        )


@pytest.mark.parametrize("model", [CadreEvaluation, SunshineQuestion, SunshineTask])
def test_rows_name_only_the_villages_own_cadres(wumiao, dongying, cadres, model):
    report = make_report(wumiao, cadres=cadres, published=False)
    stranger = make_cadres(dongying, [("王二", "村委会主任")])[0]
    values = {
        CadreEvaluation: {"reported": "述职"},
        SunshineQuestion: {"question": "问", "answer": "答"},
        SunshineTask: {"task": "事", "owner": "王二", "deadline": D(2026, 6, 30)},
    }[model]
    with pytest.raises(ValidationError) as error:
        model(report=report, cadre=stranger, **values).full_clean()
    assert "cadre" in error.value.message_dict


def test_a_task_is_not_due_before_the_meeting(wumiao, cadres):
    report = make_report(wumiao, cadres=cadres, published=False)  # meeting 2026-04-11
    task = SunshineTask(
        report=report, cadre=cadres[0], task="修路灯", owner="韩兴和", deadline=D(2026, 4, 10)
    )
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "deadline" in error.value.message_dict


def test_a_follow_up_is_of_an_earlier_task_of_the_same_village(wumiao, dongying, cadres):
    first = make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"])
    second = make_report(wumiao, 2026, 2, cadres=cadres, tasks=["新事"], published=False)
    theirs = make_report(dongying, 2026, 1, cadres=make_cadres(dongying), tasks=["挖沟"])
    for task in (theirs.tasks.get(), second.tasks.get()):
        with pytest.raises(ValidationError) as error:
            TaskFollowUp(report=second, task=task).clean()
        assert "task" in error.value.message_dict
    TaskFollowUp(report=second, task=first.tasks.get()).clean()


# Review.


def test_an_accountant_submits_and_a_reviewer_publishes(wumiao, cadres, accountant, reviewer):
    report = make_report(wumiao, cadres=cadres, published=False)
    report.created_by = accountant
    report.save()
    report.submit(accountant)
    with pytest.raises(PermissionDenied):
        report.publish(accountant)
    report.publish(reviewer)
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    assert report.published_by == reviewer
    assert len(report.fingerprint) == 64


def test_the_reviewer_who_entered_it_cannot_publish_it(wumiao, cadres, reviewer):
    report = make_report(wumiao, cadres=cadres, published=False)
    report.submit(reviewer)
    with pytest.raises(PermissionDenied):
        report.publish(reviewer)


def test_a_report_without_evaluations_cannot_be_submitted(wumiao, cadres, accountant):
    report = make_report(wumiao, cadres=[], question=False, published=False)
    with pytest.raises(ValidationError):
        report.submit(accountant)


def test_more_evaluations_than_attendees_cannot_be_submitted(wumiao, cadres, accountant):
    report = make_report(wumiao, cadres=cadres, votes=(60, 10, 1), published=False)
    assert report.attendance == 70
    with pytest.raises(ValidationError):
        report.submit(accountant)


# The fingerprint chain.


def test_reports_are_links_of_the_villages_chain(wumiao, cadres):
    assert SunshineReport in chain_members()
    disclosure = make_disclosure(wumiao)
    report = make_report(wumiao, cadres=cadres, tasks=["修路灯"])
    assert report.chain_position == disclosure.chain_position + 1
    assert report.previous_fingerprint == disclosure.fingerprint
    assert list(verify_chain([disclosure, report])) == []


def test_the_content_covers_every_row_of_the_report(wumiao, cadres):
    first = make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"])
    second = make_report(wumiao, 2026, 2, cadres=cadres, outcomes={"修路灯": Outcome.NOT_DONE})
    content = second.canonical_content()
    assert [e["cadre"] for e in content["evaluations"]] == ["韩兴和", "闫文明"]
    assert content["questions"][0]["answer"] == "下季度装好。"
    assert content["attendance"]["villager_representatives"] == 30
    assert content["follow_ups"] == [
        {
            "task": {"year": 2026, "quarter": 1, **first.tasks.get().canonical_content()},
            "outcome": "not_done",
            "note": "",
        }
    ]


def test_a_row_changed_behind_the_portals_back_breaks_the_chain(wumiao, cadres):
    report = make_report(wumiao, cadres=cadres)
    with bypassing_triggers(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosures_cadreevaluation SET dissatisfied = 0 WHERE report_id = %s",
            [report.pk],
        )
    report = SunshineReport.objects.get(pk=report.pk)
    with translation.override("en"):
        problems = [str(problem) for _link, problem in verify_chain([report])]
    assert problems == ["content no longer matches its fingerprint"]


# Permanence.


def test_a_published_report_cannot_be_changed_or_deleted(wumiao, cadres):
    report = make_report(wumiao, cadres=cadres)
    report = SunshineReport.objects.get(pk=report.pk)
    report.notes = "改了"
    with pytest.raises(PublishedRecordError):
        report.save()
    with pytest.raises(PublishedRecordError):
        report.delete()
    with pytest.raises(PublishedRecordError):
        SunshineReport.objects.filter(pk=report.pk).update(notes="改了")
    with pytest.raises(PublishedRecordError):
        SunshineReport.objects.filter(pk=report.pk).delete()


@pytest.mark.parametrize("model", [CadreEvaluation, SunshineQuestion, SunshineTask, TaskFollowUp])
def test_the_rows_of_a_published_report_are_permanent(wumiao, cadres, model):
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"])
    report = make_report(wumiao, 2026, 2, cadres=cadres, tasks=["挖沟"])
    row = model.objects.filter(report=report).first()
    with pytest.raises(PublishedRecordError):
        row.save()
    with pytest.raises(PublishedRecordError):
        row.delete()
    rows = model.objects.filter(report=report)
    with pytest.raises(PublishedRecordError):
        rows.update(report=report)
    with pytest.raises(PublishedRecordError):
        rows.delete()
    with pytest.raises(PublishedRecordError):
        model.objects.bulk_create([row.__class__(**{**_fields(row), "id": None})])
    assert model.objects.filter(report=report).count() == rows.count() >= 1


def _fields(row):
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def test_a_row_cannot_be_added_to_or_moved_out_of_a_published_report(wumiao, cadres):
    published = make_report(wumiao, 2026, 1, cadres=cadres)
    draft = make_report(wumiao, 2026, 2, cadres=cadres, published=False)
    with pytest.raises(PublishedRecordError):
        SunshineQuestion.objects.create(
            report=published, cadre=cadres[0], question="问", answer="答"
        )
    question = published.questions.get()
    question.report = draft
    with pytest.raises(PublishedRecordError):
        question.save()


def test_a_draft_and_its_rows_can_be_changed_and_deleted(wumiao, cadres):
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"])
    draft = make_report(wumiao, 2026, 2, cadres=cadres, tasks=["挖沟"], published=False)
    draft.evaluations.update(dissatisfied=0)
    draft.notes = "补充"
    draft.save()
    draft.delete()
    assert not SunshineReport.objects.filter(pk=draft.pk).exists()
    assert SunshineTask.objects.filter(task="修路灯").exists()


@pytest.mark.skipif(not on_postgresql, reason="the permanence triggers exist on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE disclosures_sunshinereport SET notes = 'x' WHERE id = %(report)s",
        "DELETE FROM disclosures_sunshinereport WHERE id = %(report)s",
        "UPDATE disclosures_cadreevaluation SET satisfied = 0 WHERE report_id = %(report)s",
        "DELETE FROM disclosures_sunshinequestion WHERE report_id = %(report)s",
        "UPDATE disclosures_sunshinetask SET owner = 'x' WHERE report_id = %(report)s",
        "UPDATE disclosures_taskfollowup SET outcome = 'done' WHERE report_id = %(report)s",
        "INSERT INTO disclosures_sunshinequestion (report_id, cadre_id, question, answer)"
        " VALUES (%(report)s, %(cadre)s, 'q', 'a')",
    ],
)
def test_postgresql_refuses_raw_changes_to_a_published_report(wumiao, cadres, sql):
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"])
    report = make_report(wumiao, 2026, 2, cadres=cadres, tasks=["挖沟"])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"report": report.pk, "cadre": cadres[0].pk})


# Tasks carry over until they are done.


def test_tasks_carry_over_until_they_are_done(wumiao, cadres, accountant):
    q1 = make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯", "挖沟", "建广场"])

    q2 = make_report(wumiao, 2026, 2, cadres=cadres, tasks=["修机井"], published=False)
    # A new report follows up every task of the last one, outcome still to be said.
    assert {f.task.task for f in q2.follow_ups.all()} == {"修路灯", "挖沟", "建广场"}
    q2.follow_ups.update(outcome="")
    with pytest.raises(ValidationError):
        q2.submit(accountant)
    q2.follow_ups.filter(task__task="修路灯").update(outcome=Outcome.DONE)
    q2.follow_ups.filter(task__task="挖沟").update(outcome=Outcome.NOT_DONE)
    q2.follow_ups.filter(task__task="建广场").update(outcome=Outcome.IN_PROGRESS)
    factories.publish(q2)

    # Done stops carrying; not done and in progress carry on, with the new task.
    q3 = make_report(
        wumiao, 2026, 3, cadres=cadres, outcomes={"建广场": Outcome.NOT_DONE}, published=True
    )
    assert follow_ups_of(q3) == {
        "挖沟": Outcome.DONE,
        "建广场": Outcome.NOT_DONE,
        "修机井": Outcome.DONE,
    }
    q4 = make_report(wumiao, 2026, 4, cadres=cadres, published=False)
    assert set(follow_ups_of(q4)) == {"建广场"}
    # Each follow-up points at the task where it was fixed.
    assert q4.follow_ups.get().task.report == q1


def test_only_the_villages_published_earlier_tasks_carry_over(wumiao, dongying, cadres):
    make_report(dongying, 2026, 1, cadres=make_cadres(dongying), tasks=["东营村的事"])
    make_report(wumiao, 2026, 3, cadres=cadres, tasks=["以后的事"])
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["草稿的事"], published=False)
    q2 = make_report(wumiao, 2026, 2, cadres=cadres, published=False)
    assert follow_ups_of(q2) == {}


def test_a_report_made_before_the_last_was_published_catches_up_when_submitted(
    wumiao, cadres, accountant, reviewer
):
    q1 = make_report(wumiao, 2026, 1, cadres=cadres, tasks=["修路灯"], published=False)
    q2 = make_report(wumiao, 2026, 2, cadres=cadres, published=False)
    assert follow_ups_of(q2) == {}
    q2.submit(accountant)
    # Not before the earlier quarter: its tasks would never be followed up.
    with pytest.raises(ValidationError):
        q2.publish(reviewer)
    q2.send_back(reviewer, "先发布第一季度")
    factories.publish(q1)

    with pytest.raises(ValidationError):
        q2.submit(accountant)  # the task is added now, its outcome still to be said
    assert follow_ups_of(q2) == {"修路灯": ""}
    q2.follow_ups.update(outcome=Outcome.IN_PROGRESS)
    q2.submit(accountant)
    q2.publish(reviewer)
    assert SunshineReport.objects.get(pk=q2.pk).status == Status.PUBLISHED
