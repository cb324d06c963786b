"""The admin's home page is a work queue for the user's roles (disclosures/desk/queue.py),
holding only the user's villages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.desk.queue import work_queue
from disclosures.questions.models import Question
from tests import factories
from tests.disclosures.questions.question_helpers import at
from tests.disclosures.review_helpers import draft_month
from villages.roles import ACCOUNTANT, REVIEWER

ON = datetime.date(2026, 9, 25)


def ask(village, text, when):
    return Question.receive(village, text, now=when)


def section(queue, key):
    (found,) = [s for s in queue.sections if s.key == key]
    return found


def texts(section):
    return [f"{line.village.name if line.village else ''} {line.text}" for line in section.lines]


@pytest.fixture
def submitted(wumiao, yanjia, accountant, other_accountant):
    """A month submitted in each village, by each village's accountant."""
    months = []
    for village, user in ((wumiao, accountant), (yanjia, other_accountant)):
        month = draft_month(village, 2026, 8, created_by=user)
        month.submit(user)
        months.append(month)
    return months


def test_an_accountant_sees_the_lists_due_in_their_villages_only(accountant, wumiao, yanjia):
    due = section(work_queue(accountant, on=ON), "due")

    assert due.total > 0
    assert {line.village for line in due.lines} == {wumiao}
    # Overdue first: the deadline has passed and nothing is published.
    assert due.lines[0].urgent
    assert due.lines[0].when <= ON
    assert [line.when for line in due.lines] == sorted(line.when for line in due.lines)


def test_a_missing_finance_list_links_to_a_new_month_filled_in(accountant, wumiao):
    due = section(work_queue(accountant, on=ON), "due")

    october = [line for line in due.lines if line.text in ("十月财务", "October finance")]
    assert october, texts(due)
    assert october[0].url == (
        f"{reverse('admin:disclosures_ledgermonth_add')}?village={wumiao.pk}&year=2025&month=10"
    )


def test_a_published_list_is_no_longer_due(accountant, reviewer, wumiao):
    before = section(work_queue(accountant, on=ON), "due").total
    month = draft_month(wumiao, 2026, 8, created_by=accountant)
    month.submit(accountant)
    month.publish(reviewer, when=timezone.make_aware(datetime.datetime(2026, 9, 5, 10)))

    assert section(work_queue(accountant, on=ON), "due").total == before - 1


def test_an_accountant_sees_what_was_sent_back_and_why(submitted, reviewer, accountant):
    wumiao_month, yanjia_month = submitted
    wumiao_month.send_back(reviewer, "请补上8月15日那笔的审批人")
    other_reviewer = factories.make_user("r2", REVIEWER, villages=[yanjia_month.village])
    yanjia_month.send_back(other_reviewer, "别的村的退回")

    sent_back = section(work_queue(accountant, on=ON), "sent_back")

    assert sent_back.total == 1
    (line,) = sent_back.lines
    assert line.note == "请补上8月15日那笔的审批人"
    assert line.url == reverse("admin:disclosures_ledgermonth_change", args=[wumiao_month.pk])


def test_a_reviewer_sees_what_waits_for_review_in_their_villages(submitted, reviewer):
    waiting = section(work_queue(reviewer, on=ON), "to_review")

    assert waiting.total == 1
    assert waiting.lines[0].url == reverse(
        "admin:disclosures_ledgermonth_change", args=[submitted[0].pk]
    )


def test_a_reviewer_is_not_asked_to_review_what_they_submitted(wumiao):
    both = factories.make_user("both", ACCOUNTANT, villages=[wumiao])
    both.groups.add(*factories.make_user("tmp", REVIEWER).groups.all())
    month = draft_month(wumiao, 2026, 8, created_by=both)
    month.submit(both)

    queue = work_queue(type(both).objects.get(pk=both.pk), on=ON)

    assert section(queue, "to_review").total == 0


def test_oldest_submission_comes_first(wumiao, accountant, reviewer):
    months = []
    for number in (7, 6):
        month = draft_month(wumiao, 2026, number, created_by=accountant)
        month.submit(accountant)
        months.append(month)
    waiting = section(work_queue(reviewer, on=ON), "to_review")

    change = "admin:disclosures_ledgermonth_change"
    assert [line.url for line in waiting.lines] == [
        reverse(change, args=[month.pk]) for month in months
    ]


def test_township_staff_see_overdue_and_escalated_questions_and_villages_behind(
    township_staff, wumiao, yanjia
):
    ask(wumiao, "早就该答复的问题", at(2026, 1, 5))
    Question.objects.escalate_overdue(at(2026, 3, 1))
    ask(wumiao, "刚提的问题", at(2026, 9, 20))
    ask(yanjia, "别的乡的问题", at(2026, 1, 5))

    queue = work_queue(township_staff, on=ON)

    questions = section(queue, "questions")
    assert [line.text for line in questions.lines] == ["早就该答复的问题"]
    behind = section(queue, "behind")
    assert {line.village.township.code for line in behind.lines} == {"371603201"}
    assert behind.lines[0].url == reverse(
        "admin:disclosures_compliance_village", args=[behind.lines[0].village.code]
    )


def test_an_accountant_sees_the_questions_waiting_in_their_villages(accountant, wumiao, yanjia):
    ask(wumiao, "早就该答复的问题", at(2026, 1, 5))
    Question.objects.escalate_overdue(at(2026, 3, 1))
    ask(wumiao, "刚提的问题", at(2026, 9, 20))
    ask(yanjia, "别的村的问题", at(2026, 9, 20))

    waiting = section(work_queue(accountant, on=ON), "questions")

    assert [line.text for line in waiting.lines] == ["早就该答复的问题", "刚提的问题"]
    assert [line.urgent for line in waiting.lines] == [True, False]


def test_a_long_section_shows_its_first_lines_and_the_total(accountant, wumiao):
    due = section(work_queue(accountant, on=ON), "due")

    assert due.total > len(due.lines) == 15


def test_the_home_page_is_the_queue_in_chinese_with_the_township_named(
    client_for, accountant, submitted
):
    client = client_for(accountant)
    html = client.get(reverse("admin:index")).content.decode()

    assert "村务公开 · 管理 · 利国乡" in html
    assert 'id="work-queue"' in html
    assert "待报清单" in html
    # The model list stays reachable.
    assert reverse("admin:disclosures_ledgermonth_changelist") in html


def test_the_home_page_costs_the_same_whatever_the_history(
    client_for, accountant, wumiao, django_assert_max_num_queries
):
    client = client_for(accountant)
    client.get(reverse("admin:index"))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("admin:index"))
    for number in range(1, 8):
        month = draft_month(wumiao, 2025, number, created_by=accountant)
        month.submit(accountant)
    with django_assert_max_num_queries(25) as big:
        client.get(reverse("admin:index"))
    assert len(big.captured_queries) == len(small.captured_queries)


def test_a_superuser_home_page_answers(client_for, superuser, submitted):
    assert client_for(superuser).get(reverse("admin:index")).status_code == 200


def test_the_queue_date_defaults_to_beijing_today(accountant):
    assert work_queue(accountant).sections  # no clock given: today in Asia/Shanghai
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


def test_a_list_already_begun_comes_first_and_opens_the_draft(accountant, wumiao):
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)

    first = section(work_queue(accountant, on=ON), "due").lines[0]

    assert first.begun
    assert first.url == reverse("admin:disclosures_ledgermonth_change", args=[month.pk])
    assert "草稿" in first.note


def test_township_staff_see_their_people_s_locked_accounts(township_staff, accountant, settings):
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    AccessAttempt.objects.create(username=accountant.username, failures_since_start=limit)
    AccessAttempt.objects.create(username="stranger", failures_since_start=limit)
    AccessAttempt.objects.create(username="other_accountant", failures_since_start=limit - 1)

    locked = section(work_queue(township_staff, on=ON), "locked")

    assert [line.text for line in locked.lines] == [accountant.username]
    assert locked.lines[0].url.endswith(f"?q={accountant.username}")
