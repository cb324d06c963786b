"""The staff's work queue: what the admin's home page lists for each role.

- Accountants: the lists of their villages that are due or overdue, with the deadline;
  what was sent back and why; villagers' questions waiting for an answer.
- Reviewers: everything submitted for review in their villages, oldest first, that they
  may publish (never what they entered or submitted themselves: four eyes).
- Township staff: overdue and escalated questions, villages behind on disclosures, and
  their people's accounts locked out after failed logins.

It gathers every feature, like the village page, so it may import any of them and no
feature imports it. Each section is a few queries whatever the history, and lists at
most LIMIT lines with the total count beside it.
"""

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.affairs.models import Disclosure
from disclosures.compliance.report import MISSING, NOT_YET_DUE, township_reports
from disclosures.finance.models import LedgerMonth
from disclosures.publishing import ReviewEvent, Status, chain_members
from disclosures.questions.models import Question, QuestionStatus, overdue_on, today
from villages.models import Township, Village
from villages.security import people_of

LIMIT = 15
# A list not yet due shows up this many days before its deadline.
DUE_SOON_DAYS = 10


@dataclass
class Line:
    """One thing to do: what, for which village, by when, and where it is done."""

    text: str
    url: str
    village: object = None
    when: datetime.date | None = None
    note: str = ""
    urgent: bool = False
    begun: bool = False  # a list already entered, waiting to be finished


@dataclass
class Section:
    key: str  # names the section in the page (id="queue-<key>") and in tests
    title: str
    lines: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    def add(self, line):
        self.total += 1
        if len(self.lines) < LIMIT:
            self.lines.append(line)


@dataclass
class WorkQueue:
    sections: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not any(section.total for section in self.sections)


def admin_url(model, action, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def _is_accountant(user):
    return user.has_perm("disclosures.add_ledgermonth")


def _publishable_kinds(user):
    return [model for model in chain_members() if user.has_perm(model.publish_permission)]


def due_lists(villages, on):
    """Lists of these villages whose deadline has passed with nothing published, or
    falls within DUE_SOON_DAYS: the compliance report's cells. Those already begun (a
    draft, or one submitted or sent back) come first and open it; then the rest, the
    longest overdue first, each opening a new month or disclosure filled in."""
    villages = list(villages)
    section = Section("due", _("Lists due"))
    if not villages:
        return section
    wanted = {village.pk for village in villages}
    townships = Township.objects.filter(villages__in=villages).distinct()
    cells = [
        cell
        for report in township_reports(townships, today=on)
        for row in report.rows
        if row.village.pk in wanted
        for cell in row.cells
        if cell.status == MISSING
        or (cell.status == NOT_YET_DUE and cell.deadline <= on + datetime.timedelta(DUE_SOON_DAYS))
    ]
    begun = _begun_lists(villages)
    by_pk = {village.pk: village for village in villages}
    lines = []
    for cell in cells:
        village = by_pk[cell.village_id]
        draft = begun.get(_list_key(cell))
        note = _("overdue") if cell.status == MISSING else _("due")
        if draft is not None:
            url = admin_url(type(draft), "change", draft.pk)
            note = f"{note} · {draft.get_status_display()}"
        else:
            url = _entry_url(cell, village)
        lines.append(
            Line(
                text=cell.label,
                url=url,
                village=village,
                when=cell.deadline,
                note=note,
                urgent=cell.status == MISSING,
                begun=draft is not None,
            )
        )
    for line in sorted(lines, key=lambda line: (not line.begun, line.when, line.url)):
        section.add(line)
    return section


def _entry_url(cell, village):
    """Where a list not yet begun is entered: a new month or disclosure, filled in."""
    if cell.item.is_finance_list:
        start = cell.period_start
        return (
            f"{admin_url(LedgerMonth, 'add')}?village={village.pk}"
            f"&year={start.year}&month={start.month}"
        )
    return (
        f"{admin_url(Disclosure, 'add')}?village={village.pk}&item={cell.item.pk}"
        f"&period_start={cell.period_start:%Y-%m-%d}"
    )


def _list_key(cell):
    if cell.item.is_finance_list:
        return ("month", cell.village_id, cell.period_start.year, cell.period_start.month)
    return ("disclosure", cell.village_id, cell.item.pk, cell.period_start)


def _begun_lists(villages):
    """{list key: the unpublished month or disclosure} of these villages: two queries."""
    months = LedgerMonth.objects.filter(village__in=villages).exclude(status=Status.PUBLISHED)
    disclosures = Disclosure.objects.filter(village__in=villages).exclude(status=Status.PUBLISHED)
    begun = {("month", m.village_id, m.year, m.month): m for m in months}
    begun.update({("disclosure", d.village_id, d.item_id, d.period_start): d for d in disclosures})
    return begun


def sent_back(villages):
    """What a reviewer sent back in these villages, with the reason: every kind of
    disclosure, oldest first. One query per kind and one for the reasons."""
    section = Section("sent_back", _("Sent back to you"))
    items = [
        item
        for model in chain_members()
        for item in model.in_villages(villages).filter(status=Status.RETURNED)
    ]
    reasons = _latest_comments(items, ReviewEvent.Action.SEND_BACK)
    for item in sorted(items, key=lambda item: item.submitted_at or item.created_at):
        section.add(
            Line(
                text=str(item),
                url=admin_url(type(item), "change", item.pk),
                note=reasons.get((type(item), item.pk), ""),
                urgent=True,
            )
        )
    return section


def _latest_comments(items, action):
    """{(model, pk): the comment of the latest event of this action} in one query."""
    if not items:
        return {}
    by_type = {}
    for item in items:
        by_type.setdefault(type(item), []).append(item.pk)
    subjects = Q()
    for model, pks in by_type.items():
        content_type = ContentType.objects.get_for_model(model)
        subjects |= Q(content_type=content_type, object_id__in=pks)
    models = {ContentType.objects.get_for_model(model).pk: model for model in by_type}
    comments = {}
    for event in ReviewEvent.objects.filter(subjects, action=action).order_by("at", "pk"):
        comments[(models[event.content_type_id], event.object_id)] = event.comment
    return comments


def to_review(user, villages):
    """Everything submitted in these villages that this user may publish, oldest first."""
    section = Section("to_review", _("Waiting for your review"))
    items = [
        item
        for model in _publishable_kinds(user)
        for item in model.in_villages(villages)
        .filter(status=Status.SUBMITTED)
        .exclude(Q(created_by=user) | Q(submitted_by=user))
    ]
    for item in sorted(items, key=lambda item: item.submitted_at):
        section.add(
            Line(
                text=str(item),
                url=admin_url(type(item), "change", item.pk),
                when=item.submitted_at.date() if item.submitted_at else None,
                note=str(type(item)._meta.verbose_name),
            )
        )
    return section


def questions_waiting(questions, on, title):
    """Questions not yet answered (or escalated), the most overdue first."""
    section = Section("questions", title)
    waiting = (
        questions.filter(status__in=[QuestionStatus.RECEIVED, QuestionStatus.ESCALATED])
        .select_related("village")
        .order_by("due_on", "pk")
    )
    for question in waiting:
        section.add(
            Line(
                text=question.text[:80],
                url=admin_url(Question, "change", question.pk),
                village=question.village,
                when=question.due_on,
                note=question.get_status_display(),
                urgent=question.is_overdue(on),
            )
        )
    return section


def villages_behind(townships, on):
    """Villages of these townships with lists missing, the most missing first."""
    section = Section("behind", _("Villages behind on their disclosures"))
    rows = [row for report in township_reports(townships, today=on) for row in report.rows]
    for row in sorted(rows, key=lambda row: (-row.tally.missing, row.village.code)):
        if row.tally.missing:
            section.add(
                Line(
                    text=_("%(count)d lists missing") % {"count": row.tally.missing},
                    url=reverse("admin:disclosures_compliance_village", args=[row.village.code]),
                    village=row.village,
                    urgent=True,
                )
            )
    return section


def locked_accounts(user):
    """Accounts of the user's townships' people locked out after failed logins (django-axes):
    each opens the lockout list, where township staff lift it."""
    section = Section("locked", _("Locked-out accounts"))
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if not user.is_superuser:
        attempts = attempts.filter(username__in=people_of(user).values("username"))
    for attempt in attempts.order_by("-attempt_time"):
        section.add(
            Line(
                text=attempt.username,
                url=f"{admin_url(AccessAttempt, 'changelist')}?q={attempt.username}",
                when=timezone.localdate(attempt.attempt_time),
                note=_("%(count)d failed logins") % {"count": attempt.failures_since_start},
                urgent=True,
            )
        )
    return section


def work_queue(user, on=None):
    """The user's queue, by what the user's roles may do."""
    on = on or today()
    queue = WorkQueue()
    villages = Village.objects.for_user(user).select_related("township")
    # A superuser holds every permission but keeps no village's books and supervises no
    # township: the lists due and the villages behind of a whole province (every
    # village's compliance, seconds of work) are for the accountants and township staff
    # who act on them. A superuser's queue is what waits for review, the overdue and
    # escalated questions and the locked-out accounts.
    if _is_accountant(user) and not user.is_superuser:
        queue.sections.append(due_lists(villages, on))
        queue.sections.append(sent_back(villages))
    if _publishable_kinds(user):
        queue.sections.append(to_review(user, villages))
    townships = Township.objects.supervised_by(user)
    if townships.exists():
        overdue = Question.objects.for_user(user).filter(
            overdue_on(on) | Q(status=QuestionStatus.ESCALATED)
        )
        queue.sections.append(questions_waiting(overdue, on, _("Overdue and escalated questions")))
        if not user.is_superuser:
            queue.sections.append(villages_behind(townships, on))
        queue.sections.append(locked_accounts(user))
    elif user.has_perm("disclosures.answer_question"):
        queue.sections.append(
            questions_waiting(
                Question.objects.for_user(user), on, _("Villagers' questions waiting for you")
            )
        )
    return queue
