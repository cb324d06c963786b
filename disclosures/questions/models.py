"""码上问: villagers ask about any line, the village answers in public.

A question is public from the moment it is received (its text, never the asker's name or
phone, which only township staff see). Village staff answer; an unanswered question past
its deadline, or one whose asker says the answer did not resolve it, goes to the
township. Nothing a villager wrote is edited or deleted: moderation hides a question
with a reason, and every step is kept in QuestionEvent.

The state changes are methods taking `now`, so tests (and the daily command) can move
the clock.
"""

import datetime
import re
import secrets
import statistics

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosures.affairs.models import mask_id_number, mask_phone
from villages.models import Village

QUESTION_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 2000
# No 0/O, 1/I/L: the code is read off a phone screen and typed back.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 8


# What a question can be about: the model's name, the field that points at it.
SUBJECT_FIELDS = {"ledgerentry": "entry", "majormatter": "matter", "disclosure": "disclosure"}


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def today():
    """Beijing's date: deadlines are counted in the villagers' days. (Tests move it.)"""
    return timezone.localdate()


def normalize_tracking_code(typed):
    """What a villager types back ("k7m4-9qxp ") as stored ("K7M49QXP")."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def is_township_staff(user, village):
    """Township staff of the village's township (or a superuser): the only people who see
    who asked, and who moderate."""
    if user.is_superuser:
        return True
    return user.is_authenticated and village.township.staff.filter(pk=user.pk).exists()


class QuestionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ANSWERED = "answered", _("answered")
    ESCALATED = "escalated", _("escalated to the township")
    CLOSED = "closed", _("closed")


class EscalationReason(models.TextChoices):
    OVERDUE = "overdue", _("not answered by the deadline")
    NOT_RESOLVED = "not_resolved", _("the asker says the answer did not resolve it")


# Fields fixed at receipt: what the villager wrote and what it is about.
_RECEIVED_FIELDS = (
    "village_id",
    "text",
    "entry_id",
    "matter_id",
    "disclosure_id",
    "page",
    "received_at",
    "tracking_code",
)
# Who asked may be erased (at the asker's request, or once the question is settled), never
# changed: personal information is kept no longer than needed.
_CONTACT_FIELDS = ("asker_name", "asker_phone", "unmasked_text")

# Numbers that identify a person, as villagers type them into a public question: a mainland
# mobile number, an identity card number, a bank card number (digits in groups or not).
_ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_BANK_CARD = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")
_FULL_WIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}


def mask_personal_numbers(text):
    """The question as published: 13912345678 → 139****5678, an identity or bank card
    number → its first and last four digits, the rest as *."""
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    text = _BANK_CARD.sub(lambda match: mask_id_number(match.group()), text)
    return _MOBILE.sub(lambda match: mask_phone(match.group()), text)


def _changes_what_was_written(name, old, new):
    return new != old and not (name in _CONTACT_FIELDS and new == "")


def overdue_on(today):
    """Not answered (or closed) and past their deadline, escalated or not yet."""
    return Q(
        first_answered_at__isnull=True,
        due_on__lt=today,
        status__in=[QuestionStatus.RECEIVED, QuestionStatus.ESCALATED],
    )


class QuestionQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)

    def for_user(self, user):
        if user.is_superuser:
            return self  # every village: no IN (every village) for the planner to join
        return self.filter(village__in=Village.objects.for_user(user))

    def update(self, **kwargs):
        if set(kwargs) & set(_RECEIVED_FIELDS) or any(
            kwargs.get(name, "") != "" for name in _CONTACT_FIELDS
        ):
            raise ValidationError(_("What a villager wrote is never changed."))
        return super().update(**kwargs)

    def delete(self):
        raise ValidationError(_("Questions are never deleted; hide one instead."))

    def overdue(self, today):
        return self.filter(overdue_on(today))

    def escalate_overdue(self, now=None):
        """Send every unanswered question past its deadline to the township. Run daily
        (manage.py escalate_questions); running it twice escalates nothing twice.
        Returns the number escalated."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        escalated = 0
        waiting = self.overdue(today).visible().filter(status=QuestionStatus.RECEIVED)
        for pk in waiting.values_list("pk", flat=True):
            with transaction.atomic():
                question = Question.objects.select_for_update().get(pk=pk)
                if question.status == QuestionStatus.RECEIVED:  # Another run may have been first.
                    question.escalate(EscalationReason.OVERDUE, now)
                    escalated += 1
        return escalated


class Question(models.Model):
    text_code_fields = ("asker_phone",)  # common.text: full-width ASCII made plain

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="questions", verbose_name=_("village")
    )
    tracking_code = models.CharField(
        _("tracking code"), max_length=TRACKING_LENGTH, unique=True, editable=False
    )
    text = models.TextField(
        _("question"),
        max_length=QUESTION_MAX_LENGTH,
        validators=[MinLengthValidator(5)],
    )
    # The question as typed when personal numbers in it were masked in `text`: for the
    # township's staff only, like the asker's name and phone.
    unmasked_text = models.TextField(_("question as typed"), blank=True, editable=False)
    asker_name = models.CharField(_("name"), max_length=30, blank=True)
    asker_phone = models.CharField(
        _("phone number"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9][0-9 -]{5,18}[0-9]$",
                _("A phone number: digits, spaces and dashes, such as 13812345678."),
            )
        ],
    )
    # What the question is about: at most one line, matter or disclosure; or a page.
    entry = models.ForeignKey(
        "disclosures.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("ledger entry"),
    )
    matter = models.ForeignKey(
        "disclosures.MajorMatter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("major matter"),
    )
    disclosure = models.ForeignKey(
        "disclosures.Disclosure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("disclosure"),
    )
    page = models.CharField(_("asked from page"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    due_on = models.DateField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus, default=QuestionStatus.RECEIVED
    )
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_reason = models.CharField(
        _("escalated because"), max_length=12, choices=EscalationReason, blank=True
    )
    # Once only: the asker may say the answer did not resolve the question.
    not_resolved_at = models.DateTimeField(_("asker said not resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("villager's question")
        verbose_name_plural = _("villagers' questions")
        permissions = [
            ("answer_question", _("Can answer villagers' questions")),
            ("moderate_question", _("Can hide, show and close villagers' questions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(entry__isnull=True, matter__isnull=True)
                    | Q(entry__isnull=True, disclosure__isnull=True)
                    | Q(matter__isnull=True, disclosure__isnull=True)
                ),
                name="question_about_one_thing",
            )
        ]
        indexes = [
            models.Index(fields=["village", "-received_at"]),
            # The admin's list of questions (QuestionAdmin.ordering), newest first.
            models.Index(fields=["-received_at", "-id"], name="question_newest_idx"),
            # The questions still waiting for an answer, by deadline: the staff's home
            # page (desk/queue.py questions_waiting) and escalate_questions read them
            # from this small index, not from every question a province ever had.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["received", "escalated"]),
                name="question_waiting_idx",
            ),
        ]

    def __str__(self):
        # Neither the asker's name nor the tracking code (the asker's key to the question):
        # this string shows in admin pages and logs that village staff see.
        return _("Question no. %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        if self.pk and any(
            _changes_what_was_written(name, value, getattr(self, name))
            for name, value in getattr(self, "_as_received", {}).items()
        ):
            raise ValidationError(_("What a villager wrote is never changed."))
        super().save(*args, **kwargs)
        self._as_received = {
            name: getattr(self, name) for name in _RECEIVED_FIELDS + _CONTACT_FIELDS
        }

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Questions are never deleted; hide one instead."))

    @classmethod
    def from_db(cls, db, field_names, values):
        question = super().from_db(db, field_names, values)
        question._as_received = {
            name: getattr(question, name)
            for name in _RECEIVED_FIELDS + _CONTACT_FIELDS
            if name in field_names
        }
        return question

    @property
    def display_code(self):
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"

    @property
    def subject(self):
        return self.entry or self.matter or self.disclosure

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def is_overdue(self, on=None):
        on = on or today()
        return (
            self.first_answered_at is None
            and self.status in (QuestionStatus.RECEIVED, QuestionStatus.ESCALATED)
            and on > self.due_on
        )

    def days_overdue(self, on=None):
        on = on or today()
        return (on - self.due_on).days if self.is_overdue(on) else 0

    @property
    def answered_on_time(self):
        if self.first_answered_at is None:
            return None
        return timezone.localdate(self.first_answered_at) <= self.due_on

    # The steps. Each saves, logs an event and refreshes the village's public pages.

    @classmethod
    def receive(cls, village, text, *, name="", phone="", subject=None, page="", now=None):
        """A villager's question, from the public form (already validated)."""
        now = now or timezone.now()
        deadline = village.township.question_deadline_days
        masked = mask_personal_numbers(text)
        question = cls(
            village=village,
            text=masked,
            unmasked_text=text if masked != text else "",
            asker_name=name,
            asker_phone=phone,
            page=page,
            received_at=now,
            due_on=timezone.localdate(now) + datetime.timedelta(days=deadline),
        )
        if subject is not None:
            setattr(question, SUBJECT_FIELDS[subject._meta.model_name], subject)
        with transaction.atomic():
            for _attempt in range(5):
                question.tracking_code = new_tracking_code()
                if not cls.objects.filter(tracking_code=question.tracking_code).exists():
                    break
            question.save(force_insert=True)
            question._log(QuestionEvent.Action.RECEIVED, None, now)
        return question

    def answer(self, user, text, now=None):
        """Publish an answer. An escalated question stays escalated until the township
        answers it: village staff may add to it, not settle it."""
        now = now or timezone.now()
        text = text.strip()
        if not text:
            raise ValidationError(_("Write the answer."))
        by_township = is_township_staff(user, self.village)
        with transaction.atomic():
            self._lock()
            if self.status == QuestionStatus.CLOSED:
                raise ValidationError(_("This question is closed."))
            answer = Answer.objects.create(
                question=self, text=text, answered_by=user, by_township=by_township, at=now
            )
            if self.status != QuestionStatus.ESCALATED or by_township:
                self.status = QuestionStatus.ANSWERED
            if self.first_answered_at is None:
                self.first_answered_at = now
            self.save(update_fields=["status", "first_answered_at"])
            self._log(QuestionEvent.Action.ANSWERED, user, now)
        return answer

    def can_say_not_resolved(self):
        return self.status == QuestionStatus.ANSWERED and self.not_resolved_at is None

    def say_not_resolved(self, now=None):
        """The asker (who holds the tracking code) says the answer did not resolve it.
        Once: it goes to the township, whose answer is final."""
        now = now or timezone.now()
        with transaction.atomic():
            self._lock()  # A double tap must not escalate twice.
            if not self.can_say_not_resolved():
                raise ValidationError(_("This question cannot be sent to the township again."))
            self.not_resolved_at = now
            self.save(update_fields=["not_resolved_at"])
            self.escalate(EscalationReason.NOT_RESOLVED, now)

    def escalate(self, reason, now=None):
        """To the township. The first escalation's date and reason are kept: a question
        escalated for being overdue and later by its asker shows both (not_resolved_at)."""
        now = now or timezone.now()
        with transaction.atomic():
            self.status = QuestionStatus.ESCALATED
            if self.escalated_at is None:
                self.escalated_at = now
                self.escalation_reason = reason
            self.save(update_fields=["status", "escalated_at", "escalation_reason"])
            self._log(QuestionEvent.Action.ESCALATED, None, now, EscalationReason(reason).label)

    def _lock(self):
        """Re-read the question's state under a row lock (PostgreSQL; SQLite has one
        writer at a time), so that two steps at once do not both pass their checks."""
        state = (
            Question.objects.select_for_update()
            .filter(pk=self.pk)
            .values("status", "first_answered_at", "not_resolved_at", "escalated_at")
            .get()
        )
        for name, value in state.items():
            setattr(self, name, value)

    def close(self, user, note="", now=None):
        self._check_moderator(user)
        if self.status == QuestionStatus.CLOSED:
            raise ValidationError(_("This question is already closed."))
        now = now or timezone.now()
        with transaction.atomic():
            self.status = QuestionStatus.CLOSED
            self.closed_at = now
            self.save(update_fields=["status", "closed_at"])
            self._log(QuestionEvent.Action.CLOSED, user, now, note)

    def hide(self, user, reason, now=None):
        """Take the question off public pages; the text stays as written."""
        self._check_moderator(user)
        reason = reason.strip()
        if not reason:
            raise ValidationError(_("Say why the question is hidden."))
        if self.is_hidden:
            raise ValidationError(_("This question is already hidden."))
        now = now or timezone.now()
        with transaction.atomic():
            self.hidden_at = now
            self.hidden_reason = reason[:200]
            self.save(update_fields=["hidden_at", "hidden_reason"])
            self._log(QuestionEvent.Action.HIDDEN, user, now, reason)

    def show(self, user, reason, now=None):
        self._check_moderator(user)
        if not self.is_hidden:
            raise ValidationError(_("This question is not hidden."))
        now = now or timezone.now()
        with transaction.atomic():
            self.hidden_at = None
            self.hidden_reason = ""
            self.save(update_fields=["hidden_at", "hidden_reason"])
            self._log(QuestionEvent.Action.SHOWN, user, now, reason.strip())

    def erase_contact(self, user, now=None):
        """Remove who asked (name and phone, and the question's numbers as typed), at the
        asker's request or once settled."""
        self._check_moderator(user)
        now = now or timezone.now()
        with transaction.atomic():
            self.asker_name = self.asker_phone = self.unmasked_text = ""
            self.save(update_fields=list(_CONTACT_FIELDS))
            self._log(QuestionEvent.Action.ERASED, user, now)

    def _check_moderator(self, user):
        if not is_township_staff(user, self.village):
            raise PermissionDenied(_("Only township staff moderate and close questions."))

    def _log(self, action, user, at, note=""):
        QuestionEvent.objects.create(question=self, action=action, user=user, at=at, note=note)
        # A question about a ledger line shows under its month.
        self.village.bump_public_version(finance=self.entry_id is not None)


class Answer(models.Model):
    """An answer is public and permanent; a correction is a further answer."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    text = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    by_township = models.BooleanField(_("answered by the township"), default=False)
    at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.text[:40]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("A published answer is never changed; add another."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A published answer is never deleted; add another."))


class QuestionEvent(models.Model):
    """The question's history, moderation included: what happened, who did it, why."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        ANSWERED = "answered", _("answered")
        ESCALATED = "escalated", _("escalated to the township")
        CLOSED = "closed", _("closed")
        HIDDEN = "hidden", _("hidden")
        SHOWN = "shown", _("shown again")
        ERASED = "erased", _("name and phone removed")

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="events", verbose_name=_("question")
    )
    action = models.CharField(_("step"), max_length=10, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("question event")
        verbose_name_plural = _("question events")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class QuestionRecord:
    """A village's record in answering: shown on its page."""

    def __init__(self, rows, today):
        """rows: (received_at, first_answered_at, due_on, status) of every question not
        hidden. Answered ones are judged on time or late; unanswered ones past their
        deadline are late, unless the township closed them."""
        rows = list(rows)
        self.received = len(rows)
        answered = [(r, a, due) for r, a, due, _status in rows if a is not None]
        self.answered = len(answered)
        days = [(a - r).total_seconds() / 86400 for r, a, _due in answered]
        self.median_days = round(statistics.median(days), 1) if days else None
        on_time = sum(1 for _r, a, due in answered if timezone.localdate(a) <= due)
        late_open = sum(
            1
            for _r, a, due, status in rows
            if a is None and today > due and status != QuestionStatus.CLOSED
        )
        judged = self.answered + late_open
        self.on_time_share = round(100 * on_time / judged) if judged else None

    @classmethod
    def for_village(cls, village, on=None):
        rows = village.questions.visible().values_list(
            "received_at", "first_answered_at", "due_on", "status"
        )
        return cls(rows, on or today())


def public_questions(queryset):
    """Questions with what a public page shows of them, in one query plus one for answers.
    Hidden questions come too (the page says one was hidden and why), but the asker's
    name and phone never leave the database."""
    return (
        queryset.select_related("entry__ledger", "matter", "disclosure")
        .defer("asker_name", "asker_phone", "tracking_code")
        .prefetch_related(
            models.Prefetch(
                "answers", queryset=Answer.objects.only("question_id", "text", "by_township", "at")
            )
        )
    )


# The rate limit's model lives beside the limit; imported here so Django registers it.
from disclosures.questions.rate_limit import QuestionAttempt  # noqa: E402, F401
