"""一季一晒: each township's quarterly ranking of its villages.

The formula's weights are a township setting (RankingFormula, edited by the township's
staff in the admin; the defaults below when a township has set none). Each quarter a
command (`publish_rankings`, daily in deploy/crontab) computes the ranking from measured
facts only (disclosures/compliance/ranking.py) and stores it as a QuarterlyRanking: the
rows with their breakdown and the formula used, with a SHA-256 fingerprint over them.

It is published automatically, not reviewed: nobody enters anything, every number comes
from what the villages already published and what villagers asked, so there is nothing
for a second pair of eyes to check that the command's tests do not. Once stored it never
changes (save, delete and QuerySet.update/delete refuse; on PostgreSQL a trigger too,
migration 0018): a later correction of a village's data shows in the next quarter's
ranking, never by rewriting an old one.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disclosures.publishing import PublishedRecordError, canonical_json
from villages.models import Township

# The defaults, documented in docs/ranking.md: at most 100 points.
DEFAULT_WEIGHTS = {
    "on_time_weight": 40,
    "questions_weight": 20,
    "sunshine_held_weight": 10,
    "satisfaction_weight": 30,
    "flag_penalty": 5,
    "flag_penalty_cap": 20,
}


def weight_field(name, default, help_text):
    return models.PositiveSmallIntegerField(
        name, default=default, validators=[MaxValueValidator(100)], help_text=help_text
    )


class RankingFormula(models.Model):
    """A township's weights for its quarterly ranking (一季一晒)."""

    township = models.OneToOneField(
        Township,
        on_delete=models.CASCADE,
        related_name="ranking_formula",
        verbose_name=_("township"),
    )
    on_time_weight = weight_field(
        _("points for disclosing on time"),
        DEFAULT_WEIGHTS["on_time_weight"],
        _(
            "Given in full when everything due in the quarter was disclosed on time, "
            "in proportion below."
        ),
    )
    questions_weight = weight_field(
        _("points for answering questions in time"),
        DEFAULT_WEIGHTS["questions_weight"],
        _("In proportion to the share of the quarter's questions answered by their deadline."),
    )
    sunshine_held_weight = weight_field(
        _("points for holding the sunshine report"),
        DEFAULT_WEIGHTS["sunshine_held_weight"],
        _("Given when the quarter's sunshine report (阳光述职) is published."),
    )
    satisfaction_weight = weight_field(
        _("points for satisfaction"),
        DEFAULT_WEIGHTS["satisfaction_weight"],
        _("In proportion to the share of satisfied votes at the sunshine report."),
    )
    flag_penalty = weight_field(
        _("points taken per open flag"),
        DEFAULT_WEIGHTS["flag_penalty"],
        _("For each large expense without a decision and each contract with rent overdue."),
    )
    flag_penalty_cap = weight_field(
        _("most points taken for flags"),
        DEFAULT_WEIGHTS["flag_penalty_cap"],
        _("However many flags are open."),
    )

    class Meta:
        verbose_name = _("ranking formula (一季一晒)")
        verbose_name_plural = _("ranking formulas (一季一晒)")

    def __str__(self):
        return str(self.township)

    @classmethod
    def for_township(cls, township):
        """The township's formula, or the defaults (unsaved) when it has set none."""
        return cls.objects.filter(township=township).first() or cls(township=township)

    def weights(self):
        return {name: getattr(self, name) for name in DEFAULT_WEIGHTS}

    @property
    def max_points(self):
        return (
            self.on_time_weight
            + self.questions_weight
            + self.sunshine_held_weight
            + self.satisfaction_weight
        )


def quarter_days(year, quarter):
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    return first, last


def last_complete_quarter(day):
    """(year, quarter) of the last quarter that ended before `day`."""
    quarter = (day.month - 1) // 3  # the current quarter minus one, 0 meaning last year's Q4
    return (day.year, quarter) if quarter else (day.year - 1, 4)


class RankingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PublishedRecordError(_("A published ranking is never changed."))

    def delete(self):
        raise PublishedRecordError(_("A published ranking is never deleted."))


class QuarterlyRanking(models.Model):
    """One township's published ranking of one quarter: permanent."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    # What the facts were measured up to: the day it was computed.
    as_of = models.DateField(_("measured up to"))
    published_at = models.DateTimeField(_("published at"))
    formula = models.JSONField(_("formula"))
    rows = models.JSONField(_("rows"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)

    objects = RankingQuerySet.as_manager()

    class Meta:
        ordering = ["township", "-year", "-quarter"]
        verbose_name = _("quarterly ranking (一季一晒)")
        verbose_name_plural = _("quarterly rankings (一季一晒)")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "quarter"], name="one_ranking_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="ranking_quarter_exists"
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.slug}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PublishedRecordError(_("A published ranking is never changed."))
        self.fingerprint = self.compute_fingerprint()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "disclosures:ranking",
            kwargs={"township": self.township.code, "year": self.year, "quarter": self.quarter},
        )

    def delete(self, *args, **kwargs):
        raise PublishedRecordError(_("A published ranking is never deleted."))

    @property
    def slug(self):
        return f"{self.year}-Q{self.quarter}"

    def canonical_content(self):
        return {
            "township": self.township.code,
            "year": self.year,
            "quarter": self.quarter,
            "as_of": self.as_of.isoformat(),
            "formula": self.formula,
            "rows": self.rows,
        }

    def compute_fingerprint(self):
        return hashlib.sha256(canonical_json(self.canonical_content())).hexdigest()

    @property
    def fingerprint_matches(self):
        return self.compute_fingerprint() == self.fingerprint

    @property
    def short_fingerprint(self):
        return self.fingerprint[:10]

    def row_of(self, village_code):
        return next((row for row in self.rows if row["village"]["code"] == village_code), None)


@dataclass
class VillageStanding:
    """A village's line in its township's latest ranking, for the village page."""

    ranking: QuarterlyRanking
    row: dict
    of: int

    @property
    def url(self):
        return f"{self.ranking.get_absolute_url()}#v{self.row['village']['code']}"


def latest_standing(village):
    """The village's points and rank in its township's latest published ranking, or
    None. One query (the village's township is already loaded)."""
    ranking = (
        QuarterlyRanking.objects.filter(township_id=village.township_id)
        .order_by("-year", "-quarter")
        .first()
    )
    row = ranking.row_of(village.code) if ranking else None
    if row is None:
        return None
    ranking.township = village.township
    return VillageStanding(ranking=ranking, row=row, of=len(ranking.rows))
