"""The monthly finance lists in the admin: who sees, changes and publishes which village's books.

The accountant keeps 五庙村 (wumiao) only; 东营村 (dongying) is in the same township, 闫家村
(yanjia) in another. The reviewer reviews 五庙村; the township staff user works for 利国乡.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth, Status
from tests import factories

CHANGELIST = "/admin/disclosures/ledgermonth/"
ADD = "/admin/disclosures/ledgermonth/add/"


def change_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/change/"


def delete_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/delete/"


def history_url(month):
    return f"/admin/disclosures/ledgermonth/{month.pk}/history/"


def add_entry(month, day, voucher, description, kind, category, amount):
    return LedgerEntry.objects.create(
        ledger=month,
        date=datetime.date(month.year, month.month, day),
        voucher_number=voucher,
        description=description,
        kind=kind,
        category=factories.category(kind, category),
        amount=Decimal(amount),
    )


def entry_data(index, date, voucher, description, kind, category, amount, **extra):
    prefix = f"entries-{index}-"
    data = {
        "date": date,
        "voucher_number": voucher,
        "description": description,
        "kind": kind,
        "category": factories.category(kind, category).pk,
        "amount": amount,
        "funding_source": "own",
        "handled_by": "刘建国",
        "approved_by": "韩兴和",
        **extra,
    }
    return {prefix + name: value for name, value in data.items()}


def management_form(total, initial=0, prefix="entries"):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def add_data(village, year, month, opening, entries=()):
    data = {
        "village": village.pk,
        "year": str(year),
        "month": str(month),
        "opening_balance": opening,
        "_save": "Save",
        **management_form(len(entries)),
        # The month's corrections are listed (read-only) below its entries.
        **management_form(0, prefix="corrections"),
    }
    for index, entry in enumerate(entries):
        data.update(entry_data(index, *entry))
    return data


def change_data(month, **changes):
    """What the change form posts back for `month` and its entries, with `changes` applied."""
    entries = list(month.entries.all())
    data = {
        "village": month.village_id,
        "year": str(month.year),
        "month": str(month.month),
        "opening_balance": str(month.opening_balance),
        "_save": "Save",
        **management_form(len(entries), initial=len(entries)),
        **management_form(
            month.corrections.count(), month.corrections.count(), prefix="corrections"
        ),
    }
    for index, entry in enumerate(entries):
        data.update(
            entry_data(
                index,
                entry.date.isoformat(),
                entry.voucher_number,
                entry.description,
                entry.kind,
                entry.category.name,
                str(entry.amount),
                id=entry.pk,
                ledger=month.pk,
            )
        )
    data.update(changes)
    return data


def action_data(action, *months):
    return {
        "action": action,
        "_selected_action": [month.pk for month in months],
        "index": "0",
        "select_across": "0",
    }


def snapshot(month):
    """Everything a change could touch: the month's fields and its entries."""
    month = LedgerMonth.objects.get(pk=month.pk)
    return (
        month.village_id,
        month.year,
        month.month,
        month.opening_balance,
        month.status,
        month.published_at,
        month.published_by_id,
        list(
            month.entries.order_by("pk").values_list(
                "pk", "date", "voucher_number", "description", "kind", "category_id", "amount"
            )
        ),
    )


def listed(response):
    return set(response.context["cl"].result_list)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def wumiao_months(wumiao):
    september = factories.make_month(wumiao, 2026, 9, published=False, opening="12345.67")
    add_entry(
        september, 3, "记09-001", "集体土地（480亩）年度承包费", Kind.INCOME, "经营收入", "96000"
    )
    add_entry(september, 8, "记09-002", "村级组织运转经费补助", Kind.INCOME, "补助收入", "30000")
    add_entry(september, 12, "记09-003", "五庙村环境整治费用", Kind.EXPENSE, "公益支出", "6500")
    add_entry(september, 25, "记09-004", "村干部9月份报酬", Kind.EXPENSE, "管理费用", "9800")
    factories.publish(september)
    october = factories.make_month(wumiao, 2026, 10, published=False, opening="122045.67")
    add_entry(october, 9, "记10-001", "五庙村草稿电费", Kind.EXPENSE, "管理费用", "420")
    return {"published": september, "draft": october}


@pytest.fixture
def yanjia_months(yanjia):
    july = factories.make_month(yanjia, 2026, 7, published=False, opening="50000.00")
    add_entry(july, 15, "记07-003", "闫家村环境整治费用", Kind.EXPENSE, "公益支出", "6500")
    factories.publish(july)
    draft = factories.make_month(yanjia, 2026, 10, published=False, opening="43500.00")
    add_entry(draft, 3, "记10-001", "闫家村草稿支出", Kind.EXPENSE, "管理费用", "777")
    return {"published": july, "draft": draft}


@pytest.fixture
def dongying_months(dongying):
    draft = factories.make_month(dongying, 2026, 10, published=False, opening="8000.00")
    add_entry(draft, 4, "记10-001", "东营村草稿支出", Kind.EXPENSE, "管理费用", "333")
    return {"draft": draft}


@pytest.fixture
def all_months(wumiao_months, yanjia_months, dongying_months):
    return {"wumiao": wumiao_months, "yanjia": yanjia_months, "dongying": dongying_months}


# Who sees what


def test_the_accountant_sees_only_their_villages_months(client_for, accountant, all_months):
    response = client_for(accountant).get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == set(all_months["wumiao"].values())
    content = response.content.decode()
    assert "五庙村" in content
    assert "闫家村" not in content
    assert "东营村" not in content


def test_the_accountant_cannot_find_other_villages_by_search(client_for, accountant, all_months):
    response = client_for(accountant).get(CHANGELIST, {"q": "371603102203"})

    assert listed(response) == set()


def test_the_changelist_shows_totals_and_closing(client_for, accountant, wumiao_months):
    response = client_for(accountant).get(CHANGELIST)

    september = next(m for m in listed(response) if m == wumiao_months["published"])
    assert september.income_total == Decimal("126000.00")
    assert september.expense_total == Decimal("16300.00")
    content = response.content.decode()
    for amount in ["12,345.67", "126,000.00", "16,300.00", "122,045.67", "420.00", "121,625.67"]:
        assert f">{amount}</td>" in content


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["accountant", "superuser"])
def test_the_changelist_costs_the_same_for_2_or_14_months(client_for, wumiao_months, who, request):
    """The totals are summed for the page shown, never for every month (issue 14)."""
    client = client_for(request.getfixturevalue(who))
    few = changelist_queries(client)

    for month in range(1, 13):
        factories.make_month(wumiao_months["published"].village, 2025, month, entries=3)
    many = changelist_queries(client)

    assert few == many


def test_an_empty_month_has_zero_totals_in_the_changelist(client_for, accountant, wumiao):
    factories.make_month(wumiao, 2026, 9, opening="500.00", published=False)

    response = client_for(accountant).get(CHANGELIST)

    (month,) = listed(response)
    assert month.income_total == month.expense_total == 0
    assert ">0.00</td>" in response.content.decode()


@pytest.mark.parametrize("page", [change_url, history_url, delete_url])
def test_the_accountant_cannot_open_another_villages_month(
    client_for, accountant, all_months, page
):
    client = client_for(accountant)
    for month in [*all_months["yanjia"].values(), all_months["dongying"]["draft"]]:
        response = client.get(page(month))
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"] == "/admin/"

        followed = client.get(page(month), follow=True).content.decode()
        for text in ["闫家村", "东营村", "草稿支出", "环境整治", "6,500.00", "777"]:
            assert text not in followed


def test_the_accountant_cannot_change_another_villages_month(client_for, accountant, all_months):
    client = client_for(accountant)
    draft = all_months["yanjia"]["draft"]
    before = snapshot(draft)

    response = client.post(
        change_url(draft),
        change_data(
            draft,
            opening_balance="1.00",
            **{"entries-0-amount": "1.00", "entries-0-description": "改"},
        ),
    )

    assert response.status_code in (302, 403, 404)
    assert snapshot(draft) == before


def test_the_accountant_cannot_move_their_month_to_another_village(
    client_for, accountant, all_months, yanjia
):
    draft = all_months["wumiao"]["draft"]
    before = snapshot(draft)

    response = client_for(accountant).post(change_url(draft), change_data(draft, village=yanjia.pk))

    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert snapshot(draft) == before


def test_the_accountant_cannot_delete_another_villages_month(client_for, accountant, all_months):
    draft = all_months["yanjia"]["draft"]

    response = client_for(accountant).post(delete_url(draft), {"post": "yes"})

    assert response.status_code in (302, 403, 404)
    assert LedgerMonth.objects.filter(pk=draft.pk).exists()


def test_the_accountant_cannot_bulk_delete_another_villages_month(
    client_for, accountant, all_months
):
    draft = all_months["yanjia"]["draft"]

    client_for(accountant).post(
        CHANGELIST, {**action_data("delete_selected", draft), "post": "yes"}
    )

    assert LedgerMonth.objects.filter(pk=draft.pk).exists()


def test_the_accountant_cannot_create_a_month_for_another_village(
    client_for, accountant, wumiao, yanjia
):
    data = add_data(
        yanjia,
        2026,
        11,
        "1000.00",
        [("2026-11-05", "记11-001", "冒名录入", Kind.EXPENSE, "管理费用", "100.00")],
    )

    response = client_for(accountant).post(ADD, data)

    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert not LedgerMonth.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_the_add_form_offers_only_the_accountants_villages(client_for, accountant, all_months):
    response = client_for(accountant).get(ADD)

    villages = response.context["adminform"].form.fields["village"].queryset
    assert [village.name for village in villages] == ["五庙村"]


def test_the_inline_offers_standard_and_own_township_categories(
    client_for, accountant, liguo, huangsheng, wumiao
):
    own = Category.objects.create(kind=Kind.EXPENSE, name="利国乡保洁专项", township=liguo)
    other = Category.objects.create(kind=Kind.EXPENSE, name="黄升镇专项", township=huangsheng)

    response = client_for(accountant).get(ADD)

    formset = response.context["inline_admin_formsets"][0].formset
    categories = set(formset.forms[0].fields["category"].queryset)
    assert own in categories
    assert other not in categories
    assert factories.category(Kind.EXPENSE, "公益支出") in categories


# Entering a month


def test_the_accountant_adds_a_month_with_entries(client_for, accountant, wumiao):
    data = add_data(
        wumiao,
        2026,
        11,
        "122045.67",
        [
            ("2026-11-03", "记11-001", "村委会电费", Kind.EXPENSE, "管理费用", "386.50"),
            ("2026-11-12", "记11-002", "村内道路路灯维修", Kind.EXPENSE, "公益支出", "1200"),
            ("2026-11-20", "记11-003", "光伏电站收益分红", Kind.INCOME, "投资收益", "4500.00"),
        ],
    )

    response = client_for(accountant).post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    month = LedgerMonth.objects.get()
    assert month.village == wumiao
    assert (month.year, month.month) == (2026, 11)
    assert month.status == Status.DRAFT
    assert month.created_by == accountant
    assert month.published_at is None
    assert list(month.entries.values_list("voucher_number", "amount")) == [
        ("记11-001", Decimal("386.50")),
        ("记11-002", Decimal("1200.00")),
        ("记11-003", Decimal("4500.00")),
    ]
    assert month.summarize().closing == Decimal("124959.17")


def test_the_accountant_edits_a_draft(client_for, accountant, wumiao_months):
    draft = wumiao_months["draft"]

    response = client_for(accountant).post(
        change_url(draft), change_data(draft, **{"entries-0-amount": "430.00"})
    )

    assert response.status_code == 302
    assert draft.entries.get().amount == Decimal("430.00")
    draft.refresh_from_db()
    assert draft.created_by is None  # Unchanged on edit: it records who entered the month.


def test_an_entry_dated_outside_the_month_is_rejected(client_for, accountant, wumiao):
    data = add_data(
        wumiao,
        2026,
        11,
        "1000.00",
        [
            ("2026-11-03", "记11-001", "村委会电费", Kind.EXPENSE, "管理费用", "386.50"),
            ("2026-10-31", "记11-002", "上月的办公用品", Kind.EXPENSE, "管理费用", "120.00"),
        ],
    )

    response = client_for(accountant).post(ADD, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[0] == {}
    assert list(formset.errors[1]) == ["date"]
    assert "The date must fall within 2026-11." in response.content.decode()
    assert not LedgerMonth.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_an_entry_with_a_category_of_the_other_kind_is_rejected(client_for, accountant, wumiao):
    data = add_data(
        wumiao,
        2026,
        11,
        "1000.00",
        [("2026-11-03", "记11-001", "村委会电费", Kind.EXPENSE, "管理费用", "386.50")],
    )
    data["entries-0-kind"] = Kind.INCOME

    response = client_for(accountant).post(ADD, data)

    assert response.status_code == 200
    assert list(response.context["inline_admin_formsets"][0].formset.errors[0]) == ["category"]
    assert not LedgerMonth.objects.exists()


@pytest.mark.parametrize(
    "year, month", [("2026", "13"), ("2026", "0"), ("", "11"), ("2026", ""), ("10000", "11")]
)
def test_an_impossible_period_is_a_form_error(client_for, accountant, wumiao, year, month):
    """The month's form says what is wrong; its entries must not crash on the period."""
    data = add_data(
        wumiao,
        2026,
        11,
        "1000.00",
        [
            ("2026-11-03", "记11-001", "村委会电费", Kind.EXPENSE, "管理费用", "386.50"),
            # 公益支出 has a first valid year, so the year is compared too.
            ("2026-11-12", "记11-002", "村内道路路灯维修", Kind.EXPENSE, "公益支出", "1200"),
        ],
    )
    data.update(year=year, month=month)

    response = client_for(accountant).post(ADD, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not LedgerMonth.objects.exists()


def test_a_second_list_for_the_same_month_is_rejected(client_for, accountant, wumiao_months):
    data = add_data(wumiao_months["draft"].village, 2026, 10, "1000.00")

    response = client_for(accountant).post(ADD, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert LedgerMonth.objects.count() == 2


# Anonymous visitors


@pytest.mark.parametrize("page", ["changelist", "add", "change"])
def test_anonymous_users_are_sent_to_the_login(client, wumiao_months, page):
    path = {"changelist": CHANGELIST, "add": ADD, "change": change_url(wumiao_months["draft"])}[
        page
    ]

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert "五庙村草稿电费" not in client.get(path, follow=True).content.decode()


def test_anonymous_posts_change_nothing(client, wumiao_months):
    draft = wumiao_months["draft"]
    before = snapshot(draft)

    response = client.post(change_url(draft), change_data(draft, opening_balance="1.00"))

    assert response.status_code == 302
    assert snapshot(draft) == before


# Publishing


def submit(month):
    """Submitted for review by someone who is not one of the users under test."""
    month.submit(factories.workflow_users()[0])
    return month


def test_the_accountant_has_no_publish_action(client_for, accountant, wumiao_months):
    response = client_for(accountant).get(CHANGELIST)

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "publish_selected" not in actions
    assert "delete_selected" in actions  # The list of actions itself is there.


def test_the_accountant_cannot_publish_by_posting_the_action(client_for, accountant, wumiao_months):
    # Submitted, so only the missing permission stands between it and publication.
    month = submit(wumiao_months["draft"])

    client_for(accountant).post(CHANGELIST, action_data("publish_selected", month))

    month.refresh_from_db()
    assert month.status == Status.SUBMITTED
    assert month.published_at is None


def test_the_reviewer_does_not_publish_a_draft(client_for, reviewer, wumiao_months):
    draft = wumiao_months["draft"]

    response = client_for(reviewer).post(CHANGELIST, action_data("publish_selected", draft))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.published_at is None
    assert "0" in " ".join(messages_of(response))


def test_the_reviewer_publishes_a_month(client, client_for, reviewer, wumiao_months):
    month = submit(wumiao_months["draft"])
    reviewer_client = client_for(reviewer)
    actions = reviewer_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "publish_selected" in [name for name, _ in actions]

    response = reviewer_client.post(CHANGELIST, action_data("publish_selected", month))

    assert response.status_code == 302
    month.refresh_from_db()
    assert month.status == Status.PUBLISHED
    assert month.published_by == reviewer
    assert month.published_at is not None
    reviewer_client.logout()
    public = client.get("/v/371603201201/")
    assert public.context["month"] == month
    assert "五庙村草稿电费" in public.content.decode()
    assert client.get("/v/371603201201/finance/2026-10/").status_code == 200


def test_publishing_leaves_published_months_alone(client_for, reviewer, wumiao_months):
    published = wumiao_months["published"]
    before = snapshot(published)
    submit(wumiao_months["draft"])

    response = client_for(reviewer).post(
        CHANGELIST, action_data("publish_selected", published, wumiao_months["draft"])
    )

    assert snapshot(published) == before
    assert LedgerMonth.objects.get(pk=wumiao_months["draft"].pk).is_published
    assert any("1" in message for message in messages_of(response))


def test_the_reviewer_cannot_publish_another_villages_month(client_for, reviewer, all_months):
    month = submit(all_months["yanjia"]["draft"])

    client_for(reviewer).post(CHANGELIST, action_data("publish_selected", month))

    month.refresh_from_db()
    assert month.status == Status.SUBMITTED


def test_the_reviewer_cannot_change_a_draft(client_for, reviewer, wumiao_months):
    draft = wumiao_months["draft"]
    before = snapshot(draft)

    response = client_for(reviewer).post(change_url(draft), change_data(draft, opening_balance="1"))

    assert response.status_code == 403
    assert snapshot(draft) == before


# A published month is public record


def test_a_published_month_is_read_only(client_for, accountant, wumiao_months):
    published = wumiao_months["published"]

    response = client_for(accountant).get(change_url(published))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_changing_a_published_month_is_forbidden(client_for, accountant, wumiao_months):
    published = wumiao_months["published"]
    before = snapshot(published)

    response = client_for(accountant).post(
        change_url(published),
        change_data(
            published,
            opening_balance="1.00",
            **{"entries-2-amount": "650.00", "entries-2-description": "改小了"},
        ),
    )

    assert response.status_code == 403
    assert snapshot(published) == before


def test_deleting_a_published_month_is_forbidden(client_for, accountant, wumiao_months):
    published = wumiao_months["published"]
    client = client_for(accountant)

    assert client.get(delete_url(published)).status_code == 403
    assert client.post(delete_url(published), {"post": "yes"}).status_code == 403
    assert snapshot(published)[-1]


def test_a_superuser_cannot_change_a_published_month_either(client_for, superuser, wumiao_months):
    published = wumiao_months["published"]
    before = snapshot(published)
    client = client_for(superuser)

    assert client.post(change_url(published), change_data(published)).status_code == 403
    assert client.post(delete_url(published), {"post": "yes"}).status_code == 403
    assert snapshot(published) == before


def test_bulk_deleting_a_published_month_is_forbidden(client_for, accountant, wumiao_months):
    published = wumiao_months["published"]
    before = snapshot(published)

    response = client_for(accountant).post(
        CHANGELIST, {**action_data("delete_selected", published), "post": "yes"}
    )

    assert response.status_code == 403
    assert snapshot(published) == before


def test_the_accountant_bulk_deletes_drafts(client_for, accountant, wumiao_months):
    draft = wumiao_months["draft"]

    response = client_for(accountant).post(
        CHANGELIST, {**action_data("delete_selected", draft), "post": "yes"}
    )

    assert response.status_code == 302
    assert not LedgerMonth.objects.filter(pk=draft.pk).exists()
    assert LedgerMonth.objects.filter(pk=wumiao_months["published"].pk).exists()


# Township staff


def test_township_staff_see_every_village_of_their_township(client_for, township_staff, all_months):
    response = client_for(township_staff).get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == {
        *all_months["wumiao"].values(),
        *all_months["dongying"].values(),
    }
    content = response.content.decode()
    assert "五庙村" in content
    assert "东营村" in content
    assert "闫家村" not in content


def test_township_staff_cannot_open_another_townships_month(client_for, township_staff, all_months):
    response = client_for(township_staff).get(
        change_url(all_months["yanjia"]["draft"]), follow=True
    )

    assert "闫家村草稿支出" not in response.content.decode()


def test_township_staff_view_but_cannot_change(client_for, township_staff, all_months):
    client = client_for(township_staff)
    draft = all_months["dongying"]["draft"]
    before = snapshot(draft)

    response = client.get(change_url(draft))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "东营村草稿支出" in response.content.decode()

    response = client.post(change_url(draft), change_data(draft, opening_balance="1.00"))
    assert response.status_code == 403
    assert client.post(delete_url(draft), {"post": "yes"}).status_code == 403
    assert client.get(ADD).status_code == 403
    assert snapshot(draft) == before


def test_township_staff_cannot_publish(client_for, township_staff, all_months):
    month = submit(all_months["dongying"]["draft"])
    client = client_for(township_staff)

    # No action at all: the changelist has no action form.
    assert client.get(CHANGELIST).context["action_form"] is None
    client.post(CHANGELIST, action_data("publish_selected", month))

    month.refresh_from_db()
    assert month.status == Status.SUBMITTED
