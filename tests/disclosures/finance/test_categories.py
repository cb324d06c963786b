"""Categories of the accounting system, a township's own sub-items, the years each is valid,
and the township's large-expense threshold."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth
from tests import factories

CATEGORIES = "/admin/disclosures/category/"
ADD = CATEGORIES + "add/"
MONTH_ADD = "/admin/disclosures/ledgermonth/add/"


def standard(kind, name):
    return factories.category(kind, name)


@pytest.fixture
def management():
    return standard(Kind.EXPENSE, "管理费用")


@pytest.fixture
def office(liguo, management):
    """利国乡's own sub-item 管理费用 › 办公费."""
    item = Category(parent=management, name="办公费", name_en="Office costs", township=liguo)
    item.clean()  # Takes kind and years from the parent, as in the admin.
    item.save()
    return item


def category_data(parent, name, township, **extra):
    return {
        "parent": parent.pk,
        "name": name,
        "name_en": "",
        "township": township.pk if township else "",
        "position": "0",
        "_save": "Save",
        **extra,
    }


def month_data(village, year, month, *entries):
    """The admin's add form for a month, with entries (date, kind, category, amount, approver)."""
    data = {
        "village": village.pk,
        "year": str(year),
        "month": str(month),
        "opening_balance": "10000.00",
        "entries-TOTAL_FORMS": str(len(entries)),
        "entries-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    for index, (date, kind, category, amount, approver) in enumerate(entries):
        prefix = f"entries-{index}-"
        data.update(
            {
                prefix + "date": date,
                prefix + "voucher_number": f"记{index + 1:03d}",
                prefix + "description": "测试",
                prefix + "kind": kind,
                prefix + "category": category.pk,
                prefix + "amount": amount,
                prefix + "funding_source": "own",
                prefix + "approved_by": approver,
            }
        )
    return data


def entry_errors(response):
    return response.context["inline_admin_formsets"][0].formset.errors


# A township's own sub-items


def test_township_staff_add_a_sub_item_for_their_township(
    client_for, township_staff, liguo, management
):
    response = client_for(township_staff).post(ADD, category_data(management, "办公费", liguo))

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = Category.objects.get(name="办公费")
    assert item.township == liguo
    assert item.parent == management
    assert item.full_name == "管理费用 › 办公费"
    # Inherited from the parent, not chosen.
    assert item.kind == Kind.EXPENSE
    assert (item.valid_from, item.valid_until) == (management.valid_from, management.valid_until)


def test_a_sub_item_inherits_the_years_of_its_parent(client_for, township_staff, liguo):
    welfare = standard(Kind.EXPENSE, "公益支出")  # Valid from 2024.

    client_for(township_staff).post(ADD, category_data(welfare, "村内道路维护", liguo))

    item = Category.objects.get(name="村内道路维护")
    assert item.valid_from == 2024
    assert not item.is_valid_in(2023)
    assert item.kind == Kind.EXPENSE


def test_township_staff_cannot_add_for_another_township(
    client_for, township_staff, huangsheng, management
):
    response = client_for(township_staff).post(ADD, category_data(management, "办公费", huangsheng))

    assert response.status_code == 200
    assert "township" in response.context["adminform"].form.errors
    assert not Category.objects.filter(name="办公费").exists()


def test_township_staff_must_name_their_township(client_for, township_staff, management):
    response = client_for(township_staff).post(ADD, category_data(management, "办公费", None))

    assert response.status_code == 200
    assert "township" in response.context["adminform"].form.errors
    assert not Category.objects.filter(name="办公费").exists()


def test_a_sub_item_sits_under_a_standard_category(client_for, township_staff, liguo, office):
    response = client_for(township_staff).post(ADD, category_data(office, "打印纸", liguo))

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    with pytest.raises(ValidationError) as error:
        Category(name="无上级", township=liguo).full_clean()
    assert "parent" in error.value.message_dict


def test_township_staff_see_their_own_sub_items_and_the_standard_ones(
    client_for, township_staff, office, huangsheng, management
):
    theirs = Category.objects.create(
        parent=management, kind=Kind.EXPENSE, name="黄升镇专项", township=huangsheng
    )

    response = client_for(township_staff).get(CATEGORIES, {"all": ""})

    listed = set(response.context["cl"].queryset)
    assert office in listed
    assert management in listed
    assert theirs not in listed


def test_township_staff_edit_their_own_sub_item(client_for, township_staff, liguo, office):
    data = category_data(office.parent, "办公用品费", liguo)

    response = client_for(township_staff).post(f"{CATEGORIES}{office.pk}/change/", data)

    assert response.status_code == 302
    assert Category.objects.get(pk=office.pk).name == "办公用品费"


def test_township_staff_cannot_edit_another_townships_sub_item(
    client_for, township_staff, huangsheng, liguo, management
):
    theirs = Category.objects.create(
        parent=management, kind=Kind.EXPENSE, name="黄升镇专项", township=huangsheng
    )

    response = client_for(township_staff).post(
        f"{CATEGORIES}{theirs.pk}/change/", category_data(management, "改名", liguo)
    )

    assert response.status_code in (302, 404)
    assert Category.objects.get(pk=theirs.pk).name == "黄升镇专项"


def test_standard_categories_cannot_be_edited_by_township_staff(
    client_for, township_staff, liguo, management
):
    client = client_for(township_staff)
    page = f"{CATEGORIES}{management.pk}/change/"

    response = client.get(page)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    post = {"name": "改名", "name_en": "", "position": "0", "_save": "Save"}
    assert client.post(page, post).status_code == 403
    assert client.post(f"{CATEGORIES}{management.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Category.objects.get(pk=management.pk).name == "管理费用"


def test_accountants_cannot_add_categories(client_for, accountant, liguo, management):
    response = client_for(accountant).post(ADD, category_data(management, "办公费", liguo))

    assert response.status_code == 403
    assert not Category.objects.filter(name="办公费").exists()


# Who may use a sub-item


def test_accountants_of_the_township_can_pick_its_sub_item(client_for, accountant, wumiao, office):
    client = client_for(accountant)
    offered = (client.get(MONTH_ADD).context["inline_admin_formsets"][0].formset.forms[0]).fields[
        "category"
    ]
    assert office in set(offered.queryset)

    response = client.post(
        MONTH_ADD,
        month_data(wumiao, 2026, 11, ("2026-11-05", Kind.EXPENSE, office, "86.00", "")),
    )

    assert response.status_code == 302, entry_errors(response)
    entry = LedgerEntry.objects.get()
    assert entry.category == office
    assert str(entry.category) == "管理费用 › 办公费"


def test_accountants_of_another_township_cannot_pick_it(
    client_for, other_accountant, yanjia, office
):
    client = client_for(other_accountant)
    offered = (client.get(MONTH_ADD).context["inline_admin_formsets"][0].formset.forms[0]).fields[
        "category"
    ]
    assert office not in set(offered.queryset)
    assert standard(Kind.EXPENSE, "管理费用") in set(offered.queryset)

    response = client.post(
        MONTH_ADD,
        month_data(yanjia, 2026, 11, ("2026-11-05", Kind.EXPENSE, office, "86.00", "")),
    )

    assert response.status_code == 200
    assert list(entry_errors(response)[0]) == ["category"]
    assert not LedgerMonth.objects.exists()


# Years: the 2023 revision of the accounting system


def test_public_welfare_is_not_allowed_in_a_2023_month(client_for, accountant, wumiao):
    welfare = standard(Kind.EXPENSE, "公益支出")

    response = client_for(accountant).post(
        MONTH_ADD,
        month_data(wumiao, 2023, 7, ("2023-07-05", Kind.EXPENSE, welfare, "650.00", "")),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert list(entry_errors(response)[0]) == ["category"]
    assert "This category is not used in the accounts of 2023." in response.content.decode()
    assert not LedgerMonth.objects.exists()


def test_public_welfare_is_allowed_from_2024(client_for, accountant, wumiao):
    welfare = standard(Kind.EXPENSE, "公益支出")

    response = client_for(accountant).post(
        MONTH_ADD,
        month_data(wumiao, 2024, 1, ("2024-01-05", Kind.EXPENSE, welfare, "650.00", "")),
    )

    assert response.status_code == 302


def test_a_township_sub_item_of_public_welfare_is_refused_in_2023(wumiao, liguo):
    welfare = standard(Kind.EXPENSE, "公益支出")
    road = Category(parent=welfare, name="村内道路维护", township=liguo)
    road.clean()
    road.save()
    month = LedgerMonth.objects.create(village=wumiao, year=2023, month=7, opening_balance=0)
    entry = LedgerEntry(
        ledger=month,
        date=datetime.date(2023, 7, 5),
        voucher_number="记001",
        description="修路",
        kind=Kind.EXPENSE,
        category=road,
        amount=Decimal("650.00"),
    )

    with pytest.raises(ValidationError) as error:
        entry.full_clean()

    assert list(error.value.message_dict) == ["category"]


# The large-expense threshold


def expense(village, amount, approved_by=""):
    month = LedgerMonth.objects.get_or_create(
        village=village, year=2026, month=9, defaults={"opening_balance": 0}
    )[0]
    return LedgerEntry(
        ledger=month,
        date=datetime.date(2026, 9, 12),
        voucher_number=f"记{amount}",
        description="村内道路路灯维修",
        kind=Kind.EXPENSE,
        category=standard(Kind.EXPENSE, "管理费用"),
        amount=Decimal(amount),
        approved_by=approved_by,
    )


def test_the_default_threshold_is_1000_yuan(liguo):
    assert liguo.large_expense_threshold == Decimal("1000.00")


def test_an_expense_at_the_threshold_needs_an_approver(wumiao):
    with pytest.raises(ValidationError) as error:
        expense(wumiao, "1000.00").full_clean()

    assert list(error.value.message_dict) == ["approved_by"]


def test_an_expense_below_the_threshold_does_not(wumiao):
    expense(wumiao, "999.99").full_clean()


def test_an_expense_at_the_threshold_with_an_approver_is_accepted(wumiao):
    expense(wumiao, "1000.00", approved_by="韩兴和").full_clean()


@pytest.mark.parametrize("approver", ["", "   "])
def test_a_blank_approver_does_not_count(wumiao, approver):
    with pytest.raises(ValidationError):
        expense(wumiao, "6500.00", approved_by=approver).full_clean()


def test_an_income_at_the_threshold_needs_no_approver(wumiao):
    entry = expense(wumiao, "6500.00")
    entry.kind, entry.category = Kind.INCOME, standard(Kind.INCOME, "经营收入")

    entry.full_clean()


def test_the_admin_says_which_threshold_applies(client_for, accountant, wumiao):
    management = standard(Kind.EXPENSE, "管理费用")

    response = client_for(accountant).post(
        MONTH_ADD,
        month_data(
            wumiao,
            2026,
            11,
            ("2026-11-05", Kind.EXPENSE, management, "999.99", ""),
            ("2026-11-06", Kind.EXPENSE, management, "1000.00", ""),
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    errors = entry_errors(response)
    assert errors[0] == {}
    assert errors[1]["approved_by"] == [
        "Expenses of 1,000.00 yuan or more must name who approved them."
    ]
    assert "1,000.00 yuan" in response.content.decode()
    assert not LedgerMonth.objects.exists()


def test_the_approver_field_explains_the_rule(client_for, accountant, wumiao):
    response = client_for(accountant).get(MONTH_ADD, HTTP_ACCEPT_LANGUAGE="en")

    assert "large-expense threshold" in response.content.decode()


def test_a_township_with_a_higher_threshold(huangsheng, yanjia):
    huangsheng.large_expense_threshold = Decimal("2000.00")
    huangsheng.save()
    yanjia.refresh_from_db()

    expense(yanjia, "1500.00").full_clean()
    with pytest.raises(ValidationError) as error:
        expense(yanjia, "2000.00").full_clean()

    assert "2,000.00" in error.value.message_dict["approved_by"][0]


def test_each_township_its_own_threshold(client_for, other_accountant, huangsheng, yanjia):
    huangsheng.large_expense_threshold = Decimal("2000.00")
    huangsheng.save()
    management = standard(Kind.EXPENSE, "管理费用")

    response = client_for(other_accountant).post(
        MONTH_ADD,
        month_data(yanjia, 2026, 11, ("2026-11-05", Kind.EXPENSE, management, "1500.00", "")),
    )

    assert response.status_code == 302, entry_errors(response)
    assert LedgerEntry.objects.get().approved_by == ""
