"""Demo sunshine reports (阳光述职) for seed_demo: the last three quarters of each village.

Each meeting is held in the first weeks after its quarter and goes through the real
review, in order, so tasks carry over: most are done by the next meeting, some are still
in progress or not done and carry over again. Decisions come from a random generator
seeded by village and quarter; nothing is created twice.
"""

import datetime
import random

from django.utils import timezone

from disclosures.sunshine.models import (
    CadreEvaluation,
    Outcome,
    SunshineQuestion,
    SunshineReport,
    SunshineTask,
    quarter_start,
)
from villages.roles import accountant_and_reviewer

QUARTERS = 3

# For each post (in the order of affairs/demo.py POSTS): what the cadre reports, a question
# villagers put, its answer, and the tasks the meeting may fix.
WORK = [
    (
        "本季度组织召开党员大会{n}次，开展主题党日活动，落实“四议两公开”，主持议定村内重大事项。",
        "村里道路硬化后，路灯什么时候能装上？",
        "已列入下季度计划，资金从村集体收入列支，装好后在公开栏公示费用。",
        ["完成主干道两侧路灯安装并公示费用", "组织党员志愿服务队清理村内积存垃圾"],
    ),
    (
        "本季度办理村民事项{m}件，完成集体土地承包费收缴，推进村内道路和文化广场项目。",
        "集体土地承包费收齐了吗？收入用在哪里？",
        "已收齐，明细见本月财务公开清单，主要用于道路维修和保洁员工资。",
        ["完成集体机井维修并恢复灌溉", "文化广场方案提交村民代表会议表决"],
    ),
    (
        "本季度整理报账凭证{m}份，按时在公开栏和本平台公开财务清单，配合经管站做好代理记账。",
        "公开栏上的招待费能不能写得再细一些？",
        "从下月起每笔招待费写明事由、人数和经手人。",
        ["招待费逐笔写明事由、人数和经手人", "整理近三年集体资产台账"],
    ),
    (
        "本季度走访困难家庭{n}户，完成低保对象入户核查，组织妇女技能培训1次。",
        "低保名单是怎么定的？",
        "按户申请、入户核查、村民代表评议、张榜公示后报乡里审批，名单已公开。",
        ["完成新申请低保家庭入户核查", "组织一次妇女就业技能培训"],
    ),
    (
        "本季度审核财务支出{m}笔，列席两委会议，监督村务公开和小微权力运行，收集群众意见{n}条。",
        "监委会审核不同意的支出怎么处理？",
        "退回经办人补充说明，仍不合规的不予报销，并在村务公开栏说明。",
        ["每月审核财务公开清单并签署意见", "对村级工程项目开展一次专项监督"],
    ),
]
FOLLOW_UP_NOTES = {
    Outcome.DONE: "已完成，群众认可。",
    Outcome.IN_PROGRESS: "正在推进，预计下季度完成。",
    Outcome.NOT_DONE: "未按期完成，下季度继续跟进。",
}


def _meetings(today, count):
    """[(year, quarter, meeting day)] of the last `count` quarters whose meeting, early in
    the next quarter, has been held by `today`; oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    meetings = []
    while len(meetings) < count:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        rng = random.Random(f"sunshine meeting|{year}-{quarter}")
        meeting = _next_quarter_start(year, quarter) + datetime.timedelta(days=rng.randint(5, 15))
        if meeting < today:
            meetings.append((year, quarter, meeting))
    return meetings[::-1]


def create_demo_sunshine_reports(village, today=None):
    """The village's sunshine reports of the last three quarters; returns how many are new."""
    today = today or timezone.localdate()
    accountant, reviewer = accountant_and_reviewer(village)
    cadres = list(village.cadres.order_by("position", "pk"))
    created = 0
    for year, quarter, meeting in _meetings(today, QUARTERS):
        if village.sunshine_reports.filter(year=year, quarter=quarter).exists():
            continue
        rng = random.Random(f"{village.code}|sunshine|{year}-{quarter}")
        report = SunshineReport.objects.create(
            village=village,
            year=year,
            quarter=quarter,
            meeting_date=meeting,
            party_members=rng.randint(24, 32),
            two_committees=rng.randint(7, 9),
            supervision_committee=3,
            villager_representatives=rng.randint(26, 35),
            created_by=accountant,
        )
        for follow_up in report.follow_ups.all():
            outcome = rng.choices(list(Outcome), weights=[6, 2, 2])[0]
            follow_up.outcome, follow_up.note = outcome, FOLLOW_UP_NOTES[outcome]
            follow_up.save()
        # Tasks are due by the end of the quarter the meeting is held in.
        deadline = _next_quarter_start(*_quarter_of(meeting)) - datetime.timedelta(days=1)
        for cadre, (reported, question, answer, tasks) in zip(cadres, WORK, strict=False):
            votes = report.attendance - rng.randint(0, 6)
            dissatisfied = rng.randint(0, 3)
            basically = rng.randint(2, 12)
            CadreEvaluation.objects.create(
                report=report,
                cadre=cadre,
                reported=reported.format(n=rng.randint(2, 6), m=rng.randint(8, 40)),
                satisfied=votes - basically - dissatisfied,
                basically_satisfied=basically,
                dissatisfied=dissatisfied,
            )
            if rng.random() < 0.6:
                SunshineQuestion.objects.create(
                    report=report, cadre=cadre, question=question, answer=answer
                )
            SunshineTask.objects.create(
                report=report,
                cadre=cadre,
                task=tasks[(year * 4 + quarter) % len(tasks)],
                owner=cadre.name,
                deadline=deadline,
            )
        report.submit(accountant)
        published = datetime.datetime.combine(meeting + datetime.timedelta(days=3), _TEN)
        report.publish(reviewer, when=timezone.make_aware(published))
        created += 1
    return created


def _quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def _next_quarter_start(year, quarter):
    return quarter_start(year + 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)


_TEN = datetime.time(10, 0)
