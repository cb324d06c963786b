"""Who asked is for township staff only: never on a public page, never to the village's
own accountants and reviewers, not through the admin's list, search, filters or history."""

import pytest
from django.urls import reverse

from disclosures.questions.models import Question
from tests import factories
from tests.disclosures.questions.question_helpers import NAME, PHONE, ask
from villages.roles import TOWNSHIP_STAFF

PHONE_PREFIX = PHONE[:7]


@pytest.fixture
def question(wumiao, accountant):
    month = factories.make_month(wumiao, 2026, 10, entries=2)
    question = ask(wumiao, subject=month.entries.first())
    question.answer(accountant, "这是修路的材料费。")
    return question


@pytest.fixture
def other_township_staff(huangsheng):
    return factories.make_user("huangsheng_staff", TOWNSHIP_STAFF, townships=[huangsheng])


def admin_pages(question):
    change = reverse("admin:disclosures_question_change", args=[question.pk])
    changelist = reverse("admin:disclosures_question_changelist")
    # (Searches echo the term typed: test_village_staff_cannot_find… counts their results.)
    return [
        changelist,
        f"{changelist}?q=6500",
        change,
        reverse("admin:disclosures_question_history", args=[question.pk]),
    ]


def public_pages(question):
    village = question.village
    return [
        village.get_absolute_url(),
        f"{village.get_absolute_url()}finance/2026-10/",
        reverse("disclosures:questions", args=[village.code]),
        reverse("disclosures:tracking", args=[question.tracking_code]),
        reverse("disclosures:ask", args=[village.code]) + f"?entry={question.entry_id}",
    ]


def assert_not_shown(client, urls):
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        assert NAME not in html, url
        assert PHONE_PREFIX not in html, url


def test_public_pages_never_show_who_asked(client, question):
    assert_not_shown(client, public_pages(question))


@pytest.mark.parametrize("role", ["accountant", "reviewer", "other_township_staff"])
def test_village_staff_and_other_townships_never_see_who_asked(client, question, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert_not_shown(client, admin_pages(question) + public_pages(question))


def test_village_staff_cannot_find_a_question_by_the_askers_phone(client, question, accountant):
    client.force_login(accountant)
    changelist = reverse("admin:disclosures_question_changelist")
    by_text = client.get(changelist, {"q": "6500"})
    assert by_text.context["cl"].result_count == 1
    for term in (PHONE, NAME, question.tracking_code):
        assert client.get(changelist, {"q": term}).context["cl"].result_count == 0


def test_the_admin_refuses_lookups_on_private_fields(client, question, accountant):
    client.force_login(accountant)
    changelist = reverse("admin:disclosures_question_changelist")
    for lookup in ("asker_phone__startswith", "asker_name", "tracking_code__startswith"):
        response = client.get(changelist, {lookup: PHONE[:3]})
        # The admin answers a lookup it does not allow with an error redirect, never a list.
        assert response.status_code in (302, 400), lookup
        assert "cl" not in (response.context or {}), lookup


def test_township_staff_see_who_asked(client, question, township_staff):
    client.force_login(township_staff)
    change = client.get(reverse("admin:disclosures_question_change", args=[question.pk]))
    html = change.content.decode()
    assert NAME in html and PHONE in html and question.tracking_code in html
    changelist = reverse("admin:disclosures_question_changelist")
    listing = client.get(changelist).content.decode()
    assert NAME in listing and PHONE in listing
    assert client.get(changelist, {"q": PHONE}).context["cl"].result_count == 1
    found = client.get(changelist, {"q": question.display_code.lower()})
    assert found.context["cl"].result_count == 1


def test_a_superuser_sees_who_asked(client, question, superuser):
    client.force_login(superuser)
    html = client.get(
        reverse("admin:disclosures_question_change", args=[question.pk])
    ).content.decode()
    assert PHONE in html


def test_staff_of_another_township_do_not_see_the_question_at_all(
    client, question, other_township_staff, other_accountant
):
    for user in (other_township_staff, other_accountant):
        client.force_login(user)
        changelist = client.get(reverse("admin:disclosures_question_changelist"))
        assert changelist.context["cl"].result_count == 0
        change = client.get(reverse("admin:disclosures_question_change", args=[question.pk]))
        assert change.status_code == 302  # The admin's "does not exist" redirect.


def test_a_township_staff_user_also_assigned_to_a_village_elsewhere(
    client, question, yanjia, township_staff
):
    """Township staff of 利国乡 who also keep 闫家村's books (黄升镇) see who asked in 利国乡
    only."""
    yanjia.staff.add(township_staff)
    elsewhere = ask(yanjia, "闫家村的问题是什么？")
    client.force_login(township_staff)
    changelist = reverse("admin:disclosures_question_changelist")
    listing = client.get(changelist, {"q": "闫家村"})
    assert listing.context["cl"].result_count == 1
    assert PHONE not in listing.content.decode()
    change = client.get(reverse("admin:disclosures_question_change", args=[elsewhere.pk]))
    assert PHONE not in change.content.decode()
    # Searching by phone finds 利国乡's question, not 闫家村's.
    found = client.get(changelist, {"q": PHONE}).context["cl"].result_list
    assert [q.pk for q in found] == [question.pk]


def test_the_askers_details_stay_in_the_database(question):
    stored = Question.objects.get(pk=question.pk)
    assert (stored.asker_name, stored.asker_phone) == (NAME, PHONE)


# Personal numbers typed into the question itself

TYPED = "我的手机13812345678，身份证371603198001011234，银行卡6222 0212 3456 7890 123没收到补贴"
MASKED = "我的手机138****5678，身份证3716**********1234，银行卡6222***********0123没收到补贴"


@pytest.fixture
def numbers_question(wumiao):
    return ask(wumiao, TYPED)


def test_numbers_in_a_question_are_published_masked(client, numbers_question):
    assert numbers_question.text == MASKED
    for url in public_pages(numbers_question)[2:4]:
        html = client.get(url).content.decode()
        assert MASKED in html, url
        assert "13812345678" not in html and "198001011234" not in html, url
        assert "3456 7890" not in html, url


@pytest.mark.parametrize("role", ["accountant", "reviewer"])
def test_village_staff_see_the_masked_question_only(client, numbers_question, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in admin_pages(numbers_question):
        html = client.get(url).content.decode()
        assert "13812345678" not in html and "198001011234" not in html, url


def test_township_staff_see_the_question_as_typed(client, numbers_question, township_staff):
    client.force_login(township_staff)
    change = reverse("admin:disclosures_question_change", args=[numbers_question.pk])
    html = client.get(change).content.decode()
    assert "13812345678" in html and "371603198001011234" in html


@pytest.mark.parametrize(
    "typed, published",
    [
        ("电话１３９１２３４５６７８", "电话139****5678"),  # full-width digits
        ("打139-1234-5678问问", "打139****5678问问"),
        ("身份证号37160319800101123X", "身份证号3716**********123X"),
        ("这笔6500元和20220705的凭证", "这笔6500元和20220705的凭证"),  # not personal
        ("电话05437362201", "电话05437362201"),  # a landline: the office's, published
    ],
)
def test_what_is_masked(wumiao, typed, published):
    question = ask(wumiao, typed)

    assert question.text == published
    assert question.unmasked_text == ("" if typed == published else typed)


def test_erasing_the_contact_erases_the_numbers_as_typed(numbers_question, township_staff):
    numbers_question.erase_contact(township_staff)

    numbers_question.refresh_from_db()
    assert (numbers_question.unmasked_text, numbers_question.text) == ("", MASKED)


def test_the_asker_is_told_before_sending(client, wumiao):
    html = client.get(reverse("disclosures:ask", args=[wumiao.code])).content.decode()

    assert "139****5678" in html
