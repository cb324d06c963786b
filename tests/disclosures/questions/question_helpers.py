"""Test data for 码上问: questions received at a given moment, answered by a given user."""

import datetime
import zoneinfo

from disclosures.questions.models import Question

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NAME = "王秀英"
PHONE = "13912345678"


def at(year, month, day, hour=10):
    """A moment in Beijing time: the clock the tests move by hand."""
    return datetime.datetime(year, month, day, hour, tzinfo=BEIJING)


def ask(village, text="这笔6500元的支出是做什么用的？", *, when=None, subject=None):
    return Question.receive(
        village, text, name=NAME, phone=PHONE, subject=subject, now=when or at(2026, 11, 2)
    )
