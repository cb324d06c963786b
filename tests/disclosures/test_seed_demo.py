"""The demo data: `manage.py seed_demo`."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from disclosures.assets.models import Asset, Contract, Resource
from disclosures.compliance.models import QuarterlyRanking, last_complete_quarter
from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth, Status
from disclosures.sunshine.models import Outcome, SunshineReport, TaskFollowUp
from villages.models import District, Township, Village
from villages.roles import ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF

DEMO_PASSWORD = "demo-2026"


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def counts():
    return {
        model.__name__: model.objects.count()
        for model in [
            District,
            Township,
            Village,
            LedgerMonth,
            LedgerEntry,
            Category,
            SunshineReport,
            TaskFollowUp,
            QuarterlyRanking,
            Asset,
            Resource,
            Contract,
            get_user_model(),
        ]
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once for the whole module inside a transaction that is rolled back
    after its last test. Each test's own transaction (the `db` fixture) nests in it as a
    savepoint, so what a test changes, a login for one, is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    pass


def test_it_is_idempotent(seeded):
    first = counts()
    balances = {month.pk: month.summarize().closing for month in LedgerMonth.objects.all()}

    seed()

    assert counts() == first
    assert {month.pk: month.summarize().closing for month in LedgerMonth.objects.all()} == (
        balances
    )


def test_it_creates_the_places_of_the_seed(seeded):
    assert Township.objects.count() >= 2
    assert Village.objects.count() >= 6
    liguo = Township.objects.get(code="371603201")
    assert liguo.name == "利国乡"
    assert liguo.district.code == "371603"
    huangsheng = Township.objects.get(code="371603102")
    assert huangsheng.name == "黄升镇"
    assert Village.objects.get(code="371603201201", township=liguo).name == "五庙村"
    assert Village.objects.get(code="371603102203", township=huangsheng).name == "闫家村"


def test_it_gives_every_village_a_published_year_and_a_draft(seeded):
    for village in Village.objects.all():
        months = village.ledger_months.order_by("year", "month")
        statuses = [month.status for month in months]
        assert statuses == [Status.PUBLISHED] * 12 + [Status.DRAFT], village
        # Consecutive months, the draft last.
        periods = [month.year * 12 + month.month for month in months]
        assert periods == list(range(periods[0], periods[0] + 13))
        assert all(month.entries.exists() for month in months)


def test_each_month_opens_with_the_closing_balance_of_the_one_before(seeded):
    followers = 0
    for month in LedgerMonth.objects.all():
        previous = month.previous_closing_balance()
        if previous is not None:
            assert month.opening_balance == previous, month
            followers += 1
    # Twelve of each village's thirteen months follow another: the loop checked something.
    assert followers == 12 * Village.objects.count()


def test_wumiao_takes_in_over_300000_yuan_a_year(seeded):
    income = LedgerEntry.objects.filter(
        ledger__village__code="371603201201",
        ledger__status=Status.PUBLISHED,
        kind=Kind.INCOME,
    ).aggregate(total=Sum("amount"))["total"]

    assert income > Decimal("300000")


def test_yanjia_has_the_6500_yuan_expense_of_the_seed(seeded):
    entry = LedgerEntry.objects.get(
        ledger__village__code="371603102203", kind=Kind.EXPENSE, amount=Decimal("6500.00")
    )

    assert entry.ledger.is_published
    assert entry.description == "村内环境整治费用"


def test_its_entries_are_valid(seeded):
    entries = LedgerEntry.objects.select_related("ledger", "category")
    assert entries.exists()
    for entry in entries:
        entry.full_clean()


@pytest.mark.parametrize(
    "username, role",
    [
        ("admin", None),
        ("kuaiji", ACCOUNTANT),
        ("kuaiji2", ACCOUNTANT),
        ("shenhe", REVIEWER),
        ("shenhe2", REVIEWER),
        ("xiangzhen", TOWNSHIP_STAFF),
    ],
)
def test_one_user_per_role_can_log_in(client, seeded, username, role):
    user = get_user_model().objects.get(username=username)
    if role:
        assert user.groups.filter(name=role).exists()
    else:
        assert user.is_superuser

    # Through the login page: django-axes checks every login against its request.
    response = client.post("/admin/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/disclosures/ledgermonth/").status_code == 200


def test_the_demo_accountant_sees_only_assigned_villages(client, seeded):
    client.post("/admin/login/", {"username": "kuaiji", "password": DEMO_PASSWORD})

    response = client.get("/admin/disclosures/ledgermonth/", {"all": ""})

    villages = {month.village.code for month in response.context["cl"].queryset}
    # Every 利国乡 village; none of 黄升镇, which 王会计 (kuaiji2) keeps.
    assert villages == {"371603201201", "371603201202", "371603201203", "371603201204"}


def test_it_holds_sunshine_reports_with_tasks_carried_over(seeded):
    wumiao = Village.objects.get(code="371603201201")
    reports = list(wumiao.sunshine_reports.order_by("year", "quarter"))
    assert len(reports) == 3
    assert all(report.status == Status.PUBLISHED for report in reports)
    assert [e.cadre.name for e in reports[-1].evaluations.all()] == [
        "韩兴和",
        "闫文明",
        "刘建国",
        "王秀兰",
        "李振华",
    ]
    outcomes = set(TaskFollowUp.objects.values_list("outcome", flat=True))
    assert Outcome.DONE in outcomes and Outcome.NOT_DONE in outcomes
    assert SunshineReport.objects.values("village").distinct().count() == Village.objects.count()


@pytest.mark.parametrize("code", ["371603201201", "371603102203"])
def test_wumiao_and_yanjia_have_registers_with_each_kind_of_contract(seeded, client, code):
    from disclosures.assets.models import contract_reports

    village = Village.objects.get(code=code)
    assert Asset.objects.current().filter(village=village).count() >= 12
    kinds = set(Resource.objects.current().filter(village=village).values_list("kind", flat=True))
    assert {"arable", "pond"} <= kinds
    reports = contract_reports(village)
    assert sum(report.rent_overdue for report in reports) == 1
    assert sum(report.expired_in_use for report in reports) == 1
    approved = [r.contract for r in reports if r.contract.approving_matter_id]
    assert len(approved) == 1 and approved[0].approving_matter.is_resolved()
    assert not any(r.missing_decision or r.term_too_long for r in reports)
    # The rent arrived in the published finance lists, except what is overdue.
    assert (
        LedgerEntry.objects.published()
        .filter(contract__in=Contract.objects.filter(village=village))
        .exists()
    )
    page = client.get(f"/v/{code}/registers/").content.decode()
    assert "1 份合同逾期未收" in page and "1 份合同已到期仍在使用" in page


def test_each_township_has_the_ranking_of_the_last_complete_quarter(seeded, client):
    from django.utils import timezone

    year, quarter = last_complete_quarter(timezone.localdate())
    rankings = QuarterlyRanking.objects.filter(year=year, quarter=quarter)
    assert {ranking.township.code for ranking in rankings} == {"371603201", "371603102"}
    liguo = rankings.get(township__code="371603201")
    assert len(liguo.rows) == 4 and liguo.fingerprint_matches
    page = client.get(f"/t/371603201/ranking/{year}-Q{quarter}/").content.decode()
    assert "五庙村" in page and "大李村" in page
    assert (
        f"/t/371603201/ranking/{year}-Q{quarter}/#v371603201201"
        in client.get("/v/371603201201/").content.decode()
    )
