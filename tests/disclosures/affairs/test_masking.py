"""Identity and phone numbers of livelihood lists: masked when entered, and the full
number appears nowhere afterwards: not in the database, a page, an export or the admin."""

import pytest
from django.db import connection

from disclosures.affairs.models import LivelihoodRow, mask_id_number, mask_phone
from tests.disclosures.affairs.affairs_helpers import (
    FULL_ID,
    FULL_PHONE,
    MASKED_ID,
    MASKED_PHONE,
    item,
    management,
    row_form,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("37160319800101123X", "3716**********123X"),
        ("37160319800101123x", "3716**********123X"),
        ("371603198001011234", "3716**********1234"),
        ("371603800101123", "3716*******1123"),  # the old 15-digit number
        ("3716 0319 8001 0112 34", "3716**********1234"),
        (" 371603198001011234\n", "3716**********1234"),
        ("3716**********1234", "3716**********1234"),  # already masked: stays
        ("3716**********123X", "3716**********123X"),
        ("12345678", "********"),  # too short to show any of it
        ("123", "***"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_id_number(typed, stored):
    assert mask_id_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("0543-7362201", "054****2201"),
        ("138****5678", "138****5678"),  # already masked: stays
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone(typed, stored):
    assert mask_phone(typed) == stored


def test_a_row_keeps_only_the_masked_numbers(wumiao):
    from tests.disclosures.affairs.affairs_helpers import make_disclosure

    disclosure = make_disclosure(
        wumiao, "农村低保对象名单", rows=[("李秀英", "一组", "低保金", "460.00")], published=False
    )
    row = LivelihoodRow.objects.get(disclosure=disclosure)
    assert (row.id_number, row.phone) == (MASKED_ID, MASKED_PHONE)


def everything_in_the_database():
    """Every value of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump += [repr(row) for row in cursor.fetchall()]
    return "\n".join(dump)


def assert_nowhere(text):
    for secret in (FULL_ID, FULL_ID.lower(), "19800101", FULL_PHONE, "1234 5678"):
        assert secret not in text


def test_a_full_identity_number_typed_in_the_admin_appears_nowhere(
    wumiao, accountant, reviewer, client_for, client
):
    allowance = item("农村低保对象名单")
    add_url = f"/admin/disclosures/disclosure/add/?item={allowance.pk}"
    client = client_for(accountant)
    page = client.get(add_url)
    assert b'name="rows-0-id_number"' in page.content
    data = {
        "village": wumiao.pk,
        "item": allowance.pk,
        "period_start": "2026-08-01",
        "title": "2026年第三季度农村低保对象名单",
        "body": "经村民代表会议评议，乡镇审核确认。",
        **management("rows", 2),
        **row_form(
            "rows",
            0,
            name="李秀英",
            villager_group="一组",
            item="低保金",
            amount="460.00",
            id_number="3716 0319 8001 0112 3X",
            phone=FULL_PHONE,
        ),
        **row_form(
            "rows",
            1,
            name="王建国",
            villager_group="二组",
            item="低保金",
            amount="380.00",
            id_number=FULL_ID,
            phone="138 1234 5678",
        ),
        **management("attachments", 0),
    }
    # A form that fails (no title) comes back without echoing the numbers typed.
    failed = client.post(add_url, {**data, "title": ""})
    assert failed.status_code == 200
    assert b"errornote" in failed.content or b"errorlist" in failed.content
    assert_nowhere(failed.content.decode())
    assert MASKED_ID in failed.content.decode()

    response = client.post(add_url, {**data, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    row_values = set(LivelihoodRow.objects.values_list("id_number", "phone"))
    assert row_values == {(MASKED_ID, MASKED_PHONE)}
    disclosure = LivelihoodRow.objects.first().disclosure
    change_page = client.get(f"/admin/disclosures/disclosure/{disclosure.pk}/change/")
    assert MASKED_ID in change_page.content.decode()
    assert_nowhere(change_page.content.decode())

    client.post(f"/admin/disclosures/disclosure/{disclosure.pk}/review/", {"action": "submit"})
    client = client_for(reviewer)
    client.post(f"/admin/disclosures/disclosure/{disclosure.pk}/review/", {"action": "publish"})
    disclosure.refresh_from_db()
    assert disclosure.is_published
    reviewer_page = client.get(f"/admin/disclosures/disclosure/{disclosure.pk}/change/")
    assert MASKED_ID in reviewer_page.content.decode()
    assert_nowhere(reviewer_page.content.decode())

    client.logout()
    public = client.get(disclosure.get_absolute_url())
    assert MASKED_ID in public.content.decode() and MASKED_PHONE in public.content.decode()
    assert_nowhere(public.content.decode())
    module_page = client.get(f"/v/{wumiao.code}/m/livelihood/")
    assert "2026年第三季度农村低保对象名单" in module_page.content.decode()
    assert_nowhere(module_page.content.decode())
    export = client.get(f"/v/{wumiao.code}/d/{disclosure.pk}.csv")
    assert MASKED_ID in export.content.decode("utf-8-sig")
    assert_nowhere(export.content.decode("utf-8-sig"))

    assert_nowhere(everything_in_the_database())
