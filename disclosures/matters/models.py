"""Major matters and the fixed procedure that decides them: four discussions, two
disclosures (四议两公开).

Each of the six steps is recorded in order, reviewed and published like any disclosure.
The rules of the Organic Law of Villagers' Committees on quorum and majority are checked
when a step is entered, and stated on the form.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disclosures.attachments import attachments_content, require_attachment_texts
from disclosures.finance.models import MONEY, Kind, LedgerEntry
from disclosures.publishing import Publishable, PublishableQuerySet, PublishedRecordError, Status
from villages.models import Village


class MajorMatterQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))

    def public(self):
        """Matters with at least one published step: before that they are internal."""
        published_steps = MatterStep.objects.published().filter(matter=models.OuterRef("pk"))
        return self.filter(models.Exists(published_steps))

    def resolved(self):
        """Matters whose resolution (the villager representatives' or villagers' meeting)
        is published: spending on them has a public decision record."""
        resolutions = MatterStep.objects.published().filter(
            step=Step.RESOLUTION, matter=models.OuterRef("pk")
        )
        return self.filter(models.Exists(resolutions))

    def with_progress(self):
        """Annotate `spent` (the published expenses linked to each matter, from published
        months and published corrections) and `steps_published` (how many of its six
        steps are published: they are published in order, so also the current step)."""
        spent = (
            LedgerEntry.objects.published()
            .filter(
                major_matter=models.OuterRef("pk"),
                ledger__village=models.OuterRef("village"),
                kind=Kind.EXPENSE,
            )
            .order_by()
            .values("major_matter")
            .annotate(total=models.Sum("amount"))
            .values("total")
        )
        published = (
            MatterStep.objects.published()
            .filter(matter=models.OuterRef("pk"))
            .order_by()
            .values("matter")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        money = models.DecimalField(**MONEY)
        return self.annotate(
            spent=Coalesce(models.Subquery(spent, output_field=money), Value(Decimal("0"))),
            steps_published=Coalesce(models.Subquery(published), Value(0)),
        )

    def _fixed(self):
        published_entries = LedgerEntry.objects.published().filter(
            major_matter=models.OuterRef("pk")
        )
        return self.filter(
            models.Exists(MatterStep.objects.published().filter(matter=models.OuterRef("pk")))
            | models.Exists(published_entries)
        )

    def update(self, **kwargs):
        if self._fixed().exists():
            raise PublishedRecordError(_("Published records cannot be changed."))
        return super().update(**kwargs)

    def delete(self):
        if self._fixed().exists():
            raise PublishedRecordError(_("Published records cannot be deleted."))
        return super().delete()


class MajorMatter(models.Model):
    """A road, a lease of collective land, a project: anything the village must decide by
    the four discussions and disclose twice. Its title, purpose and budget are part of
    every published step's content, so they cannot change once a step is published."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="major_matters", verbose_name=_("village")
    )
    title = models.CharField(_("title"), max_length=120)
    purpose = models.TextField(_("purpose"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MajorMatterQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-created_at"]
        verbose_name = _("major matter")
        verbose_name_plural = _("major matters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="major_matter_budget_not_negative"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk and self.is_fixed():
            raise PublishedRecordError(
                _(
                    "The matter is part of published steps or finance lists: its title, "
                    "purpose and budget are fixed."
                )
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosures:matter", kwargs={"code": self.village.code, "pk": self.pk})

    def delete(self, *args, **kwargs):
        if self.is_fixed():
            raise PublishedRecordError(_("A matter with published steps is permanent."))
        return super().delete(*args, **kwargs)

    def is_fixed(self):
        """Published steps hold the title, purpose and budget in their fingerprints, and
        published finance lists hold the title of the matter an entry pays for."""
        return MajorMatter.objects.filter(pk=self.pk)._fixed().exists()

    def canonical_content(self):
        return {
            "village": self.village.code,
            "title": self.title,
            "purpose": self.purpose,
            "budget": f"{self.budget:.2f}",
        }

    def is_resolved(self, steps=None):
        """Has the villager representatives' (or villagers') meeting's resolution been
        published? Pass loaded steps to avoid a query."""
        steps = self.steps.all() if steps is None else steps
        return any(s.step == Step.RESOLUTION and s.is_published for s in steps)


class Step(models.IntegerChoices):
    PROPOSAL = 1, _("Party branch proposes")
    COMMITTEES = 2, _("Two committees discuss")
    PARTY_MEMBERS = 3, _("Party members' meeting reviews")
    RESOLUTION = 4, _("Villager representatives resolve")
    RESOLUTION_DISCLOSED = 5, _("Resolution disclosed")
    RESULT_DISCLOSED = 6, _("Result disclosed")


class Body(models.TextChoices):
    """Who meets, and so which quorum rule applies."""

    PARTY_BRANCH = "branch", _("Party branch committee")
    TWO_COMMITTEES = "committees", _("The two committees")
    PARTY_MEMBERS = "members", _("Party members' meeting (voting members)")
    REPRESENTATIVES = "representatives", _("Villager representatives' meeting")
    VILLAGERS_ADULTS = "adults", _("Villagers' meeting, counted in adult villagers")
    VILLAGERS_HOUSEHOLDS = "households", _("Villagers' meeting, counted in households")


# The body each step may be held by. Steps 5 and 6 are disclosures, not meetings.
STEP_BODIES = {
    Step.PROPOSAL: [Body.PARTY_BRANCH],
    Step.COMMITTEES: [Body.TWO_COMMITTEES],
    Step.PARTY_MEMBERS: [Body.PARTY_MEMBERS],
    Step.RESOLUTION: [Body.REPRESENTATIVES, Body.VILLAGERS_ADULTS, Body.VILLAGERS_HOUSEHOLDS],
}
VOTING_STEPS = {Step.PARTY_MEMBERS, Step.RESOLUTION}


def quorum_problem(body, total, present):
    """None if the meeting was quorate, else the rule it broke, in words."""
    if body == Body.REPRESENTATIVES and present * 3 < total * 2:
        return _(
            "A villager representatives' meeting needs at least two thirds of its members "
            "present (Organic Law art. 26): %(present)d of %(total)d is not enough."
        ) % {"present": present, "total": total}
    if body == Body.VILLAGERS_ADULTS and present * 2 <= total:
        return _(
            "A villagers' meeting needs more than half of the adult villagers present "
            "(Organic Law art. 22): %(present)d of %(total)d is not enough."
        ) % {"present": present, "total": total}
    if body == Body.VILLAGERS_HOUSEHOLDS and present * 3 < total * 2:
        return _(
            "A villagers' meeting counted in households needs two thirds of the households "
            "represented (Organic Law art. 22): %(present)d of %(total)d is not enough."
        ) % {"present": present, "total": total}
    if body == Body.PARTY_MEMBERS and present * 2 <= total:
        return _(
            "A party members' meeting needs more than half of its voting members present: "
            "%(present)d of %(total)d is not enough."
        ) % {"present": present, "total": total}
    return None


def majority_problem(present, votes_for):
    if votes_for * 2 <= present:
        return _(
            "A decision needs more than half of those present: %(for)d of %(present)d voted for."
        ) % {"for": votes_for, "present": present}
    return None


def party_majority_problem(total, votes_for):
    """A party members' meeting decides by more than half of all its voting members, not
    only of those present (Regulations on the Work of Party Branches, art. 11)."""
    if votes_for * 2 <= total:
        return _(
            "A party members' meeting decides by more than half of all its voting members "
            "(Regulations on the Work of Party Branches, art. 11): %(for)d of %(total)d "
            "voted for."
        ) % {"for": votes_for, "total": total}
    return None


# The rule each meeting follows, as stated on the step's form.
BODY_RULES = {
    Body.PARTY_BRANCH: _(
        "A meeting of the party branch committee: record how many of its members attended."
    ),
    Body.TWO_COMMITTEES: _(
        "A joint meeting of the party branch committee and the villagers' committee: record "
        "how many of their members attended."
    ),
    Body.PARTY_MEMBERS: _(
        "A party members' meeting needs more than half of its voting members present, and a "
        "decision needs the votes of more than half of all voting members (Regulations on "
        "the Work of Party Branches, art. 11)."
    ),
    Body.REPRESENTATIVES: _(
        "A villager representatives' meeting needs at least two thirds of its members "
        "present, and its decisions need more than half of those present (Organic Law of "
        "Villagers' Committees, art. 26)."
    ),
    Body.VILLAGERS_ADULTS: _(
        "A villagers' meeting needs more than half of the villagers aged 18 or over present, "
        "and its decisions need more than half of those present (Organic Law of Villagers' "
        "Committees, art. 22)."
    ),
    Body.VILLAGERS_HOUSEHOLDS: _(
        "A villagers' meeting may instead be counted in households: at least two thirds of "
        "the households represented, and its decisions need more than half of those present "
        "(Organic Law of Villagers' Committees, art. 22)."
    ),
}
DISCLOSURE_RULE = _(
    "A disclosure, not a meeting: leave the meeting fields empty and say in the record "
    "where and for how long it was posted."
)


def step_rules(step=None):
    """The rules that apply to a step (all of them when the step is not known yet)."""
    if step is None:
        return list(BODY_RULES.values())
    if step not in STEP_BODIES:
        return [DISCLOSURE_RULE]
    return [BODY_RULES[body] for body in STEP_BODIES[step]]


class MatterStepQuerySet(PublishableQuerySet):
    def for_user(self, user):
        return self.filter(matter__village__in=Village.objects.for_user(user))


class MatterStep(Publishable):
    """One of the six steps of a major matter, with its meeting and vote."""

    matter = models.ForeignKey(
        MajorMatter, on_delete=models.PROTECT, related_name="steps", verbose_name=_("matter")
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    date = models.DateField(_("date"))
    body = models.CharField(_("meeting"), max_length=16, choices=Body.choices, blank=True)
    meeting = models.CharField(_("meeting name and place"), max_length=120, blank=True)
    members_total = models.PositiveIntegerField(
        _("members (or adults, or households)"), null=True, blank=True
    )
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstaining = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    record = models.TextField(
        _("record"),
        help_text=_(
            "What was proposed, discussed or decided; for a disclosure, where and "
            "how it was disclosed."
        ),
    )

    objects = MatterStepQuerySet.as_manager()

    class Meta:
        ordering = ["matter", "step"]
        verbose_name = _("step of a major matter")
        verbose_name_plural = _("steps of major matters")
        permissions = [("publish_matterstep", _("Can review and publish major matters"))]
        constraints = [
            models.UniqueConstraint(fields=["matter", "step"], name="one_of_each_step"),
            models.CheckConstraint(
                condition=models.Q(present__lte=models.F("members_total")),
                name="step_present_not_more_than_members",
            ),
        ]

    publish_permission = "disclosures.publish_matterstep"

    def __str__(self):
        return f"{self.matter} · {self.get_step_display()}"

    @property
    def village(self):
        return self.matter.village

    @classmethod
    def chain_filter(cls, village):
        return {"matter__village": village}

    def clean(self):
        errors = {}
        if not self.matter_id or not self.step:
            return
        earlier = (
            MatterStep.objects.filter(matter_id=self.matter_id, step__lt=self.step)
            .exclude(pk=self.pk)
            .order_by("step")
        )
        recorded = {s.step: s for s in earlier}
        missing = [Step(n).label for n in range(1, self.step) if n not in recorded]
        if missing:
            errors["step"] = _("Steps are taken in order: first %(missing)s.") % {
                "missing": "、".join(str(label) for label in missing)
            }
        elif recorded and self.date and self.date < recorded[self.step - 1].date:
            errors["date"] = _("This step cannot be dated before the step before it.")
        following = (
            MatterStep.objects.filter(matter_id=self.matter_id, step=self.step + 1)
            .exclude(pk=self.pk)
            .first()
        )
        if following and self.date and self.date > following.date and "date" not in errors:
            errors["date"] = _("This step cannot be dated after the step after it.")
        if self.step in STEP_BODIES:
            errors.update(self._meeting_errors())
        if errors:
            raise ValidationError(errors)

    def _meeting_errors(self):
        errors = {}
        if self.body not in STEP_BODIES[self.step]:
            errors["body"] = _("This step is held by: %(bodies)s.") % {
                "bodies": "、".join(str(Body(b).label) for b in STEP_BODIES[self.step])
            }
        if self.members_total is None or self.present is None:
            errors["present"] = _("Record how many attended, of how many.")
            return errors
        if self.present > self.members_total:
            errors["present"] = _("More present than members.")
            return errors
        problem = quorum_problem(self.body, self.members_total, self.present)
        if problem:
            errors["present"] = problem
        votes = [self.votes_for, self.votes_against, self.abstaining]
        if self.step not in VOTING_STEPS and votes == [None, None, None]:
            return errors  # the branch and the two committees need not record a vote
        if None in votes:
            errors["votes_for"] = _("Record the votes: for, against and abstaining.")
        elif sum(votes) > self.present:
            errors["votes_for"] = _("More votes than people present.")
        elif self.step in VOTING_STEPS:
            if self.body == Body.PARTY_MEMBERS:
                problem = party_majority_problem(self.members_total, self.votes_for)
            else:
                problem = majority_problem(self.present, self.votes_for)
            if problem:
                errors["votes_for"] = problem
        return errors

    def validate_for_publication(self):
        require_attachment_texts(self.attachments.all())

    def evidence_files(self):
        return [(a.title, a.file, a.sha256) for a in self.attachments.all()]

    def canonical_content(self):
        return {
            "type": "matter_step",
            "matter": self.matter.canonical_content(),
            "step": self.step,
            "date": self.date.isoformat(),
            "body": self.body,
            "meeting": self.meeting,
            "members_total": self.members_total,
            "present": self.present,
            "votes": [self.votes_for, self.votes_against, self.abstaining],
            "record": self.record,
            **attachments_content(self.attachments.all()),
        }

    @property
    def is_meeting(self):
        return self.step in STEP_BODIES

    def validate_for_submission(self):
        """Steps may wait for review together, but each after the one before it."""
        self.full_clean()
        earlier_not_submitted = self.matter.steps.filter(
            step__lt=self.step, status__in=[Status.DRAFT, Status.RETURNED]
        )
        if earlier_not_submitted.exists():
            raise ValidationError(_("Submit the earlier steps first."))
        self.validate_for_publication()

    def publish(self, user, comment="", when=None):
        earlier_unpublished = self.matter.steps.filter(step__lt=self.step).exclude(
            status=Status.PUBLISHED
        )
        if earlier_unpublished.exists():
            raise ValidationError(_("Publish the earlier steps first."))
        super().publish(user, comment, when)
