"""一季一晒: the quarterly ranking is a plain function of measured facts, published once
as a permanent record, shown on a township page (and its JSON twin) and on each
village's page, with the formula the township set."""

import datetime
import io
import json
import pathlib
import xml.etree.ElementTree as ET
from decimal import Decimal

import jsonschema
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from disclosures.compliance import ranking
from disclosures.compliance.models import (
    DEFAULT_WEIGHTS,
    QuarterlyRanking,
    RankingFormula,
    last_complete_quarter,
)
from disclosures.finance.models import Kind, LedgerEntry
from disclosures.publishing import PublishedRecordError
from disclosures.questions.models import Question
from tests import factories
from tests.disclosures.assets.register_helpers import make_contract
from tests.disclosures.sunshine.sunshine_helpers import make_cadres, make_report

OCTOBER_5 = datetime.datetime(2026, 10, 5, 4, 0, tzinfo=datetime.UTC)
SCHEMA = json.loads(
    (pathlib.Path(__file__).resolve().parents[3] / "docs/open-data/schema.json").read_text()
)
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_formula_adds_the_parts_and_takes_the_flags():
    facts = ranking.Facts(
        disclosures_on_time=3,
        disclosures_due=4,
        questions_on_time=1,
        questions_judged=2,
        large_expenses_without_decision=1,
        contracts_rent_overdue=1,
        sunshine_held=True,
        satisfied_votes=27,
        votes=30,
    )
    parts, total = ranking.points(facts, DEFAULT_WEIGHTS)
    assert parts == {
        "on_time": Decimal("30.0"),  # 40 × 3/4
        "questions": Decimal("10.0"),  # 20 × 1/2
        "sunshine_held": Decimal("10.0"),
        "satisfaction": Decimal("27.0"),  # 30 × 27/30
        "flags": Decimal("-10.0"),  # two flags × 5
    }
    assert total == Decimal("67.0")


def test_nothing_asked_counts_in_full_and_no_report_counts_nothing():
    parts, total = ranking.points(ranking.Facts(), DEFAULT_WEIGHTS)
    assert parts["on_time"] == 40 and parts["questions"] == 20
    assert parts["sunshine_held"] == parts["satisfaction"] == 0
    assert total == Decimal("60.0")


def test_the_flags_take_at_most_the_cap():
    facts = ranking.Facts(contracts_rent_overdue=9)
    parts, _total = ranking.points(facts, {**DEFAULT_WEIGHTS, "flag_penalty_cap": 12})
    assert parts["flags"] == Decimal("-12.0")


def test_equal_points_share_a_rank():
    rows = [
        {"village": {"code": code}, "points": points}
        for code, points in [("3", "50.0"), ("1", "70.0"), ("2", "50.0"), ("4", "10.0")]
    ]
    assert [(r["village"]["code"], r["rank"]) for r in ranking.rank(rows)] == [
        ("1", 1),
        ("2", 2),
        ("3", 2),
        ("4", 4),
    ]


def test_the_last_complete_quarter():
    assert last_complete_quarter(datetime.date(2026, 10, 1)) == (2026, 3)
    assert last_complete_quarter(datetime.date(2026, 2, 10)) == (2025, 4)


@pytest.fixture
def quarter_of_facts(wumiao, dongying):
    """Q3 2026: 五庙村 held its sunshine report (27 of 30 votes satisfied per cadre),
    answered one question in time and left one unanswered past its deadline, has a
    large expense without a decision and a contract whose rent is overdue. 东营村 did
    nothing of it."""
    for month in (7, 8, 9):
        factories.make_month(wumiao, 2026, month, entries=1)
    month = factories.make_month(wumiao, 2026, 6, published=False)
    LedgerEntry.objects.create(
        ledger=month,
        date=datetime.date(2026, 6, 9),
        voucher_number="记99",
        description="修路",
        kind=Kind.EXPENSE,
        category=factories.category(Kind.EXPENSE, "管理费用"),
        amount=Decimal("60000.00"),
        approved_by="韩兴和",
    )
    factories.publish(month)
    make_contract(wumiao, start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2028, 7, 1))
    make_report(wumiao, 2026, 3, cadres=make_cadres(wumiao), votes=(20, 7, 3))
    asked = datetime.datetime(2026, 7, 2, 2, 0, tzinfo=datetime.UTC)
    answered = Question.receive(wumiao, "账目什么时候公开？", now=asked)
    answered.answer(factories.make_user("answerer", superuser=True), "已公开。", now=asked)
    Question.receive(wumiao, "路灯什么时候装？", now=asked)
    return wumiao, dongying


def test_the_facts_are_measured_from_what_was_published(quarter_of_facts):
    wumiao, dongying = quarter_of_facts
    facts = {
        v.code: f for v, f in ranking.measure(wumiao.township, 2026, 3, OCTOBER_5.date()).items()
    }
    mine = facts[wumiao.code]
    assert mine.sunshine_held and (mine.satisfied_votes, mine.votes) == (54, 60)
    assert (mine.questions_on_time, mine.questions_judged) == (1, 2)
    assert mine.contracts_rent_overdue == 1
    # The June expense is in Q2, not Q3.
    assert mine.large_expenses_without_decision == 0
    assert mine.disclosures_on_time > 0
    assert not facts[dongying.code].sunshine_held
    q2 = ranking.measure(wumiao.township, 2026, 2, OCTOBER_5.date())
    assert q2[wumiao].large_expenses_without_decision == 1


def test_a_published_ranking_stores_the_breakdown_and_never_changes(quarter_of_facts):
    wumiao, dongying = quarter_of_facts
    RankingFormula.objects.create(township=wumiao.township, satisfaction_weight=50)

    published = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)

    assert published.formula["satisfaction_weight"] == 50
    row = published.row_of(wumiao.code)
    assert row["parts"]["satisfaction"] == "45.0"  # 50 × 54/60
    assert row["facts"]["contracts_rent_overdue"] == 1
    assert [r["rank"] for r in published.rows] == [1, 2]
    assert published.fingerprint_matches
    # Once: a second run, and a later change of the weights, change nothing.
    RankingFormula.objects.filter(township=wumiao.township).update(satisfaction_weight=0)
    again = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5 + datetime.timedelta(days=9))
    assert again.pk == published.pk and again.formula["satisfaction_weight"] == 50
    with pytest.raises(PublishedRecordError):
        published.save()
    with pytest.raises(PublishedRecordError):
        published.delete()
    with pytest.raises(PublishedRecordError):
        QuarterlyRanking.objects.filter(pk=published.pk).update(rows=[])
    with pytest.raises(ValueError):
        ranking.publish(wumiao.township, 2026, 4, now=OCTOBER_5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_the_database_refuses_to_change_a_published_ranking(wumiao):
    published = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)
    for sql in (
        "UPDATE disclosures_quarterlyranking SET rows = '[]' WHERE id = %s",
        "DELETE FROM disclosures_quarterlyranking WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [published.pk])


def test_the_command_publishes_the_last_complete_quarter(wumiao, yanjia, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: OCTOBER_5)
    call_command("publish_rankings", stdout=io.StringIO())
    call_command("publish_rankings", stdout=io.StringIO())  # once only
    assert sorted(QuarterlyRanking.objects.values_list("township__code", "year", "quarter")) == [
        ("371603102", 2026, 3),
        ("371603201", 2026, 3),
    ]


def test_the_ranking_page_shows_the_breakdown_and_the_formula(
    client, quarter_of_facts, django_assert_num_queries
):
    wumiao, _dongying = quarter_of_facts
    ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)
    url = f"/t/{wumiao.township.code}/ranking/2026-Q3/"

    with django_assert_num_queries(2):  # the township, the ranking
        html = client.get(url).content.decode()

    assert f'id="v{wumiao.code}"' in html
    assert "五庙村" in html and "东营村" in html
    assert "最多扣 20 分" in html or "at most 20" in html
    assert f'href="/t/{wumiao.township.code}/feed.atom"' in html
    assert f'href="/t/{wumiao.township.code}/ranking/2026-Q3.json"' in html
    assert client.get(f"/t/{wumiao.township.code}/ranking/2026-Q2/").status_code == 404


def test_the_ranking_twin_validates_against_the_schema(client, quarter_of_facts):
    wumiao, _dongying = quarter_of_facts
    published = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)
    response = client.get(f"/t/{wumiao.township.code}/ranking/2026-Q3.json")
    data = json.loads(response.content)
    validator = jsonschema.Draft202012Validator(
        {"$defs": SCHEMA["$defs"], "$ref": "#/$defs/ranking"}
    )
    assert [e.message for e in validator.iter_errors(data)] == []
    assert data["fingerprint"] == published.fingerprint
    assert data["rows"][0]["url"].endswith(f"/v/{data['rows'][0]['village']['code']}/")


def test_the_village_page_shows_its_points_and_rank(client, quarter_of_facts):
    wumiao, dongying = quarter_of_facts
    assert 'id="ranking"' not in client.get(f"/v/{dongying.code}/").content.decode()
    published = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)
    row = published.row_of(dongying.code)
    # Publishing refreshed the village's cached page.
    html = client.get(f"/v/{dongying.code}/").content.decode()
    assert 'id="ranking"' in html and row["points"] in html
    assert f'href="/t/{wumiao.township.code}/ranking/2026-Q3/#v{dongying.code}"' in html
    standing = json.loads(client.get(f"/v/{dongying.code}.json").content)["ranking"]
    assert (standing["points"], standing["rank"], standing["of"]) == (row["points"], row["rank"], 2)


@pytest.mark.parametrize("villages", [1, 6])
def test_the_township_pages_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries, liguo, villages
):
    for number in range(villages):
        village = factories.make_village(liguo, f"3716032012{number:02d}", f"村{number}")
        factories.make_month(village, 2026, 9, entries=2)
    ranking.publish(liguo, 2026, 3, now=OCTOBER_5)
    with django_assert_num_queries(3):  # the township, its villages, its rankings
        client.get(f"/t/{liguo.code}/")
    with django_assert_num_queries(2):  # the township, the ranking
        client.get(f"/t/{liguo.code}/ranking/2026-Q3.json")
    # The township, its rankings, one query per kind of publication.
    from disclosures.publishing import chain_members

    with django_assert_num_queries(2 + len(chain_members())):
        client.get(f"/t/{liguo.code}/feed.atom")


def test_the_township_page_lists_rankings_and_advertises_its_feed(client, wumiao):
    ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)
    html = client.get(f"/t/{wumiao.township.code}/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="利国乡：公开动态" '
        f'href="/t/{wumiao.township.code}/feed.atom">'
    ) in html
    assert f'href="/t/{wumiao.township.code}/ranking/2026-Q3/"' in html
    assert client.get("/t/999999999/").status_code == 404


def test_the_township_feed_is_atom_with_its_villages_publications(
    client, wumiao, dongying, yanjia, django_assert_max_num_queries
):
    months = factories.make_history(wumiao, 2, entries_per_month=1)
    factories.make_month(dongying, 2026, 10)
    factories.make_month(yanjia, 2026, 10)  # another township's
    factories.make_month(wumiao, 2026, 11, published=False)
    published = ranking.publish(wumiao.township, 2026, 3, now=OCTOBER_5)

    response = client.get(f"/t/{wumiao.township.code}/feed.atom")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "利国乡"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(entries) == 4  # two months of 五庙村, one of 东营村, the ranking
    assert f"urn:sha256:{months[0].fingerprint}" in ids
    assert f"urn:sha256:{published.fingerprint}" in ids
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)


def test_township_staff_set_only_their_own_townships_weights(
    client_for, township_staff, liguo, huangsheng
):
    RankingFormula.objects.create(township=huangsheng)
    client = client_for(township_staff)
    page = client.get("/admin/disclosures/rankingformula/add/").content.decode()
    assert "利国乡" in page and "黄升镇" not in page
    response = client.post(
        "/admin/disclosures/rankingformula/add/",
        {"township": huangsheng.pk, **DEFAULT_WEIGHTS},
    )
    assert response.status_code == 200  # refused: not one of the choices
    response = client.post(
        "/admin/disclosures/rankingformula/add/",
        {"township": liguo.pk, **DEFAULT_WEIGHTS, "on_time_weight": 50},
    )
    assert response.status_code == 302
    assert RankingFormula.objects.get(township=liguo).on_time_weight == 50
    listing = client.get("/admin/disclosures/rankingformula/").content.decode()
    assert "黄升镇" not in listing
    other = RankingFormula.objects.get(township=huangsheng)
    assert client.get(f"/admin/disclosures/rankingformula/{other.pk}/change/").status_code == 302
