"""Major matters and the fixed procedure that decides them: four discussions, two
disclosures (四议两公开).

Each of the six steps is recorded in order, reviewed and published like any disclosure.
The rules of the Organic Law of Villagers' Committees on quorum and majority are checked
when a step is entered, and stated on the form.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disclosures.publishing import Publishable, PublishableQuerySet, PublishedRecordError, Status
from villages.models import Village


class MajorMatterQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))

    def public(self):
        """Matters with at least one published step: before that they are internal."""
        return self.filter(steps__status=Status.PUBLISHED).distinct()


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
        if self.pk and self.steps.published().exists():
            raise PublishedRecordError(
                _("The matter has published steps: its title, purpose and budget are fixed.")
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosures:matter", kwargs={"code": self.village.code, "pk": self.pk})

    def delete(self, *args, **kwargs):
        if self.steps.published().exists():
            raise PublishedRecordError(_("A matter with published steps is permanent."))
        return super().delete(*args, **kwargs)

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
        if self.step in VOTING_STEPS:
            votes = [self.votes_for, self.votes_against, self.abstaining]
            if None in votes:
                errors["votes_for"] = _("Record the votes: for, against and abstaining.")
            elif sum(votes) > self.present:
                errors["votes_for"] = _("More votes than people present.")
            else:
                problem = majority_problem(self.present, self.votes_for)
                if problem:
                    errors["votes_for"] = problem
        return errors

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
            "attachments": sorted(a.sha256 for a in self.attachments.all()),
        }

    def validate_for_submission(self):
        self.full_clean()
        earlier_unpublished = self.matter.steps.filter(step__lt=self.step).exclude(
            status=Status.PUBLISHED
        )
        if earlier_unpublished.exists():
            raise ValidationError(_("Publish the earlier steps first."))
