"""Every entry has a stable address, /v/<code>/entries/<id>/, that leads to its line on
the published month's page (#entry-<id>). Later features (questions about a line) link
to it."""

import pytest
from django.urls import reverse

from disclosures.finance.report import entry_permalink
from tests import factories
from tests.disclosures.finance.finance_helpers import (
    EXPENSE,
    add_entry,
    correction,
    published_month,
)

YANJIA = "371603102203"


@pytest.fixture
def july(yanjia):
    return published_month(
        yanjia, 2026, 7, [(15, "记07-001", "村内环境整治费用", EXPENSE, "公益支出", "6500")]
    )


def permalink(entry, code=YANJIA):
    return f"/v/{code}/entries/{entry.pk}/"


def test_it_redirects_to_the_entry_on_its_month_page(client, july):
    entry = july.entries.get()

    response = client.get(permalink(entry))

    assert response.status_code == 302
    assert response["Location"] == f"/v/{YANJIA}/finance/2026-07/#entry-{entry.pk}"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="entry-{entry.pk}"' in page


def test_its_url_is_named_and_built_by_one_function(july):
    entry = july.entries.get()

    assert reverse("disclosures:entry", kwargs={"code": YANJIA, "entry_id": entry.pk}) == (
        permalink(entry)
    )
    assert entry_permalink(YANJIA, entry.pk) == permalink(entry)
    assert entry.anchor == f"entry-{entry.pk}"


def test_an_adjusting_entry_of_a_published_correction_has_one_too(client, july):
    item = correction(july, "金额录错", [(15, "更07-001", "冲减", EXPENSE, "公益支出", "-500")])
    entry = item.entries.get()

    response = client.get(permalink(entry))

    assert response.status_code == 302
    assert response["Location"] == f"/v/{YANJIA}/finance/2026-07/#entry-{entry.pk}"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="entry-{entry.pk}"' in page


def test_it_is_404_for_an_entry_of_a_draft_month(client, yanjia):
    draft = factories.make_month(yanjia, 2026, 8, published=False)
    entry = add_entry(draft, 3, "记08-001", "草稿", EXPENSE, "管理费用", "100")

    assert client.get(permalink(entry)).status_code == 404


def test_it_is_404_for_an_entry_of_a_submitted_month(client, yanjia):
    month = factories.make_month(yanjia, 2026, 8, published=False)
    entry = add_entry(month, 3, "记08-001", "待审", EXPENSE, "管理费用", "100")
    enterer, _reviewer = factories.workflow_users()
    month.submit(enterer)

    assert client.get(permalink(entry)).status_code == 404


def test_it_is_404_for_an_entry_of_an_unpublished_correction(client, july):
    item = correction(
        july,
        "未审核",
        [(15, "更07-002", "未审核的调整", EXPENSE, "公益支出", "1")],
        published=False,
    )

    assert client.get(permalink(item.entries.get())).status_code == 404


def test_it_is_404_under_another_villages_code(client, july, wumiao):
    entry = july.entries.get()

    assert client.get(permalink(entry, code="371603201201")).status_code == 404
    assert client.get(permalink(entry, code="371603201299")).status_code == 404


def test_it_is_404_for_an_unknown_entry(client, july):
    assert client.get(f"/v/{YANJIA}/entries/999999/").status_code == 404
    assert client.get(f"/v/{YANJIA}/entries/abc/").status_code == 404


def test_it_stays_the_same_after_later_publications(client, july, yanjia):
    entry = july.entries.get()
    before = client.get(permalink(entry))["Location"]

    published_month(yanjia, 2026, 8, [(3, "记08-001", "八月支出", EXPENSE, "管理费用", "10")])

    assert client.get(permalink(entry))["Location"] == before


def test_it_makes_two_queries(client, django_assert_num_queries, july):
    entry = july.entries.get()

    with django_assert_num_queries(2):  # the village, the entry with its month
        assert client.get(permalink(entry)).status_code == 302
