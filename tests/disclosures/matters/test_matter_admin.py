"""Major matters and their steps in the admin: scoping, the rule on the form, review.

The accountant keeps 五庙村 (wumiao) only; 闫家村 (yanjia) is another township's, kept by
other_accountant. The reviewer reviews 五庙村; the township staff user works for 利国乡.
"""

import io
from decimal import Decimal

import pytest
from PIL import Image

from disclosures.attachments import Attachment
from disclosures.matters.models import MajorMatter, MatterStep
from disclosures.publishing import Status
from tests import factories
from tests.disclosures.matters.matter_data import make_matter, make_steps, month_with_entries

MATTERS = "/admin/disclosures/majormatter/"
STEPS = "/admin/disclosures/matterstep/"
REPRESENTATIVES_RULE = (
    "村民代表会议须有三分之二以上组成人员参加，所作决定须经到会人员过半数同意"
    "（《村民委员会组织法》第二十六条）"
)


@pytest.fixture
def road(wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=3)
    return matter


@pytest.fixture
def theirs(yanjia):
    matter = make_matter(yanjia, title="闫家村排水沟工程", budget="60000.00")
    make_steps(matter, published=1)
    return matter


def step_data(matter, step, **fields):
    data = {
        "matter": matter.pk,
        "step": step,
        "date": "2026-04-01",
        "body": "representatives",
        "meeting": "村民代表会议",
        "members_total": "30",
        "present": "23",
        "votes_for": "20",
        "votes_against": "2",
        "abstaining": "1",
        "record": "表决通过实施方案。",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(fields)
    return data


# Scoping


def test_the_accountant_lists_only_their_villages_matters_with_budget_spent_and_steps(
    client_for, accountant, wumiao, road, theirs
):
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", road)])

    response = client_for(accountant).get(MATTERS)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [road]
    content = response.content.decode()
    assert "180,000.00" in content
    assert "90,000.00" in content
    assert "3/6" in content
    assert "闫家村排水沟工程" not in content


def test_the_list_makes_the_same_queries_for_1_or_20_matters(client_for, accountant, wumiao):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(accountant)
    make_steps(make_matter(wumiao, title="事项0"), published=1)
    with CaptureQueriesContext(connection) as few:
        client.get(MATTERS)
    for number in range(1, 20):
        make_steps(make_matter(wumiao, title=f"事项{number}"), published=1)
    with CaptureQueriesContext(connection) as many:
        client.get(MATTERS)

    assert len(many) == len(few)


def test_another_villages_accountant_cannot_open_the_matter_or_its_steps(
    client_for, other_accountant, road
):
    client = client_for(other_accountant)

    assert client.get(f"{MATTERS}{road.pk}/change/").status_code == 302
    step = road.steps.first()
    assert client.get(f"{STEPS}{step.pk}/change/").status_code == 302
    assert list(client.get(STEPS).context["cl"].result_list) == []


def test_township_staff_see_their_townships_matters_read_only(
    client_for, township_staff, road, theirs
):
    client = client_for(township_staff)

    assert list(client.get(MATTERS).context["cl"].result_list) == [road]
    response = client.get(f"{MATTERS}{road.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_the_accountant_adds_a_matter_only_for_their_village(client_for, accountant, yanjia):
    client = client_for(accountant)
    data = {"title": "村文化广场建设", "purpose": "建设文化广场。", "budget": "86000.00"}

    refused = client.post(f"{MATTERS}add/", {**data, "village": yanjia.pk})
    assert "village" in refused.context["adminform"].form.errors

    wumiao = accountant.villages.get()
    assert client.get(f"{MATTERS}add/").context["adminform"].form.initial["village"] == wumiao.pk
    response = client.post(f"{MATTERS}add/", {**data, "village": wumiao.pk})
    assert response.status_code == 302
    assert MajorMatter.objects.get(title="村文化广场建设").village == wumiao


# The matter's page


def test_the_matters_page_lists_its_steps_and_links_to_the_next(client_for, accountant, road):
    response = client_for(accountant).get(f"{MATTERS}{road.pk}/change/")

    content = response.content.decode()
    steps = response.context["matter_steps"]
    assert [step.step for step in steps] == [1, 2, 3]
    assert content.index("党支部提议") < content.index("村两委商议") < content.index("党员大会审议")
    assert f"{STEPS}add/?matter={road.pk}&amp;step=4" in content
    assert "添加下一步：村民代表会议决议" in content


def test_a_matter_with_a_published_step_is_shown_not_edited(client_for, accountant, road):
    client = client_for(accountant)

    response = client.get(f"{MATTERS}{road.pk}/change/")
    assert not response.context["has_change_permission"]
    posted = client.post(
        f"{MATTERS}{road.pk}/change/",
        {"title": "改名", "purpose": "x", "budget": "1.00", "_save": "Save"},
    )
    assert posted.status_code == 403
    assert client.post(f"{MATTERS}{road.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MajorMatter.objects.get().budget == Decimal("180000.00")


def test_a_draft_matter_can_be_edited(client_for, accountant, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, drafts=2)

    response = client_for(accountant).post(
        f"{MATTERS}{matter.pk}/change/",
        {"title": "村内主干道硬化工程", "purpose": "改过", "budget": "190000.00", "_save": "Save"},
    )

    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.budget == Decimal("190000.00")


# The step's form


def test_the_step_form_is_prefilled_and_states_the_rule_of_its_meeting(
    client_for, accountant, road
):
    response = client_for(accountant).get(f"{STEPS}add/?matter={road.pk}&step=4")

    form = response.context["adminform"].form
    assert str(form.initial["matter"]) == str(road.pk)
    assert str(form.initial["step"]) == "4"
    content = response.content.decode()
    assert REPRESENTATIVES_RULE in content
    assert "《村民委员会组织法》第二十二条" in content  # the villagers' meeting, the other way
    assert "第十一条" not in content  # the party members' rule is for step 3


def test_the_step_form_defaults_to_the_next_step(client_for, accountant, road):
    response = client_for(accountant).get(f"{STEPS}add/?matter={road.pk}")

    assert response.context["adminform"].form.initial["step"] == 4


def test_the_party_members_step_states_its_rule(client_for, accountant, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, drafts=2)

    content = client_for(accountant).get(f"{STEPS}add/?matter={matter.pk}&step=3")

    assert "党员大会须有过半数有表决权的党员到会" in content.content.decode()


def test_a_quorum_break_is_shown_on_the_form(client_for, accountant, road):
    response = client_for(accountant).post(
        f"{STEPS}add/", step_data(road, 4, present="19", votes_for="15")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "村民代表会议须有三分之二以上组成人员参加" in errors["present"][0]
    assert "30 人中到会 19 人" in errors["present"][0]
    assert not road.steps.filter(step=4).exists()


def test_a_majority_break_is_shown_on_the_form(client_for, accountant, road):
    response = client_for(accountant).post(
        f"{STEPS}add/", step_data(road, 4, votes_for="11", votes_against="10", abstaining="2")
    )

    errors = response.context["adminform"].form.errors
    assert "所作决定须经到会人员过半数同意" in errors["votes_for"][0]


def test_a_step_out_of_order_is_shown_on_the_form(client_for, accountant, road):
    response = client_for(accountant).post(f"{STEPS}add/", step_data(road, 5, body=""))

    errors = response.context["adminform"].form.errors
    assert "请先完成村民代表会议决议" in errors["step"][0]


def test_a_step_for_another_villages_matter_is_refused(client_for, accountant, theirs):
    response = client_for(accountant).post(f"{STEPS}add/", step_data(theirs, 2))

    assert "matter" in response.context["adminform"].form.errors
    assert theirs.steps.count() == 1


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_the_accountant_records_a_step_with_an_attachment(
    client_for, accountant, road, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = step_data(road, 4)
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "会议签到表",
            "attachments-0-file": SimpleUploadedFile("张三签到.png", png_bytes(), "image/png"),
        }
    )

    response = client_for(accountant).post(f"{STEPS}add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    step = road.steps.get(step=4)
    assert step.created_by == accountant
    attachment = Attachment.objects.get(step=step)
    assert attachment.extension == "png"
    assert len(attachment.sha256) == 64
    assert "张三" not in attachment.file.name


def test_a_file_that_is_not_an_image_or_pdf_is_refused(
    client_for, accountant, road, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = step_data(road, 4)
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "脚本",
            "attachments-0-file": SimpleUploadedFile("a.png", b"<script>", "image/png"),
        }
    )

    response = client_for(accountant).post(f"{STEPS}add/", data)

    assert response.status_code == 200
    assert not road.steps.filter(step=4).exists()


# Review


def review(client, step, action, comment=""):
    return client.post(f"{STEPS}{step.pk}/review/", {"action": action, "comment": comment})


def test_a_step_is_submitted_and_published_by_two_people(
    client_for, client, accountant, reviewer, road
):
    client_for(accountant).post(f"{STEPS}add/", step_data(road, 4))
    step = road.steps.get(step=4)
    review(client, step, "submit")
    step.refresh_from_db()
    assert step.status == Status.SUBMITTED

    client.force_login(reviewer)
    review(client, step, "publish", "符合程序")

    step.refresh_from_db()
    assert step.status == Status.PUBLISHED
    assert step.published_by == reviewer
    assert len(step.fingerprint) == 64


def test_the_accountant_cannot_publish_a_step(client_for, accountant, road):
    client = client_for(accountant)
    client.post(f"{STEPS}add/", step_data(road, 4))
    step = road.steps.get(step=4)
    review(client, step, "submit")

    assert review(client, step, "publish").status_code == 403
    step.refresh_from_db()
    assert step.status == Status.SUBMITTED


def test_a_published_step_is_read_only(client_for, accountant, road):
    client = client_for(accountant)
    step = road.steps.get(step=1)

    response = client.get(f"{STEPS}{step.pk}/change/")
    assert not response.context["has_change_permission"]
    posted = client.post(f"{STEPS}{step.pk}/change/", step_data(road, 1, record="改过"))
    assert posted.status_code == 403
    assert client.post(f"{STEPS}{step.pk}/delete/", {"post": "yes"}).status_code == 403


def test_publishing_selected_steps_goes_in_step_order(client_for, reviewer, wumiao):
    matter = make_matter(wumiao)
    steps = make_steps(matter, drafts=3)
    enterer, _ = factories.workflow_users()
    for step in steps:
        step.submit(enterer)

    response = client_for(reviewer).post(
        f"{STEPS}?o=-3",  # sorted by step, last first
        {"action": "publish_selected", "_selected_action": [s.pk for s in steps]},
    )

    assert response.status_code == 302
    statuses = set(MatterStep.objects.values_list("status", flat=True))
    assert statuses == {Status.PUBLISHED}


# The ledger entry names the matter it pays for


def test_the_month_offers_only_its_own_villages_matters(client_for, wumiao, dongying, road):
    user = factories.make_user("two_villages", "Accountant", villages=[wumiao, dongying])
    make_matter(dongying, title="东营村的工程")
    month = factories.make_month(wumiao, 2026, 4, published=False)

    response = client_for(user).get(f"/admin/disclosures/ledgermonth/{month.pk}/change/")

    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["major_matter"].queryset) == [road]


def test_a_new_month_offers_only_the_users_villages_matters(client_for, accountant, road, theirs):
    response = client_for(accountant).get("/admin/disclosures/ledgermonth/add/")

    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["major_matter"].queryset) == [road]
