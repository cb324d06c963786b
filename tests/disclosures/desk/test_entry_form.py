"""The month's entry form: the categories of the month's year only, the approver marked
as required from the township's threshold, the running totals, and a month too long for
the review panel's line list links to its own list."""

from django.urls import reverse

from disclosures.finance.models import Category, Kind
from tests.disclosures.review_helpers import draft_month, line


def change_page(client, month):
    return client.get(reverse("admin:disclosures_ledgermonth_change", args=[month.pk]))


def category_choices(response):
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    return {str(choice) for choice in form.fields["category"].queryset}


def test_a_2026_month_offers_only_the_2023_chart_of_accounts(client_for, accountant, wumiao):
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)

    choices = category_choices(change_page(client_for(accountant), month))

    assert "公益支出" in choices  # new in the 2023 system
    assert "发包及上交收入" not in choices  # abolished from 2024


def test_a_2023_month_offers_the_2004_chart_of_accounts(client_for, accountant, wumiao):
    month = draft_month(wumiao, 2023, 8, created_by=accountant, lines=0)

    choices = category_choices(change_page(client_for(accountant), month))

    assert "发包及上交收入" in choices
    assert Category.objects.filter(name="公益支出", valid_from=2024).exists()
    assert "公益支出" not in choices


def test_the_approver_column_says_from_which_amount_it_is_required(client_for, accountant, wumiao):
    wumiao.township.large_expense_threshold = 2000
    wumiao.township.save()
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)

    html = change_page(client_for(accountant), month).content.decode()

    assert "审批人（2,000.00 元及以上必填）" in html


def test_the_running_totals_start_from_the_saved_entries(client_for, accountant, wumiao):
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=3)

    html = change_page(client_for(accountant), month).content.decode()

    assert 'id="running-totals"' in html
    assert '<strong data-total="income">4,500.00</strong>' in html
    assert "month_totals" in html  # the script that follows the typing


def test_a_long_month_s_review_links_to_its_lines_instead_of_listing_them(
    client_for, accountant, wumiao
):
    month = draft_month(wumiao, 2026, 8, created_by=accountant, lines=0)
    for number in range(60):
        line(month, 1 + number % 28, f"记08-{number:03d}", Kind.EXPENSE, "管理费用", "10.00")

    html = change_page(client_for(accountant), month).content.decode()

    assert 'id="month-review-lines"' not in html
    assert "60 笔分录" in html
