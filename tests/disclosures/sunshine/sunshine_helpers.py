"""Test data for sunshine reports (阳光述职)."""

import datetime

from disclosures.affairs.models import Cadre
from disclosures.sunshine.models import (
    CadreEvaluation,
    Outcome,
    SunshineQuestion,
    SunshineReport,
    SunshineTask,
    quarter_start,
)
from tests.factories import publish

CADRES = [("韩兴和", "党支部书记"), ("闫文明", "村委会主任")]


def make_cadres(village, people=CADRES):
    return [
        Cadre.objects.create(
            village=village,
            name=name,
            post=post,
            term_start=datetime.date(2026, 3, 20),
            position=position,
        )
        for position, (name, post) in enumerate(people)
    ]


def meeting_after(year, quarter, days=10):
    """A day early in the quarter after (year, quarter)."""
    next_start = quarter_start(year + 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)
    return next_start + datetime.timedelta(days=days)


def make_report(
    village,
    year=2026,
    quarter=1,
    *,
    cadres,
    tasks=(),
    outcomes=None,
    votes=(20, 8, 2),
    question=True,
    published=True,
    when=None,
):
    """A report with one evaluation per cadre, a question to the first cadre and the
    given tasks (texts, fixed for the first cadre). `outcomes` says how the carried-over
    tasks went, by task text; those not named are done."""
    report = SunshineReport.objects.create(
        village=village,
        year=year,
        quarter=quarter,
        meeting_date=meeting_after(year, quarter),
        party_members=28,
        two_committees=9,
        supervision_committee=3,
        villager_representatives=30,
    )
    outcomes = outcomes or {}
    for follow_up in report.follow_ups.select_related("task"):
        follow_up.outcome = outcomes.get(follow_up.task.task, Outcome.DONE)
        follow_up.save()
    satisfied, basically, dissatisfied = votes
    for cadre in cadres:
        CadreEvaluation.objects.create(
            report=report,
            cadre=cadre,
            reported=f"{cadre.name}{year}年第{quarter}季度述职",
            satisfied=satisfied,
            basically_satisfied=basically,
            dissatisfied=dissatisfied,
        )
    if question:
        SunshineQuestion.objects.create(
            report=report, cadre=cadres[0], question="路灯什么时候装？", answer="下季度装好。"
        )
    for text in tasks:
        SunshineTask.objects.create(
            report=report,
            cadre=cadres[0],
            task=text,
            owner=cadres[0].name,
            deadline=report.meeting_date + datetime.timedelta(days=60),
        )
    if published:
        publish(report, when=when)
    return report


def follow_ups_of(report):
    """{task text: outcome} of the report's follow-ups."""
    return {f.task.task: f.outcome for f in report.follow_ups.select_related("task")}
