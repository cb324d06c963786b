"""Sunshine reports in the admin: entry with inlines, carried-over tasks, review, and who
sees what."""

import pytest

from disclosures.publishing import Status
from disclosures.sunshine.models import Outcome, SunshineReport
from tests.disclosures.affairs.affairs_helpers import management, row_form
from tests.disclosures.sunshine.sunshine_helpers import make_cadres, make_report

ADMIN = "/admin/disclosures/sunshinereport/"
INLINES = ["follow_ups", "evaluations", "questions", "tasks"]


def change_url(report):
    return f"{ADMIN}{report.pk}/change/"


def review(client, report, action, comment=""):
    return client.post(f"{ADMIN}{report.pk}/review/", {"action": action, "comment": comment})


def empty_inlines(*except_for):
    data = {}
    for prefix in INLINES:
        if prefix not in except_for:
            data.update(management(prefix, 0))
    return data


@pytest.fixture
def cadres(wumiao):
    return make_cadres(wumiao)


def add_report(client, village, cadre, **extra):
    return client.post(
        f"{ADMIN}add/",
        {
            "village": village.pk,
            "year": "2026",
            "quarter": "2",
            "meeting_date": "2026-07-08",
            "party_members": "28",
            "two_committees": "9",
            "supervision_committee": "3",
            "villager_representatives": "30",
            "notes": "",
            **empty_inlines("evaluations", "questions", "tasks"),
            **management("evaluations", 1),
            **row_form(
                "evaluations",
                0,
                cadre=cadre.pk,
                reported="本季度完成道路硬化。",
                satisfied="50",
                basically_satisfied="10",
                dissatisfied="2",
            ),
            **management("questions", 1),
            **row_form("questions", 0, cadre=cadre.pk, question="路灯呢？", answer="下月装。"),
            **management("tasks", 1),
            **row_form(
                "tasks", 0, cadre=cadre.pk, task="安装路灯", owner=cadre.name, deadline="2026-09-30"
            ),
            **extra,
        },
    )


def test_an_accountant_enters_a_report_and_last_quarters_tasks_come_with_it(
    wumiao, cadres, accountant, client_for
):
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["清理垃圾"])
    client = client_for(accountant)
    response = add_report(client, wumiao, cadres[0])
    assert response.status_code == 302
    report = SunshineReport.objects.get(quarter=2)
    assert report.created_by == accountant and report.status == Status.DRAFT
    assert report.evaluations.get().satisfaction_percent == "96.8%"
    assert report.questions.get().answer == "下月装。"
    assert report.tasks.get().task == "安装路灯"
    follow_up = report.follow_ups.get()
    assert follow_up.task.task == "清理垃圾" and follow_up.outcome == ""
    page = client.get(change_url(report)).content.decode()
    assert "清理垃圾" in page and 'name="follow_ups-0-outcome"' in page


def test_the_outcome_of_each_carried_task_is_needed_before_submitting(
    wumiao, cadres, accountant, reviewer, client_for
):
    make_report(wumiao, 2026, 1, cadres=cadres, tasks=["清理垃圾"])
    client = client_for(accountant)
    add_report(client, wumiao, cadres[0])
    report = SunshineReport.objects.get(quarter=2)
    review(client, report, "submit")
    report.refresh_from_db()
    assert report.status == Status.DRAFT

    follow_up = report.follow_ups.get()
    evaluation, question, task = (
        report.evaluations.get(),
        report.questions.get(),
        report.tasks.get(),
    )
    response = client.post(
        change_url(report),
        {
            "meeting_date": "2026-07-08",
            "party_members": "28",
            "two_committees": "9",
            "supervision_committee": "3",
            "villager_representatives": "30",
            "notes": "",
            **management("follow_ups", 1, initial=1),
            **row_form(
                "follow_ups", 0, id=follow_up.pk, report=report.pk, outcome="done", note="已清理"
            ),
            **management("evaluations", 1, initial=1),
            **row_form(
                "evaluations",
                0,
                id=evaluation.pk,
                report=report.pk,
                cadre=cadres[0].pk,
                reported=evaluation.reported,
                satisfied="50",
                basically_satisfied="10",
                dissatisfied="2",
            ),
            **management("questions", 1, initial=1),
            **row_form(
                "questions",
                0,
                id=question.pk,
                report=report.pk,
                cadre=cadres[0].pk,
                question=question.question,
                answer=question.answer,
            ),
            **management("tasks", 1, initial=1),
            **row_form(
                "tasks",
                0,
                id=task.pk,
                report=report.pk,
                cadre=cadres[0].pk,
                task=task.task,
                owner=task.owner,
                deadline="2026-09-30",
            ),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    follow_up.refresh_from_db()
    assert follow_up.outcome == Outcome.DONE and follow_up.note == "已清理"

    review(client, report, "submit")
    review(client, report, "publish")  # four eyes: not by who entered it
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    review(client_for(reviewer), report, "publish")
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED

    # Published: shown, not edited.
    page = client_for(accountant).get(change_url(report)).content.decode()
    assert "清理垃圾" in page and "已清理" in page
    assert 'name="follow_ups-0-outcome"' not in page and 'name="meeting_date"' not in page


def test_only_the_reports_village_cadres_are_offered(
    wumiao, dongying, cadres, accountant, client_for
):
    dongying.staff.add(accountant)
    make_cadres(dongying, [("东营干部", "村委会主任")])
    report = make_report(wumiao, cadres=cadres, published=False)
    page = client_for(accountant).get(change_url(report)).content.decode()
    assert "韩兴和" in page and "东营干部" not in page


def test_a_cadre_of_another_village_is_refused(wumiao, dongying, cadres, accountant, client_for):
    dongying.staff.add(accountant)
    stranger = make_cadres(dongying, [("东营干部", "村委会主任")])[0]
    response = add_report(client_for(accountant), wumiao, stranger)
    assert response.status_code == 200
    assert not SunshineReport.objects.exists()


def test_an_accountant_of_another_village_sees_nothing(
    wumiao, cadres, accountant, other_accountant, client_for
):
    report = make_report(wumiao, cadres=cadres, published=False)
    client = client_for(other_accountant)
    assert list(client.get(ADMIN).context["cl"].queryset) == []
    assert client.get(change_url(report)).status_code == 302  # "does not exist" redirect
    assert review(client, report, "submit").status_code == 404
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    add_page = client.get(f"{ADMIN}add/").content.decode()
    assert wumiao.name not in add_page and "韩兴和" not in add_page


def test_the_accountant_lists_their_own_villages_reports(
    wumiao, yanjia, cadres, accountant, client_for
):
    mine = make_report(wumiao, cadres=cadres, published=False)
    make_report(yanjia, cadres=make_cadres(yanjia, [("闫家干部", "书记")]), published=False)
    response = client_for(accountant).get(ADMIN)
    assert list(response.context["cl"].queryset) == [mine]


def test_township_staff_and_reviewers_only_view(
    wumiao, cadres, township_staff, reviewer, client_for
):
    report = make_report(wumiao, cadres=cadres, published=False)
    for user in (township_staff, reviewer):
        client = client_for(user)
        page = client.get(change_url(report))
        assert page.status_code == 200
        assert 'name="meeting_date"' not in page.content.decode()
        assert client.get(f"{ADMIN}add/").status_code == 403
