"""Demo questions for a village: one answered about a line of the latest month, one the
asker said was not resolved and the township answered, one overdue and escalated, one
waiting, and one hidden by township staff. Created once per village."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from disclosures.finance.models import Kind, LedgerEntry
from disclosures.publishing import Status
from disclosures.questions.models import Question


def create_demo_questions(village, accountant_username, township_username):
    if village.questions.exists():
        return
    users = get_user_model().objects
    accountant = users.get(username=accountant_username)
    township_staff = users.get(username=township_username)
    now = timezone.now()

    def days_ago(days):
        return now - datetime.timedelta(days=days)

    largest = (
        LedgerEntry.objects.filter(
            ledger__village=village,
            ledger__status=Status.PUBLISHED,
            correction__isnull=True,
            kind=Kind.EXPENSE,
            description__contains="维修",  # A repair: the answer below speaks of the repairer.
        )
        .order_by("-ledger__year", "-ledger__month", "-amount")
        .first()
    )
    if largest is not None:
        question = Question.receive(
            village,
            f"{largest.description}这笔{largest.amount:,.0f}元，是付给谁的？有没有经过村民代表同意？",
            name="刘桂兰",
            phone="13705431234",
            subject=largest,
            now=days_ago(9),
        )
        question.answer(
            accountant,
            "这笔钱付给承接维修的施工队，发票和合同已交村务监督委员会审核，"
            "审核意见在本月财务公开的凭证说明里。欢迎到村委会查看原件。",
            now=days_ago(6),
        )

    disputed = Question.receive(
        village,
        "保洁员工资每月1500元，保洁员是怎么选出来的？",
        now=days_ago(30),
    )
    disputed.answer(accountant, "保洁员由村两委研究确定。", now=days_ago(27))
    disputed.say_not_resolved(now=days_ago(26))
    disputed.answer(
        township_staff,
        "经乡镇核实：保洁员岗位应当公开招聘。乡镇已要求村里下月起公开报名、"
        "村民代表会议确定人选，并在公开栏公示结果。",
        now=days_ago(20),
    )

    Question.receive(village, "村东头的路灯坏了两个月了，什么时候修？", now=days_ago(40))
    Question.objects.escalate_overdue(now)

    Question.receive(village, "今年的光伏分红什么时候发到各户？", now=days_ago(2))

    hidden = Question.receive(village, "某某家的低保是靠关系拿到的，他家电话是……", now=days_ago(5))
    hidden.hide(township_staff, "含他人电话号码，已转乡镇核查", now=days_ago(4))
