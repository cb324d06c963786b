"""A person's name is written one way everywhere (common/names.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from common.names import person_name


@pytest.mark.parametrize(
    ("first", "last", "username", "written"),
    [
        ("兴和", "韩", "hanxh", "韩兴和"),  # Chinese: family name first, no space
        ("Li", "Wang", "wangli", "Li Wang"),
        ("", "", "kuaiji", "kuaiji"),
    ],
)
def test_a_name_is_written_as_its_people_write_it(first, last, username, written):
    user = get_user_model()(first_name=first, last_name=last, username=username)

    assert person_name(user) == written
    rendered = Template("{% load names %}{{ user|person_name }}").render(Context({"user": user}))
    assert rendered == written


def test_nobody_is_an_empty_name():
    assert person_name(None) == ""
