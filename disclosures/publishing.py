"""Review, publication and permanence, shared by every kind of disclosure.

A disclosure moves draft → submitted → published, or is sent back (with a reason) to be
edited and submitted again. Every move is written to ReviewEvent. Publishing fixes the
content for good and links it into the village's fingerprint chain: SHA-256 over a
canonical serialization of the content and the previous link's fingerprint, so a row
changed behind the portal's back no longer matches (see `verify_ledgers`).

Permanence is enforced three times: the admin shows published things read-only, the model
layer (save/delete, QuerySet.update/delete) refuses, and on PostgreSQL database triggers
refuse an UPDATE or DELETE of published rows (migration 0004).
"""

import hashlib
import json

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedRecordError(ValidationError):
    """Raised when code tries to change or delete something already published."""


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Sent back")
    PUBLISHED = "published", _("Published")


EDITABLE = (Status.DRAFT, Status.RETURNED)


def canonical_json(content):
    """Stable bytes for hashing: sorted keys, no spaces, everything already a string."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_fingerprint(previous, content):
    digest = hashlib.sha256()
    digest.update((previous or "").encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content))
    return digest.hexdigest()


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """The only way public pages reach disclosures: drafts must never leak."""
        return self.filter(status=Status.PUBLISHED)

    def update(self, **kwargs):
        if self.filter(status=Status.PUBLISHED).exists():
            raise PublishedRecordError(_("Published records cannot be changed."))
        if kwargs.get("status") == Status.PUBLISHED:
            # Publishing links the fingerprint chain and logs the reviewer: only publish().
            raise PublishedRecordError(_("Publish through review, not by a bulk update."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=Status.PUBLISHED).exists():
            raise PublishedRecordError(_("Published records cannot be deleted."))
        return super().delete()


class Publishable(models.Model):
    """Abstract base for everything a village publishes after review.

    Subclasses provide `village` (the chain it belongs to), `canonical_content()` and
    `publish_permission` ("app_label.codename").
    """

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    chain_position = models.PositiveIntegerField(_("position in the chain"), null=True, blank=True)
    previous_fingerprint = models.CharField(_("previous fingerprint"), max_length=64, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    publish_permission = None

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and not self.fingerprint:
            # Only publish() makes a published row: with its chain link and review log.
            raise PublishedRecordError(_("Publish through review, not by saving the status."))
        if getattr(self, "_published_in_db", False):
            raise PublishedRecordError(
                _("%(item)s is published and cannot be changed.") % {"item": self}
            )
        super().save(*args, **kwargs)
        self._published_in_db = self.status == Status.PUBLISHED

    def delete(self, *args, **kwargs):
        if getattr(self, "_published_in_db", False):
            raise PublishedRecordError(
                _("%(item)s is published and cannot be deleted.") % {"item": self}
            )
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the database holds, not what the instance may have been changed to.
        instance._published_in_db = instance.status == Status.PUBLISHED
        return instance

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def short_fingerprint(self):
        return self.fingerprint[:10]

    # Workflow. Each step checks the rule, changes the status and logs who did it.

    def submit(self, user, comment=""):
        if not self.is_editable:
            raise ValidationError(_("Only a draft or a sent-back item can be submitted."))
        self.validate_for_submission()
        self.status = Status.SUBMITTED
        self.submitted_by, self.submitted_at = user, timezone.now()
        self._save_transition(user, "submit", comment)

    def send_back(self, user, reason):
        self._check_reviewer(user)
        if self.status != Status.SUBMITTED:
            raise ValidationError(_("Only a submitted item can be sent back."))
        if not reason.strip():
            raise ValidationError(_("Say why it is sent back, so it can be fixed."))
        self.status = Status.RETURNED
        self._save_transition(user, "send_back", reason)

    def publish(self, user, comment="", when=None):
        """Publish for good. `when` back-dates the publication, for loading history."""
        self._check_reviewer(user)
        if self.status != Status.SUBMITTED:
            raise ValidationError(_("Only a submitted item can be published."))
        with transaction.atomic():
            previous = self.chain_tail()
            self.chain_position = previous[0] + 1 if previous else 1
            self.previous_fingerprint = previous[1] if previous else ""
            self.fingerprint = chain_fingerprint(
                self.previous_fingerprint, self.canonical_content()
            )
            self.status = Status.PUBLISHED
            self.published_by, self.published_at = user, when or timezone.now()
            self._save_transition(user, "publish", comment, at=self.published_at)
            self.village.bump_public_version()

    def validate_for_submission(self):
        """Subclasses refuse to submit incomplete content here."""

    def record_edit(self, user, comment=""):
        """Log that `user` entered, imported or changed this or any of its lines: whoever
        did may not review it (four eyes)."""
        ReviewEvent.record(self, user, ReviewEvent.Action.EDIT, comment)

    def line_editors(self):
        """Ids of whoever typed or last changed one of its lines, as the lines record it.
        Subclasses whose lines carry TypedBy fields override this."""
        return set()

    def editors(self):
        """Ids of everyone who entered, imported, changed or submitted it or its lines."""
        logged = ReviewEvent.for_subject(self).filter(
            action__in=[ReviewEvent.Action.EDIT, ReviewEvent.Action.SUBMIT]
        )
        return (
            {self.created_by_id, self.submitted_by_id}
            | set(logged.values_list("user_id", flat=True))
            | self.line_editors()
        ) - {None}

    def _check_reviewer(self, user):
        if not user.has_perm(self.publish_permission):
            raise PermissionDenied(_("You are not allowed to review this."))
        if user.pk in self.editors():
            raise PermissionDenied(
                _(
                    "Four eyes: whoever entered, imported, changed or submitted this or any "
                    "of its lines cannot also publish it."
                )
            )

    def _save_transition(self, user, action, comment, at=None):
        with transaction.atomic():
            self.save()
            ReviewEvent.record(self, user, action, comment, at=at)

    def chain_tail(self):
        """(position, fingerprint) of the village's latest published link, locked."""
        # Lock the village row so two reviewers publishing at once cannot both take the
        # same position (a no-op on SQLite, which serializes writes anyway).
        list(type(self.village).objects.select_for_update().filter(pk=self.village.pk))
        tails = [
            model.objects.published()
            .filter(**model.chain_filter(self.village), chain_position__isnull=False)
            .order_by("-chain_position")
            .values_list("chain_position", "fingerprint")
            .first()
            for model in chain_members()
        ]
        tails = [tail for tail in tails if tail]
        return max(tails) if tails else None


class TypedBy(models.Model):
    """Who typed a line and who last changed it (four eyes per line)."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        abstract = True

    def stamp(self, user):
        if self.pk is None:
            self.entered_by = user
        self.changed_by = user


def editor_ids(lines):
    """Ids of whoever typed or changed any of these TypedBy lines, in one query."""
    pairs = lines.values_list("entered_by_id", "changed_by_id")
    return {user_id for pair in pairs for user_id in pair if user_id is not None}


def chain_members():
    """Every kind of disclosure that links into a village's fingerprint chain: the
    concrete Publishable models of this app, whichever feature defines them."""
    return [
        model
        for model in apps.get_app_config("disclosures").get_models()
        if issubclass(model, Publishable)
    ]


class ReviewEvent(models.Model):
    """One step of the review workflow of any disclosure: who, when, what, and why."""

    class Action(models.TextChoices):
        EDIT = "edit", _("Entered or changed")
        SUBMIT = "submit", _("Submitted")
        SEND_BACK = "send_back", _("Sent back")
        PUBLISH = "publish", _("Published")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_subject_idx")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.user} · {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, subject, user, action, comment="", at=None):
        return cls.objects.create(
            at=at or timezone.now(),
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            user=user,
            action=action,
            comment=comment,
        )

    @classmethod
    def for_subject(cls, subject):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        ).select_related("user")


def verify_chain(links):
    """Check one village's published links, given in chain order.

    Yields (link, problem) for every link whose stored content no longer matches its
    fingerprint, or that does not follow the link before it."""
    previous = ""
    for expected_position, link in enumerate(links, start=1):
        if link.chain_position != expected_position:
            yield (
                link,
                _("is at position %(actual)s of the chain, expected %(expected)s")
                % {
                    "actual": link.chain_position,
                    "expected": expected_position,
                },
            )
        if link.previous_fingerprint != previous:
            yield link, _("does not follow the fingerprint of the item published before it")
        recomputed = chain_fingerprint(link.previous_fingerprint, link.canonical_content())
        if recomputed != link.fingerprint:
            yield link, _("content no longer matches its fingerprint")
        previous = link.fingerprint
