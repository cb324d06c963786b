"""Quorum and majority rules of the meetings of the four discussions, at their boundaries.

Organic Law of Villagers' Committees: a villager representatives' meeting needs two
thirds of its members present (art. 26); a villagers' meeting more than half of the adult
villagers or two thirds of the households (art. 22); either decides by more than half of
those present. A party members' meeting needs more than half of its voting members
present, and decides by more than half of all of them (Regulations on the Work of Party
Branches, art. 11).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from disclosures.matters.models import Body, majority_problem, quorum_problem
from tests.disclosures.matters.matter_data import make_matter, make_step, make_steps


@pytest.fixture
def matter(wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, drafts=3)
    return matter


def resolution(matter, **fields):
    """Step 4, not saved: a representatives' meeting of 30 unless told otherwise."""
    values = {
        "body": Body.REPRESENTATIVES,
        "members_total": 30,
        "present": 20,
        "votes_for": 11,
        "votes_against": 5,
        "abstaining": 4,
        **fields,
    }
    return make_step(matter, 4, save=False, **values)


def errors_of(step):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            step.full_clean()
        return {
            field: " ".join(map(str, messages))
            for field, messages in caught.value.message_dict.items()
        }


def test_it_accepts_a_representatives_meeting_with_exactly_two_thirds_present(matter):
    resolution(matter, members_total=30, present=20).full_clean()


def test_it_refuses_a_representatives_meeting_one_short_of_two_thirds(matter):
    errors = errors_of(resolution(matter, members_total=30, present=19))

    assert "two thirds" in errors["present"]
    assert "art. 26" in errors["present"]
    assert "19 of 30" in errors["present"]


def test_it_accepts_a_villagers_meeting_with_more_than_half_of_the_adults(matter):
    step = resolution(
        matter, body=Body.VILLAGERS_ADULTS, members_total=1000, present=501, votes_for=300
    )
    step.full_clean()


def test_it_refuses_a_villagers_meeting_with_exactly_half_of_the_adults(matter):
    step = resolution(
        matter, body=Body.VILLAGERS_ADULTS, members_total=1000, present=500, votes_for=300
    )
    errors = errors_of(step)

    assert "more than half of the adult villagers" in errors["present"]
    assert "art. 22" in errors["present"]


def test_it_accepts_a_villagers_meeting_with_two_thirds_of_the_households(matter):
    step = resolution(
        matter, body=Body.VILLAGERS_HOUSEHOLDS, members_total=300, present=200, votes_for=101
    )
    step.full_clean()


def test_it_refuses_a_villagers_meeting_one_household_short_of_two_thirds(matter):
    step = resolution(
        matter, body=Body.VILLAGERS_HOUSEHOLDS, members_total=300, present=199, votes_for=101
    )
    errors = errors_of(step)

    assert "two thirds of the households" in errors["present"]
    assert "art. 22" in errors["present"]


def party_meeting(matter, **fields):
    matter.steps.filter(step=3).delete()
    values = {"members_total": 30, "present": 16, "votes_for": 16, "votes_against": 0}
    values = {**values, "abstaining": 0, **fields}
    return make_step(matter, 3, save=False, **values)


def test_it_accepts_a_party_members_meeting_with_more_than_half_present(matter):
    party_meeting(matter, present=16).full_clean()


def test_it_refuses_a_party_members_meeting_with_exactly_half_present(matter):
    errors = errors_of(party_meeting(matter, present=15, votes_for=15))

    assert "more than half of its voting members present" in errors["present"]


def test_a_party_members_meeting_decides_by_more_than_half_of_all_its_members(matter):
    # 15 of 20 present is a majority of those present, but not of the 30 members.
    errors = errors_of(party_meeting(matter, present=20, votes_for=15, votes_against=5))

    assert "more than half of all its voting members" in errors["votes_for"]
    assert "art. 11" in errors["votes_for"]
    party_meeting(matter, present=20, votes_for=16, votes_against=4).full_clean()


def test_it_accepts_a_decision_by_more_than_half_of_those_present(matter):
    resolution(matter, present=20, votes_for=11, votes_against=9, abstaining=0).full_clean()


def test_it_refuses_a_decision_by_exactly_half_of_those_present(matter):
    errors = errors_of(resolution(matter, present=20, votes_for=10, votes_against=5))

    assert "more than half of those present" in errors["votes_for"]
    assert "10 of 20" in errors["votes_for"]


def test_it_refuses_more_votes_than_people_present(matter):
    errors = errors_of(resolution(matter, present=20, votes_for=15, votes_against=4, abstaining=2))

    assert "More votes than people present" in errors["votes_for"]


def test_it_refuses_more_present_than_members(matter):
    errors = errors_of(resolution(matter, members_total=30, present=31, votes_for=20))

    assert "More present than members" in errors["present"]


def test_it_requires_the_attendance_and_the_votes_of_a_deciding_meeting(matter):
    assert "attended" in errors_of(resolution(matter, present=None))["present"]
    assert "Record the votes" in errors_of(resolution(matter, abstaining=None))["votes_for"]


def test_it_refuses_a_meeting_held_by_the_wrong_body(matter):
    errors = errors_of(resolution(matter, body=Body.PARTY_MEMBERS))

    assert "Villager representatives' meeting" in errors["body"]


def test_the_branch_need_not_vote_but_its_votes_cannot_outnumber_those_present(wumiao):
    matter = make_matter(wumiao)
    make_step(matter, 1, save=False, members_total=5, present=5).full_clean()

    step = make_step(matter, 1, save=False, present=4, votes_for=4, votes_against=1, abstaining=0)
    assert "More votes than people present" in errors_of(step)["votes_for"]


def test_the_disclosure_steps_need_no_meeting(matter):
    resolution(matter).save()
    make_step(matter, 5, save=False).full_clean()


@pytest.mark.parametrize(
    ("body", "total", "present", "quorate"),
    [
        (Body.REPRESENTATIVES, 30, 20, True),
        (Body.REPRESENTATIVES, 30, 19, False),
        (Body.REPRESENTATIVES, 31, 21, True),  # 20.67 needed
        (Body.REPRESENTATIVES, 31, 20, False),
        (Body.VILLAGERS_ADULTS, 1000, 501, True),
        (Body.VILLAGERS_ADULTS, 1000, 500, False),
        (Body.VILLAGERS_ADULTS, 999, 500, True),
        (Body.VILLAGERS_HOUSEHOLDS, 300, 200, True),
        (Body.VILLAGERS_HOUSEHOLDS, 300, 199, False),
        (Body.PARTY_MEMBERS, 30, 16, True),
        (Body.PARTY_MEMBERS, 30, 15, False),
        (Body.PARTY_MEMBERS, 31, 16, True),
    ],
)
def test_the_quorum_rule_on_known_numbers(body, total, present, quorate):
    assert (quorum_problem(body, total, present) is None) is quorate


@pytest.mark.parametrize(
    ("present", "votes_for", "decided"), [(20, 11, True), (20, 10, False), (21, 11, True)]
)
def test_the_majority_rule_on_known_numbers(present, votes_for, decided):
    assert (majority_problem(present, votes_for) is None) is decided
