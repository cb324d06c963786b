"""一季一晒: the points of a township's villages for one quarter (docs/ranking.md).

`points(facts, weights)` is the formula, a plain function of measured facts:

    points = on_time_weight × on-time disclosure rate
           + questions_weight × share of questions answered by their deadline
           + sunshine_held_weight, if the quarter's sunshine report is published
           + satisfaction_weight × share of satisfied votes at that report
           − min(flag_penalty × open flags, flag_penalty_cap)

A rate with nothing to count (no disclosure due, no question asked) counts in full: a
village is not marked down for what nobody asked of it. Satisfaction without a report
or without votes counts nothing. Points are rounded to one decimal, half up.

`measure(township, year, quarter, as_of)` loads the facts in a fixed number of queries;
`compute(...)` gives the ranked rows a QuarterlyRanking stores; `publish(...)` stores it.
"""

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from disclosures.assets.models import register_flags_by_village
from disclosures.compliance.models import QuarterlyRanking, RankingFormula, quarter_days
from disclosures.compliance.report import township_report
from disclosures.finance.models import Kind, LedgerEntry
from disclosures.matters.models import MajorMatter
from disclosures.questions.models import Question, QuestionStatus
from disclosures.sunshine.models import CadreEvaluation, SunshineReport
from villages.models import Village

TENTH = Decimal("0.1")


@dataclass
class Facts:
    """What was measured of one village for one quarter."""

    disclosures_on_time: int = 0
    disclosures_due: int = 0
    questions_on_time: int = 0
    questions_judged: int = 0
    large_expenses_without_decision: int = 0
    contracts_rent_overdue: int = 0
    sunshine_held: bool = False
    satisfied_votes: int = 0
    votes: int = 0

    @property
    def open_flags(self):
        return self.large_expenses_without_decision + self.contracts_rent_overdue


def _share(part, whole, empty):
    return Decimal(part) / Decimal(whole) if whole else Decimal(empty)


def _round(value):
    return Decimal(value).quantize(TENTH, ROUND_HALF_UP)


def points(facts, weights):
    """{part: points} and the total for one village: the formula (module docstring)."""
    parts = {
        "on_time": weights["on_time_weight"]
        * _share(facts.disclosures_on_time, facts.disclosures_due, 1),
        "questions": weights["questions_weight"]
        * _share(facts.questions_on_time, facts.questions_judged, 1),
        "sunshine_held": Decimal(weights["sunshine_held_weight"] if facts.sunshine_held else 0),
        "satisfaction": weights["satisfaction_weight"]
        * (_share(facts.satisfied_votes, facts.votes, 0) if facts.sunshine_held else 0),
        "flags": -Decimal(
            min(weights["flag_penalty"] * facts.open_flags, weights["flag_penalty_cap"])
        ),
    }
    parts = {name: _round(value) for name, value in parts.items()}
    return parts, _round(sum(parts.values(), Decimal("0")))


def rank(rows):
    """Sort by points, highest first (ties by village code) and number them; equal
    points share a rank (1, 2, 2, 4)."""
    rows = sorted(rows, key=lambda row: (-Decimal(row["points"]), row["village"]["code"]))
    for index, row in enumerate(rows):
        tied = index and rows[index - 1]["points"] == row["points"]
        row["rank"] = rows[index - 1]["rank"] if tied else index + 1
    return rows


def measure(township, year, quarter, as_of):
    """{village: Facts} for the township's villages. A fixed number of queries, whatever
    the number of villages, disclosures, questions and contracts."""
    first, last = quarter_days(year, quarter)
    report = township_report(township, first_day=first, last_day=last, today=as_of)
    villages = [row.village for row in report.rows]
    facts = {
        row.village.pk: Facts(disclosures_on_time=row.tally.on_time, disclosures_due=row.tally.due)
        for row in report.rows
    }

    for village_id, answered, due_on, status in (
        Question.objects.visible()
        .filter(
            village__in=villages,
            received_at__date__gte=first,
            received_at__date__lte=last,
        )
        .values_list("village_id", "first_answered_at", "due_on", "status")
    ):
        fact = facts[village_id]
        if answered is not None:
            fact.questions_judged += 1
            fact.questions_on_time += timezone.localdate(answered) <= due_on
        elif as_of > due_on and status != QuestionStatus.CLOSED:
            fact.questions_judged += 1

    months = [(year, month) for month in range(3 * quarter - 2, 3 * quarter + 1)]
    large = (
        LedgerEntry.objects.published()
        .filter(
            ledger__village__in=villages,
            ledger__year=year,
            ledger__month__in=[month for _year, month in months],
            kind=Kind.EXPENSE,
            amount__gte=F("ledger__village__township__major_matter_threshold"),
        )
        .exclude(major_matter__in=MajorMatter.objects.resolved())
        .values_list("ledger__village_id", flat=True)
    )
    for village_id in large:
        facts[village_id].large_expenses_without_decision += 1

    flags = register_flags_by_village(villages, day=min(last, as_of))
    for village_id, village_flags in flags.items():
        facts[village_id].contracts_rent_overdue = len(village_flags.overdue)

    held = SunshineReport.objects.published().filter(
        village__in=villages, year=year, quarter=quarter
    )
    for village_id in held.values_list("village_id", flat=True):
        facts[village_id].sunshine_held = True
    votes = (
        CadreEvaluation.objects.filter(report__in=held)
        .values("report__village_id")
        .annotate(
            good=Sum(F("satisfied") + F("basically_satisfied")),
            bad=Sum("dissatisfied"),
        )
        .order_by()
    )
    for row in votes:
        fact = facts[row["report__village_id"]]
        fact.satisfied_votes = row["good"] or 0
        fact.votes = fact.satisfied_votes + (row["bad"] or 0)
    return {village: facts[village.pk] for village in villages}


def compute(township, year, quarter, as_of, weights=None):
    """The ranked rows, as a QuarterlyRanking stores them."""
    weights = weights or RankingFormula.for_township(township).weights()
    rows = []
    for village, facts in measure(township, year, quarter, as_of).items():
        parts, total = points(facts, weights)
        rows.append(
            {
                "village": {"code": village.code, "name": village.name},
                "points": str(total),
                "parts": {name: str(value) for name, value in parts.items()},
                "facts": asdict(facts),
            }
        )
    return rank(rows)


def publish(township, year, quarter, now=None):
    """Store the quarter's ranking, once: a second call returns the one stored."""
    now = now or timezone.now()
    as_of = timezone.localdate(now)
    if as_of <= quarter_days(year, quarter)[1]:
        raise ValueError(f"{year}-Q{quarter} has not ended on {as_of}.")
    existing = QuarterlyRanking.objects.filter(township=township, year=year, quarter=quarter)
    if found := existing.first():
        return found
    weights = RankingFormula.for_township(township).weights()
    ranking = QuarterlyRanking(
        township=township,
        year=year,
        quarter=quarter,
        as_of=as_of,
        published_at=now,
        formula=weights,
        rows=compute(township, year, quarter, as_of, weights),
    )
    try:
        with transaction.atomic():
            ranking.save()
            # The village pages show their standing: refresh their cached copies.
            Village.objects.filter(township=township).bump_public_version(finance=False)
    except IntegrityError:  # another run stored it meanwhile
        return existing.get()
    return ranking
