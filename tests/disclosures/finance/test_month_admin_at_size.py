"""A real month in the admin: 2,000 entries. The month's page edits its entries inline
only while they are few; beyond that they are edited on their own list, 100 to a page
(Django refuses a form of more than 1,000 fields: about 80 inline entries)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.finance.admin import INLINE_ENTRIES
from disclosures.models import LedgerEntry
from tests import factories
from tests.disclosures.finance.test_ledger_admin import management_form

ENTRIES = "/admin/disclosures/ledgerentry/"


@pytest.fixture
def big_month(wumiao):
    return factories.make_month(wumiao, 2022, 7, entries=2000, published=False)


def month_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/change/"


def month_data(month, **changes):
    return {
        "village": month.village_id,
        "year": str(month.year),
        "month": str(month.month),
        "opening_balance": str(month.opening_balance),
        "_save": "Save",
        **management_form(0, prefix="corrections"),
        **changes,
    }


def test_a_month_of_2000_entries_opens_and_saves(client_for, accountant, big_month):
    client = client_for(accountant)

    page = client.get(month_url(big_month))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="entries-elsewhere"' in html
    assert f"?ledger__id__exact={big_month.pk}" in html
    assert html.count('name="entries-') == 0  # no inline form of 2,000 rows
    response = client.post(month_url(big_month), month_data(big_month, opening_balance="1.00"))
    assert response.status_code == 302
    big_month.refresh_from_db()
    assert big_month.opening_balance == Decimal("1.00")
    assert big_month.entries.count() == 2000


def test_the_month_page_costs_the_same_queries_with_2000_entries(
    client_for, accountant, wumiao, big_month
):
    # Both months follow another (the review panel compares with the month before).
    factories.make_month(wumiao, 2022, 6, entries=1, published=False)
    small = factories.make_month(wumiao, 2022, 8, entries=INLINE_ENTRIES + 1, published=False)
    client = client_for(accountant)
    client.get(month_url(small))  # warm the session and the content types

    with CaptureQueriesContext(connection) as few:
        client.get(month_url(small))
    with CaptureQueriesContext(connection) as many:
        client.get(month_url(big_month))

    assert len(many) == len(few)


def test_a_small_month_still_edits_its_entries_inline(client_for, accountant, wumiao):
    month = factories.make_month(wumiao, 2022, 8, entries=3, published=False)

    html = client_for(accountant).get(month_url(month)).content.decode()

    assert 'name="entries-TOTAL_FORMS"' in html
    assert 'id="entries-elsewhere"' not in html


def test_the_months_entries_on_their_own_list(client_for, accountant, big_month, wumiao):
    other = factories.make_month(wumiao, 2022, 8, entries=5, published=False)
    client = client_for(accountant)

    first = client.get(ENTRIES, {"ledger__id__exact": big_month.pk})
    with CaptureQueriesContext(connection) as queries:
        last = client.get(ENTRIES, {"ledger__id__exact": big_month.pk, "p": 20})

    assert first.status_code == last.status_code == 200
    assert first.context["cl"].result_count == 2000
    assert len(first.context["cl"].result_list) == 100
    assert len(last.context["cl"].result_list) == 100
    assert len(queries) < 15
    assert client.get(ENTRIES, {"ledger__id__exact": other.pk}).context["cl"].result_count == 5


def test_an_entry_is_edited_on_its_own_page(client_for, accountant, big_month):
    entry = big_month.entries.order_by("pk")[1500]
    client = client_for(accountant)
    url = f"{ENTRIES}{entry.pk}/change/"
    page = client.get(url)
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if name in {"date", "voucher_number", "kind", "category", "funding_source"}
    }
    data |= {"description": "改过的摘要", "amount": "321.00", "approved_by": "韩兴和"}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert (entry.description, entry.amount) == ("改过的摘要", Decimal("321.00"))


def test_adding_from_the_months_list_names_the_month(client_for, accountant, big_month):
    client = client_for(accountant)
    filters = f"ledger__id__exact%3D{big_month.pk}"

    page = client.get(f"{ENTRIES}add/?_changelist_filters={filters}")

    assert page.context["adminform"].form.initial["ledger"] == str(big_month.pk)


def test_entries_of_a_published_month_are_read_only(client_for, accountant, wumiao):
    month = factories.make_month(wumiao, 2022, 9, entries=60)
    entry = month.entries.first()
    client = client_for(accountant)

    page = client.get(f"{ENTRIES}{entry.pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.post(f"{ENTRIES}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    months = page.context["adminform"].form.fields.get("ledger")
    assert months is None  # shown, not offered
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_other_villages_entries_are_not_listed(client_for, other_accountant, big_month):
    client = client_for(other_accountant)

    listing = client.get(ENTRIES, {"ledger__id__exact": big_month.pk})

    assert listing.context["cl"].result_count == 0
    entry = big_month.entries.first()
    assert client.get(f"{ENTRIES}{entry.pk}/change/").status_code == 302  # "does not exist"


@pytest.mark.parametrize("ledger", ["abc", "-1", "99999999"])
def test_a_strange_month_in_the_address_is_not_an_error(client_for, accountant, ledger):
    client = client_for(accountant)

    assert client.get(f"{ENTRIES}add/", {"ledger": ledger}).status_code == 200
