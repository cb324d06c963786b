"""Quarterly sunshine reports (阳光述职): 一述二问三定四评.

Each quarter the village meets (party members, the two committees, the supervision
committee, villager representatives): every cadre reports (述), attendees question them
(问), tasks are fixed with an owner and a deadline (定), and attendees evaluate each cadre
(评) as satisfied, basically satisfied or dissatisfied.

A report and its rows are reviewed and published like any disclosure, and join the
village's fingerprint chain. Tasks carry over: a new report gets a follow-up for every
task of the village's earlier published reports that is not yet done, and cannot be
submitted until each follow-up says how the task went. A task stops carrying over once a
published follow-up says it is done.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disclosures.affairs.models import QUARTERS, Cadre, Frequency, period_label
from disclosures.publishing import (
    Publishable,
    PublishableQuerySet,
    PublishedRecordError,
    Status,
)
from villages.models import Village


def quarter_start(year, quarter):
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def earlier_than(year, quarter, prefix=""):
    """Q() for reports of quarters before (year, quarter); `prefix` reaches them through a
    relation, e.g. "report__"."""
    return Q(**{f"{prefix}year__lt": year}) | Q(
        **{f"{prefix}year": year, f"{prefix}quarter__lt": quarter}
    )


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_DONE = "not_done", _("Not done")


class SunshineReportQuerySet(PublishableQuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))


class SunshineReport(Publishable):
    """One quarter's sunshine report meeting of a village."""

    shown_on_finance_pages = False

    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="sunshine_reports",
        verbose_name=_("village"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=list(enumerate(QUARTERS, start=1))
    )
    meeting_date = models.DateField(
        _("meeting date"), help_text=_("In the quarter reported on, or after it.")
    )
    party_members = models.PositiveIntegerField(_("party members present"), default=0)
    two_committees = models.PositiveIntegerField(_("two committees members present"), default=0)
    supervision_committee = models.PositiveIntegerField(
        _("supervision committee members present"), default=0
    )
    villager_representatives = models.PositiveIntegerField(
        _("villager representatives present"), default=0
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SunshineReportQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-year", "-quarter"]
        verbose_name = _("sunshine report")
        verbose_name_plural = _("sunshine reports")
        permissions = [("publish_sunshinereport", _("Can review and publish sunshine reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "quarter"], name="one_sunshine_report_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="sunshine_quarter_exists"
            ),
        ]

    publish_permission = "disclosures.publish_sunshinereport"

    def __str__(self):
        return f"{self.village} {self.period_label}"

    def save(self, *args, **kwargs):
        creating = self._state.adding
        super().save(*args, **kwargs)
        if creating:
            self.carry_over_open_tasks()

    def get_absolute_url(self):
        return reverse(
            "disclosures:sunshine_report",
            kwargs={"code": self.village.code, "year": self.year, "quarter": self.quarter},
        )

    @classmethod
    def chain_filter(cls, village):
        return {"village": village}

    @property
    def quarter_start(self):
        return quarter_start(self.year, self.quarter)

    @property
    def period_label(self):
        return period_label(Frequency.QUARTERLY, self.quarter_start)

    @property
    def attendance(self):
        return (
            self.party_members
            + self.two_committees
            + self.supervision_committee
            + self.villager_representatives
        )

    def clean(self):
        if not (self.year and self.quarter in (1, 2, 3, 4) and self.meeting_date):
            return
        if self.meeting_date < self.quarter_start:
            raise ValidationError(
                {"meeting_date": _("The meeting cannot be held before the quarter it reports.")}
            )

    # Carry-over of the tasks fixed at earlier meetings.

    def open_tasks(self):
        """Tasks of the village's earlier published reports that no published follow-up
        has marked done: they are followed up again at this meeting."""
        done = TaskFollowUp.objects.filter(
            task=models.OuterRef("pk"), report__status=Status.PUBLISHED, outcome=Outcome.DONE
        )
        return (
            SunshineTask.objects.filter(
                earlier_than(self.year, self.quarter, "report__"),
                report__village_id=self.village_id,
                report__status=Status.PUBLISHED,
            )
            .exclude(models.Exists(done))
            .order_by("report__year", "report__quarter", "pk")
        )

    def missing_follow_ups(self):
        return self.open_tasks().exclude(follow_ups__report=self)

    def carry_over_open_tasks(self):
        """Add a follow-up (outcome still to be said) for each open task not followed up
        here yet. Returns how many were added."""
        if not self.is_editable:
            return 0
        missing = list(self.missing_follow_ups())
        TaskFollowUp.objects.bulk_create(TaskFollowUp(report=self, task=task) for task in missing)
        return len(missing)

    # Workflow rules on top of Publishable's.

    def validate_for_submission(self):
        self.full_clean()
        evaluations = list(self.evaluations.all())
        if not evaluations:
            raise ValidationError(_("Record at least one cadre's report and evaluation."))
        if any(evaluation.votes > self.attendance for evaluation in evaluations):
            raise ValidationError(
                _("A cadre has more evaluations than people attended the meeting.")
            )
        # Tasks of a report published since this one was created are added now.
        self.carry_over_open_tasks()
        if self.follow_ups.filter(outcome="").exists():
            raise ValidationError(
                _("Say for each task carried over from earlier meetings whether it was done.")
            )

    def publish(self, user, comment="", when=None):
        earlier = SunshineReport.objects.filter(
            earlier_than(self.year, self.quarter), village_id=self.village_id
        )
        if earlier.exclude(status=Status.PUBLISHED).exists():
            raise ValidationError(_("Publish the reports of earlier quarters first."))
        if self.missing_follow_ups().exists():
            raise ValidationError(
                _(
                    "Tasks fixed at an earlier meeting are not followed up in this report: "
                    "send it back, and submitting it again adds them."
                )
            )
        super().publish(user, comment, when)

    def canonical_content(self):
        return {
            "type": "sunshine_report",
            "village": self.village.code,
            "year": self.year,
            "quarter": self.quarter,
            "meeting_date": self.meeting_date.isoformat(),
            "attendance": {
                "party_members": self.party_members,
                "two_committees": self.two_committees,
                "supervision_committee": self.supervision_committee,
                "villager_representatives": self.villager_representatives,
            },
            "notes": self.notes,
            "evaluations": [
                row.canonical_content() for row in self.evaluations.select_related("cadre")
            ],
            "questions": [
                row.canonical_content() for row in self.questions.select_related("cadre")
            ],
            "tasks": [row.canonical_content() for row in self.tasks.select_related("cadre")],
            "follow_ups": [
                row.canonical_content()
                for row in self.follow_ups.select_related("task__cadre", "task__report")
            ],
        }


class ReportRowQuerySet(models.QuerySet):
    """Rows of a published report are permanent, in bulk too."""

    def published(self):
        """Rows of published reports: the only ones villagers see."""
        return self.filter(report__status=Status.PUBLISHED)

    def update(self, **kwargs):
        if self.published().exists():
            raise PublishedRecordError(_("Rows of a published sunshine report are permanent."))
        return super().update(**kwargs)

    def delete(self):
        if self.published().exists():
            raise PublishedRecordError(_("Rows of a published sunshine report are permanent."))
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        reports = {row.report_id for row in objs}
        if SunshineReport.objects.published().filter(pk__in=reports).exists():
            raise PublishedRecordError(_("Rows of a published sunshine report are permanent."))
        return super().bulk_create(objs, *args, **kwargs)


class ReportRow(models.Model):
    """A row of a sunshine report (subclasses define `report`): changed only while the
    report is editable, and never moved into or out of a published one."""

    objects = ReportRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self):
        stored = self.pk and type(self).objects.filter(pk=self.pk, report__status=Status.PUBLISHED)
        if self.report.is_published or (stored and stored.exists()):
            raise PublishedRecordError(_("Rows of a published sunshine report are permanent."))

    def parent(self):
        """The report, also while it is being added with its rows (not saved yet)."""
        try:
            return self.report
        except SunshineReport.DoesNotExist:
            return None

    def clean(self):
        report, cadre_id = self.parent(), getattr(self, "cadre_id", None)
        if report is None or not cadre_id or not report.village_id:
            return
        if not Cadre.objects.filter(pk=cadre_id, village_id=report.village_id).exists():
            raise ValidationError({"cadre": _("This cadre belongs to another village.")})


class CadreEvaluation(ReportRow):
    """What one cadre reported (述) and how the meeting evaluated them (评)."""

    report = models.ForeignKey(
        SunshineReport,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("sunshine report"),
    )
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        related_name="sunshine_evaluations",
        verbose_name=_("cadre"),
    )
    reported = models.TextField(_("what the cadre reported"))
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)

    class Meta:
        ordering = ["report", "cadre__position", "cadre_id"]
        verbose_name = _("cadre's report and evaluation")
        verbose_name_plural = _("reports and evaluations of the cadres (述 and 评)")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "cadre"], name="one_evaluation_per_cadre_and_report"
            )
        ]

    def __str__(self):
        return f"{self.report} · {self.cadre.name}"

    @property
    def votes(self):
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self):
        """Satisfied and basically satisfied, as a share of all votes; None without votes."""
        if not self.votes:
            return None
        return Decimal(self.satisfied + self.basically_satisfied) / Decimal(self.votes)

    @property
    def satisfaction_percent(self):
        rate = self.satisfaction_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def canonical_content(self):
        return {
            "cadre": self.cadre.name,
            "reported": self.reported,
            "satisfied": self.satisfied,
            "basically_satisfied": self.basically_satisfied,
            "dissatisfied": self.dissatisfied,
        }


class SunshineQuestion(ReportRow):
    """A question put to a cadre at the meeting, and the answer (问)."""

    report = models.ForeignKey(
        SunshineReport,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("sunshine report"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions and answers (问)")

    def __str__(self):
        return self.question[:40]

    def canonical_content(self):
        return {"cadre": self.cadre.name, "question": self.question, "answer": self.answer}


class SunshineTask(ReportRow):
    """A task fixed at the meeting, with who answers for it and by when (定)."""

    report = models.ForeignKey(
        SunshineReport,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("sunshine report"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    task = models.TextField(_("task"))
    owner = models.CharField(_("responsible"), max_length=60)
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks fixed (定)")

    def __str__(self):
        return self.task[:40]

    def clean(self):
        super().clean()
        report = self.parent()
        if self.deadline and report and report.meeting_date and self.deadline < report.meeting_date:
            raise ValidationError({"deadline": _("The deadline cannot be before the meeting.")})

    def canonical_content(self):
        return {
            "cadre": self.cadre.name,
            "task": self.task,
            "owner": self.owner,
            "deadline": self.deadline.isoformat(),
        }


class TaskFollowUp(ReportRow):
    """How a task fixed at an earlier meeting went, said at this one. Made by
    SunshineReport.carry_over_open_tasks(); the accountant fills in the outcome."""

    report = models.ForeignKey(
        SunshineReport,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("sunshine report"),
    )
    task = models.ForeignKey(
        SunshineTask,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("task of an earlier meeting"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["report", "task__report__year", "task__report__quarter", "task_id"]
        verbose_name = _("follow-up of an earlier task")
        verbose_name_plural = _("tasks of earlier meetings: were they done?")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="one_follow_up_per_task")
        ]

    def __str__(self):
        return f"{self.report} · {self.task}"

    def clean(self):
        if not (self.report_id and self.task_id):
            return
        earlier = self.task.report
        if earlier.village_id != self.report.village_id or (earlier.year, earlier.quarter) >= (
            self.report.year,
            self.report.quarter,
        ):
            raise ValidationError(
                {"task": _("Only a task of this village's earlier meetings is followed up.")}
            )

    def canonical_content(self):
        return {
            "task": {
                "year": self.task.report.year,
                "quarter": self.task.report.quarter,
                **self.task.canonical_content(),
            },
            "outcome": self.outcome,
            "note": self.note,
        }
