"""The standard affairs catalog, deadlines and periods."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import translation

from disclosures.affairs.models import CatalogItem, Disclosure, Frequency, Module, period_label
from tests.disclosures.affairs.affairs_helpers import item, make_disclosure

catalog_migration = importlib.import_module("disclosures.migrations.0007_standard_catalog")

D = datetime.date


@pytest.mark.django_db
def test_it_seeds_at_least_thirty_standard_items_in_every_module():
    standard = CatalogItem.objects.filter(township=None)
    assert standard.count() >= 30
    assert set(standard.values_list("module", flat=True)) == set(Module.values)
    for catalog_item in standard:
        assert catalog_item.what and catalog_item.legal_basis, catalog_item.name
        assert catalog_item.frequency in Frequency.values


@pytest.mark.django_db
def test_it_seeds_exactly_one_finance_list_due_by_the_tenth():
    finance_list = CatalogItem.objects.get(is_finance_list=True)
    assert finance_list.township is None
    assert finance_list.module == Module.FINANCE
    assert finance_list.frequency == Frequency.MONTHLY
    assert finance_list.deadline_day == 10
    assert "村民委员会组织法》第三十条" in finance_list.legal_basis


@pytest.mark.django_db
def test_it_seeds_livelihood_lists_with_tables():
    with_tables = set(
        CatalogItem.objects.filter(has_livelihood_table=True).values_list("name", flat=True)
    )
    assert {"农村低保对象名单", "残疾人两项补贴", "临时救助和慰问金发放"} <= with_tables
    assert item("农村低保对象名单").frequency == Frequency.QUARTERLY


@pytest.mark.django_db
def test_the_seed_migration_is_repeatable_and_reversible():
    count = CatalogItem.objects.count()
    catalog_migration.seed(apps, None)
    assert CatalogItem.objects.count() == count
    catalog_migration.unseed(apps, None)
    assert not CatalogItem.objects.filter(township=None).exists()
    catalog_migration.seed(apps, None)
    assert CatalogItem.objects.count() == count


def make_item(frequency, deadline_day):
    return CatalogItem(
        name="x", module=Module.VILLAGE, frequency=frequency, deadline_day=deadline_day
    )


@pytest.mark.parametrize(
    ("frequency", "deadline_day", "period", "deadline"),
    [
        (Frequency.MONTHLY, 10, D(2026, 8, 1), D(2026, 9, 10)),
        (Frequency.MONTHLY, 10, D(2026, 12, 1), D(2027, 1, 10)),
        (Frequency.QUARTERLY, 20, D(2026, 7, 1), D(2026, 10, 20)),
        (Frequency.QUARTERLY, 20, D(2026, 10, 1), D(2027, 1, 20)),
        (Frequency.YEARLY, 31, D(2026, 1, 1), D(2027, 1, 31)),
        # Month-end clamping: "by the 31st" of February, April, ...
        (Frequency.MONTHLY, 31, D(2026, 1, 1), D(2026, 2, 28)),
        (Frequency.MONTHLY, 31, D(2028, 1, 1), D(2028, 2, 29)),
        (Frequency.MONTHLY, 31, D(2026, 3, 1), D(2026, 4, 30)),
        (Frequency.QUARTERLY, 31, D(2026, 1, 1), D(2026, 4, 30)),
        # When it happens: within so many days of the day it happened.
        (Frequency.AS_IT_HAPPENS, 5, D(2026, 8, 15), D(2026, 8, 20)),
        (Frequency.AS_IT_HAPPENS, 7, D(2026, 12, 28), D(2027, 1, 4)),
    ],
)
def test_deadline_for(frequency, deadline_day, period, deadline):
    assert make_item(frequency, deadline_day).deadline_for(period) == deadline


@pytest.mark.parametrize(
    ("frequency", "first", "last", "periods"),
    [
        (
            Frequency.MONTHLY,
            D(2026, 1, 15),
            D(2026, 4, 1),
            [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)],
        ),
        (
            Frequency.MONTHLY,
            D(2026, 11, 3),
            D(2027, 1, 31),
            [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)],
        ),
        (
            Frequency.QUARTERLY,
            D(2026, 2, 10),
            D(2026, 12, 31),
            [D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1)],
        ),
        (
            Frequency.YEARLY,
            D(2024, 6, 1),
            D(2026, 1, 1),
            [D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)],
        ),
        (Frequency.MONTHLY, D(2026, 5, 1), D(2026, 4, 30), []),
        (Frequency.AS_IT_HAPPENS, D(2026, 1, 1), D(2026, 12, 31), []),
    ],
)
def test_periods_between(frequency, first, last, periods):
    assert make_item(frequency, 10).periods_between(first, last) == periods


@pytest.mark.parametrize(
    ("frequency", "period", "chinese", "english"),
    [
        (Frequency.QUARTERLY, D(2026, 7, 1), "2026年第三季度", "2026 Q3"),
        (Frequency.MONTHLY, D(2026, 8, 1), "2026年8月", "2026-08"),
        (Frequency.YEARLY, D(2026, 1, 1), "2026年", "Year 2026"),
        (Frequency.AS_IT_HAPPENS, D(2026, 8, 15), "2026年8月15日", "Aug. 15, 2026"),
    ],
)
def test_period_label(frequency, period, chinese, english):
    with translation.override("zh-hans"):
        assert str(period_label(frequency, period)) == chinese
    with translation.override("en"):
        assert str(period_label(frequency, period)) == english


def test_a_disclosure_stores_its_period_by_the_first_day(wumiao):
    disclosure = make_disclosure(wumiao, "农村低保对象名单", D(2026, 8, 15), published=False)
    assert Disclosure.objects.get(pk=disclosure.pk).period_start == D(2026, 7, 1)
    assert disclosure.deadline == D(2026, 10, 20)


def test_on_time_is_judged_by_the_day_in_beijing(wumiao):
    # 2026-10-20 17:00 UTC is already 21 October in Beijing: a day late.
    late = make_disclosure(
        wumiao,
        "农村低保对象名单",
        D(2026, 7, 1),
        when=datetime.datetime(2026, 10, 20, 17, 0, tzinfo=datetime.UTC),
    )
    assert not late.is_on_time
    on_time = make_disclosure(
        wumiao,
        "残疾人两项补贴",
        D(2026, 7, 1),
        when=datetime.datetime(2026, 10, 20, 15, 0, tzinfo=datetime.UTC),
    )
    assert on_time.is_on_time
