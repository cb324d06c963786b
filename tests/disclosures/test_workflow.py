"""Review and publication: draft → submitted → published, or sent back with a reason.

Four eyes: whoever entered or submitted a list cannot publish it. The roles (conftest.py):
the accountant keeps 五庙村 (wumiao); other_accountant keeps 闫家村 (yanjia, another
township); the reviewer reviews 五庙村; township_staff work for 利国乡 (wumiao's township).
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosures.finance import overview
from disclosures.models import LedgerMonth, ReviewEvent, Status
from tests import factories
from tests.disclosures.review_helpers import (
    admin_url,
    draft_month,
    messages_of,
    month_state,
    published_month,
    reload,
)
from villages.roles import ACCOUNTANT, REVIEWER

CHANGE = "change"
OVERVIEW = "/admin/disclosures/ledgermonth/overview/"
REVIEW = "review"


@pytest.fixture
def draft(wumiao, accountant):
    return draft_month(wumiao, created_by=accountant)


@pytest.fixture
def submitted(draft, accountant):
    draft.submit(accountant, "9月账目已整理")
    return draft


@pytest.fixture
def both_roles(wumiao):
    """Keeps and reviews 五庙村's books: has every permission, but not over their own work."""
    user = factories.make_user("both_roles", ACCOUNTANT, villages=[wumiao])
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


def events(item):
    return list(ReviewEvent.for_subject(item).values_list("action", "user__username", "comment"))


# The model: states and transitions


def test_a_new_month_is_a_draft(draft):
    assert draft.status == Status.DRAFT
    assert draft.is_editable
    assert not draft.is_published
    assert events(draft) == []


def test_it_goes_from_draft_to_submitted_to_published(draft, accountant, reviewer):
    draft.submit(accountant, "请审核")

    month = reload(draft)
    assert month.status == Status.SUBMITTED
    assert month.submitted_by == accountant
    assert month.submitted_at is not None
    assert not month.is_editable
    assert not LedgerMonth.objects.published().exists()

    month.publish(reviewer, "已核对凭证")

    month = reload(month)
    assert month.status == Status.PUBLISHED
    assert month.published_by == reviewer
    assert month.published_at is not None
    assert len(month.fingerprint) == 64
    assert LedgerMonth.objects.published().get() == month
    assert events(month) == [
        ("submit", "accountant", "请审核"),
        ("publish", "reviewer", "已核对凭证"),
    ]


def test_it_is_sent_back_with_a_reason_and_resubmitted(submitted, accountant, reviewer):
    submitted.send_back(reviewer, "记09-002 缺少审批人签字")

    month = reload(submitted)
    assert month.status == Status.RETURNED
    assert month.is_editable
    assert not month.is_published
    assert month.fingerprint == ""

    month.submit(accountant, "已补签字")
    month.publish(reviewer)

    assert reload(month).status == Status.PUBLISHED
    assert events(month) == [
        ("submit", "accountant", "9月账目已整理"),
        ("send_back", "reviewer", "记09-002 缺少审批人签字"),
        ("submit", "accountant", "已补签字"),
        ("publish", "reviewer", ""),
    ]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_sending_back_needs_a_reason(submitted, reviewer, reason):
    with pytest.raises(ValidationError):
        submitted.send_back(reviewer, reason)

    assert reload(submitted).status == Status.SUBMITTED
    assert [action for action, _, _ in events(submitted)] == ["submit"]


def test_only_a_submitted_month_is_published(draft, reviewer):
    with pytest.raises(ValidationError):
        draft.publish(reviewer)

    assert reload(draft).status == Status.DRAFT


def test_only_a_submitted_month_is_sent_back(draft, reviewer):
    with pytest.raises(ValidationError):
        draft.send_back(reviewer, "reason")

    assert reload(draft).status == Status.DRAFT


def test_a_submitted_month_cannot_be_submitted_again(submitted, accountant):
    with pytest.raises(ValidationError):
        submitted.submit(accountant)

    assert len(events(submitted)) == 1


def test_a_published_month_cannot_be_sent_back(submitted, reviewer):
    submitted.publish(reviewer)

    with pytest.raises(ValidationError):
        submitted.send_back(reviewer, "太晚了")

    assert reload(submitted).status == Status.PUBLISHED


def test_the_accountant_cannot_publish_or_send_back(wumiao, accountant):
    month = draft_month(wumiao)  # Entered by nobody in particular.
    month.submit(factories.workflow_users()[0])

    with pytest.raises(PermissionDenied):
        month.publish(accountant)
    with pytest.raises(PermissionDenied):
        month.send_back(accountant, "想撤回")

    assert reload(month).status == Status.SUBMITTED


# Four eyes


def test_the_person_who_entered_it_cannot_publish_it(wumiao, both_roles, accountant):
    month = draft_month(wumiao, created_by=both_roles)
    month.submit(accountant)

    with pytest.raises(PermissionDenied):
        month.publish(both_roles)

    assert reload(month).status == Status.SUBMITTED
    assert both_roles.has_perm(month.publish_permission)  # Not for want of the permission.


def test_the_person_who_submitted_it_cannot_publish_it(draft, both_roles):
    draft.submit(both_roles)

    with pytest.raises(PermissionDenied):
        draft.publish(both_roles)

    assert reload(draft).status == Status.SUBMITTED


def test_the_person_who_submitted_it_cannot_send_it_back_either(draft, both_roles):
    draft.submit(both_roles)

    with pytest.raises(PermissionDenied):
        draft.send_back(both_roles, "自己退回")

    assert reload(draft).status == Status.SUBMITTED


def test_a_superuser_who_entered_it_cannot_publish_it(wumiao, superuser, accountant):
    month = draft_month(wumiao, created_by=superuser)
    month.submit(accountant)

    with pytest.raises(PermissionDenied):
        month.publish(superuser)

    assert reload(month).status == Status.SUBMITTED


def test_another_person_with_both_roles_may_publish(draft, accountant, both_roles):
    draft.submit(accountant)

    draft.publish(both_roles)

    assert reload(draft).published_by == both_roles


# What a transition records and changes


def test_every_transition_is_recorded_with_user_time_and_comment(submitted, accountant, reviewer):
    before = timezone.now()
    submitted.send_back(reviewer, "请补充凭证号")
    submitted.submit(accountant, "已补充")
    submitted.publish(reviewer, "同意公开")

    recorded = list(ReviewEvent.for_subject(submitted))
    assert [(e.action, e.user, e.comment) for e in recorded] == [
        (ReviewEvent.Action.SUBMIT, accountant, "9月账目已整理"),
        (ReviewEvent.Action.SEND_BACK, reviewer, "请补充凭证号"),
        (ReviewEvent.Action.SUBMIT, accountant, "已补充"),
        (ReviewEvent.Action.PUBLISH, reviewer, "同意公开"),
    ]
    assert all(event.at is not None for event in recorded)
    assert [event.at for event in recorded] == sorted(event.at for event in recorded)
    assert recorded[-1].at >= before
    assert recorded[-1].at == reload(submitted).published_at


def test_a_back_dated_publication_is_recorded_at_that_date(submitted, reviewer):
    when = datetime.datetime(2026, 10, 5, 2, 0, tzinfo=datetime.UTC)

    submitted.publish(reviewer, when=when)

    assert reload(submitted).published_at == when
    assert ReviewEvent.for_subject(submitted).get(action="publish").at == when


def test_events_belong_to_their_own_month(wumiao, dongying, accountant, reviewer):
    september = draft_month(wumiao, created_by=accountant)
    other = draft_month(dongying, created_by=accountant)
    september.submit(accountant, "五庙村")
    other.submit(factories.workflow_users()[0], "东营村")

    assert events(september) == [("submit", "accountant", "五庙村")]
    assert events(other) == [("submit", "factory-accountant", "东营村")]


def test_publishing_bumps_the_villages_public_version(submitted, wumiao, dongying, reviewer):
    before, neighbour = wumiao.public_version, dongying.public_version

    submitted.publish(reviewer)

    wumiao.refresh_from_db()
    dongying.refresh_from_db()
    assert wumiao.public_version == before + 1
    assert dongying.public_version == neighbour


def test_submitting_or_sending_back_leaves_the_public_version(submitted, wumiao, reviewer):
    before = reload(wumiao).public_version

    submitted.send_back(reviewer, "重做")

    assert reload(wumiao).public_version == before


# The permission matrix, through the admin's review URL


def post_review(client, month, action, comment="", **headers):
    return client.post(admin_url(month, REVIEW), {"action": action, "comment": comment}, **headers)


@pytest.mark.parametrize("action", ["submit", "publish", "send_back"])
def test_anonymous_users_are_sent_to_the_login(client, submitted, draft, action):
    before = month_state(submitted)

    response = post_review(client, submitted, action, "匿名")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert month_state(submitted) == before
    assert len(events(submitted)) == 1


def test_the_accountant_submits_through_the_admin(client_for, draft, accountant):
    response = post_review(client_for(accountant), draft, "submit", "请审核")

    assert response.status_code == 302
    assert response["Location"] == admin_url(draft, CHANGE)
    month = reload(draft)
    assert month.status == Status.SUBMITTED
    assert month.submitted_by == accountant
    assert events(month) == [("submit", "accountant", "请审核")]


@pytest.mark.parametrize("action", ["publish", "send_back"])
def test_the_accountant_cannot_review_through_the_admin(client_for, submitted, accountant, action):
    before = month_state(submitted)

    response = post_review(client_for(accountant), submitted, action, "自己审")

    assert response.status_code == 403
    assert month_state(submitted) == before


@pytest.mark.parametrize("action", ["submit", "publish", "send_back"])
def test_the_accountant_of_another_village_changes_nothing(
    client_for, wumiao, other_accountant, action
):
    draft, submitted = draft_month(wumiao), draft_month(wumiao, 2026, 10)
    submitted.submit(factories.workflow_users()[0])
    client = client_for(other_accountant)

    for month in (draft, submitted):
        before = month_state(month)
        response = post_review(client, month, action, "越权")
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"] == "/admin/"
        assert month_state(month) == before


def test_the_reviewer_publishes_through_the_admin(client_for, submitted, wumiao, reviewer):
    before = reload(wumiao).public_version

    response = post_review(client_for(reviewer), submitted, "publish", "同意")

    assert response.status_code == 302
    month = reload(submitted)
    assert month.status == Status.PUBLISHED
    assert month.published_by == reviewer
    assert events(month)[-1] == ("publish", "reviewer", "同意")
    assert reload(wumiao).public_version == before + 1


def test_the_reviewer_sends_back_through_the_admin(client_for, submitted, reviewer):
    response = post_review(client_for(reviewer), submitted, "send_back", "附件不全")

    assert response.status_code == 302
    assert reload(submitted).status == Status.RETURNED
    assert events(submitted)[-1] == ("send_back", "reviewer", "附件不全")


def test_the_reviewer_cannot_send_back_without_a_reason(client_for, submitted, reviewer):
    client = client_for(reviewer)

    response = post_review(client, submitted, "send_back", "  ", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert reload(submitted).status == Status.SUBMITTED
    assert messages_of(response) == ["Say why it is sent back, so it can be fixed."]
    assert len(events(submitted)) == 1


def test_the_reviewer_cannot_submit_a_draft(client_for, draft, reviewer):
    response = post_review(client_for(reviewer), draft, "submit")

    assert response.status_code == 403
    assert reload(draft).status == Status.DRAFT


def test_the_reviewer_of_another_village_cannot_publish(client_for, yanjia, reviewer):
    month = draft_month(yanjia)
    month.submit(factories.workflow_users()[0])

    response = post_review(client_for(reviewer), month, "publish")

    assert response.status_code in (302, 404)
    assert reload(month).status == Status.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "publish", "send_back"])
def test_township_staff_only_look(client_for, wumiao, township_staff, action):
    draft, submitted = draft_month(wumiao), draft_month(wumiao, 2026, 10)
    submitted.submit(factories.workflow_users()[0])
    client = client_for(township_staff)

    for month in (draft, submitted):
        assert client.get(admin_url(month, CHANGE)).status_code == 200  # They may look.
        before = month_state(month)
        assert post_review(client, month, action, "乡镇").status_code == 403
        assert month_state(month) == before


def test_the_review_url_refuses_a_get(client_for, submitted, reviewer):
    assert client_for(reviewer).get(admin_url(submitted, REVIEW)).status_code == 403
    assert reload(submitted).status == Status.SUBMITTED


def test_an_unknown_action_is_refused(client_for, submitted, reviewer):
    assert post_review(client_for(reviewer), submitted, "delete").status_code == 403
    assert reload(submitted).status == Status.SUBMITTED


def test_four_eyes_hold_in_the_admin_for_a_superuser(client_for, wumiao, superuser, accountant):
    month = draft_month(wumiao, created_by=superuser)
    month.submit(accountant)

    response = post_review(client_for(superuser), month, "publish", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert reload(month).status == Status.SUBMITTED
    assert any("Four eyes" in message for message in messages_of(response))


def test_a_month_entered_in_the_admin_records_who_entered_it(client_for, wumiao, accountant):
    client = client_for(accountant)
    response = client.post(
        "/admin/disclosures/ledgermonth/add/",
        {
            "village": wumiao.pk,
            "year": "2026",
            "month": "11",
            "opening_balance": "100.00",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    month = LedgerMonth.objects.get()
    assert month.created_by == accountant

    post_review(client, month, "submit")
    assert reload(month).status == Status.SUBMITTED


# Editing while under review


def change_data(month, opening_balance):
    return {
        "village": month.village_id,
        "year": str(month.year),
        "month": str(month.month),
        "opening_balance": opening_balance,
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "_save": "Save",
    }


def test_a_submitted_month_is_read_only_for_the_accountant(client_for, submitted, accountant):
    client = client_for(accountant)
    before = month_state(submitted)

    page = client.get(admin_url(submitted, CHANGE))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    assert client.post(admin_url(submitted, "delete"), {"post": "yes"}).status_code == 403
    assert month_state(submitted) == before


def test_changing_a_submitted_month_is_forbidden(client_for, submitted, accountant):
    before = month_state(submitted)

    response = client_for(accountant).post(
        admin_url(submitted, CHANGE), change_data(submitted, "1.00")
    )

    assert response.status_code == 403
    assert month_state(submitted) == before


def test_a_returned_month_is_editable_again(client_for, submitted, accountant, reviewer):
    submitted.send_back(reviewer, "期初余额有误")
    client = client_for(accountant)

    page = client.get(admin_url(submitted, CHANGE))
    assert page.context["has_change_permission"] is True
    assert 'name="_save"' in page.content.decode()

    response = client.post(admin_url(submitted, CHANGE), change_data(submitted, "12000.00"))

    assert response.status_code == 302
    month = reload(submitted)
    assert str(month.opening_balance) == "12000.00"
    assert month.status == Status.RETURNED


# The review panel on the change page


def review_buttons(response):
    content = response.content.decode()
    return {
        action
        for action in ("submit", "publish", "send_back")
        if f'name="action" value="{action}"' in content
    }


def test_the_panel_offers_the_accountant_to_submit_a_draft(client_for, draft, accountant):
    response = client_for(accountant).get(admin_url(draft, CHANGE))

    assert review_buttons(response) == {"submit"}
    assert f'action="{admin_url(draft, REVIEW)}"' in response.content.decode()


def test_the_panel_offers_the_reviewer_to_publish_or_send_back(client_for, submitted, reviewer):
    response = client_for(reviewer).get(admin_url(submitted, CHANGE))

    assert review_buttons(response) == {"publish", "send_back"}


def test_the_panel_offers_nothing_to_the_accountant_while_submitted(
    client_for, submitted, accountant
):
    assert review_buttons(client_for(accountant).get(admin_url(submitted, CHANGE))) == set()


def test_the_panel_offers_nothing_to_the_reviewer_for_a_draft(client_for, draft, reviewer):
    assert review_buttons(client_for(reviewer).get(admin_url(draft, CHANGE))) == set()


def test_the_panel_offers_nothing_to_township_staff(client_for, submitted, township_staff):
    response = client_for(township_staff).get(admin_url(submitted, CHANGE))

    assert response.status_code == 200
    assert review_buttons(response) == set()


def test_the_panel_offers_nothing_once_published(client_for, submitted, accountant, reviewer):
    submitted.publish(reviewer)

    for user in (accountant, reviewer):
        response = client_for(user).get(admin_url(submitted, CHANGE))
        assert review_buttons(response) == set()
        assert reload(submitted).fingerprint in response.content.decode()


def test_the_panel_shows_the_history(client_for, submitted, accountant, reviewer):
    submitted.send_back(reviewer, "记09-002 缺少审批人签字")
    submitted.submit(accountant, "已补签字")

    response = client_for(reviewer).get(admin_url(submitted, CHANGE))

    assert list(response.context["review_events"]) == list(ReviewEvent.for_subject(submitted))
    panel = response.content.decode().split('id="review"')[1]
    for text in ["9月账目已整理", "记09-002 缺少审批人签字", "已补签字", "accountant", "reviewer"]:
        assert text in panel
    assert panel.index("9月账目已整理") < panel.index("缺少审批人签字") < panel.index("已补签字")


# The overview of an accountant's villages


def test_the_overview_shows_each_months_state(client_for, wumiao, accountant, reviewer):
    periods = overview.recent_periods()
    (y1, m1), (y2, m2), (y3, m3), (y4, m4) = periods[-5:-1]
    published_month(wumiao, y1, m1)
    draft_month(wumiao, y2, m2)
    submitted = draft_month(wumiao, y3, m3)
    factories.state_test_reasons(submitted)  # it opens at 10,000 whatever y1-m1 closed at
    submitted.submit(factories.workflow_users()[0])
    returned = draft_month(wumiao, y4, m4)
    factories.state_test_reasons(returned)
    returned.submit(accountant)
    returned.send_back(reviewer, "重做")

    response = client_for(accountant).get(OVERVIEW)

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["village"] == wumiao
    statuses = {(cell["year"], cell["month"]): cell["status"] for cell in row["cells"]}
    assert statuses[(y1, m1)] == Status.PUBLISHED
    assert statuses[(y2, m2)] == Status.DRAFT
    assert statuses[(y3, m3)] == Status.SUBMITTED
    assert statuses[(y4, m4)] == Status.RETURNED
    assert statuses[periods[-1]] == overview.MISSING
    assert statuses[periods[0]] == overview.MISSING
    content = response.content.decode()
    for css in ["missing", "draft", "submitted", "returned", "published"]:
        assert f'class="{css}"' in content


def test_the_overview_lists_only_the_accountants_villages(
    client_for, wumiao, dongying, yanjia, accountant
):
    year, month = overview.recent_periods()[-2]
    draft_month(dongying, year, month)
    draft_month(yanjia, year, month)

    response = client_for(accountant).get(OVERVIEW)

    assert [row["village"] for row in response.context["rows"]] == [wumiao]
    content = response.content.decode()
    assert "五庙村" in content
    assert "东营村" not in content
    assert "闫家村" not in content


def test_the_overview_of_township_staff_lists_their_townships_villages(
    client_for, wumiao, dongying, yanjia, township_staff
):
    response = client_for(township_staff).get(OVERVIEW)

    assert [row["village"] for row in response.context["rows"]] == [wumiao, dongying]


def test_the_overview_is_for_staff_only(client, wumiao):
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_changelist_links_to_the_overview(client_for, accountant, wumiao):
    response = client_for(accountant).get("/admin/disclosures/ledgermonth/")

    assert f'href="{OVERVIEW}"' in response.content.decode()
