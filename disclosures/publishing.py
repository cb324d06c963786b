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
import hmac
import itertools
import json
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Sent inside the publishing transaction, after the village's public version went up:
# features queue what they make from published content (finance/tasks.py: the poster).
published = Signal()


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


def signature(*parts):
    """HMAC-SHA256 with the chain signing key, which lives in the environment and never in
    the database: whoever can only write to the database cannot sign."""
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(settings.CHAIN_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()


def link_signature(village_code, position, fingerprint):
    return signature("link", village_code, position, fingerprint)


def head_signature(village_code, length, fingerprint):
    return signature("head", village_code, length, fingerprint)


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

    # Whether a publication of this kind can change a finance page (a month, a year):
    # the finance parts of the pages are cached until one does (disclosures/caching.py).
    shown_on_finance_pages = True

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

    @classmethod
    def in_villages(cls, villages):
        """This kind's items of these villages (a queryset), through its chain_filter."""
        (path,) = cls.chain_filter(None)
        return cls.objects.filter(**{f"{path}__in": villages})

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def short_fingerprint(self):
        return self.fingerprint[:10]

    def evidence_files(self):
        """(label, stored file, SHA-256) of every file its fingerprint covers. Subclasses
        with receipt photos or attachments override this."""
        return []

    @classmethod
    def load_for_verification(cls, batch):
        """For verify_ledgers: load what a batch of published items' fingerprints cover,
        in a few queries for the batch, not a few per item; verification_content() and
        verification_files() then read what was loaded."""
        prefetch_related_objects(batch, *cls.verification_prefetch())

    @classmethod
    def verification_prefetch(cls):
        """What load_for_verification prefetches (arguments of prefetch_related)."""
        return ()

    def verification_content(self):
        """canonical_content() of an item loaded with its verification_prefetch."""
        return self.canonical_content()

    def verification_files(self):
        """evidence_files() of an item loaded with its verification_prefetch."""
        return self.evidence_files()

    @cached_property
    def fingerprint_broken(self):
        """Public pages show a warning instead of the fingerprint when this is true. A
        page that has already loaded what it shows sets it with mark_shown()."""
        return bool(shown_problems([(self, self.canonical_content())]))

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
        self.validate_for_publication()
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
            ChainSeal.seal(self)
            self.village.bump_public_version(finance=self.shown_on_finance_pages)
            published.send(sender=type(self), item=self)

    def validate_for_submission(self):
        """Subclasses refuse to submit incomplete content here."""

    def validate_for_publication(self):
        """Subclasses refuse here to make permanent what must not stay as it is (checked
        again when publishing, for what was submitted before the rule)."""

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


class AppendOnlyQuerySet(models.QuerySet):
    """For logs: rows are added, never changed or deleted (on PostgreSQL the database
    refuses too, migration 0013)."""

    def update(self, **kwargs):
        raise PublishedRecordError(_("This log is append-only."))

    def delete(self):
        raise PublishedRecordError(_("This log is append-only."))


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

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_subject_idx")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.user} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PublishedRecordError(_("This log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PublishedRecordError(_("This log is append-only."))

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


class ChainSeal(models.Model):
    """The signing key's mark on one link, written when it is published: nobody without
    the key can seal a recomputed fingerprint. Also how /verify/ finds a printed one."""

    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    position = models.PositiveIntegerField(_("position in the chain"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    signature = models.CharField(_("signature"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["village", "position"]
        verbose_name = _("chain seal")
        verbose_name_plural = _("chain seals")
        constraints = [
            models.UniqueConstraint(fields=["village", "position"], name="one_seal_per_link")
        ]
        indexes = [
            # /verify/?q=<the printed 10 characters>: a prefix search (LIKE 'abc%').
            models.Index(
                fields=["fingerprint"],
                name="seal_fingerprint_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.village_id}#{self.position} {self.fingerprint[:10]}"

    @property
    def is_genuine(self):
        expected = link_signature(self.village.code, self.position, self.fingerprint)
        return hmac.compare_digest(expected, self.signature)

    @classmethod
    def seal(cls, link):
        """Seal a link just published, and move the village's signed head to it."""
        cls.create_for(link)
        ChainHead.move_to(link)

    @classmethod
    def create_for(cls, link):
        village = link.village
        return cls.objects.create(
            village=village,
            position=link.chain_position,
            content_type=ContentType.objects.get_for_model(link),
            object_id=link.pk,
            fingerprint=link.fingerprint,
            signature=link_signature(village.code, link.chain_position, link.fingerprint),
        )


class ChainHead(models.Model):
    """How long a village's chain is and how it ends, signed: deleting the newest items
    (or rolling the head back) leaves a head whose signature nobody without the key can
    make."""

    village = models.OneToOneField(
        "villages.Village",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        verbose_name=_("village"),
    )
    length = models.PositiveIntegerField(_("length"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    signature = models.CharField(_("signature"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self):
        return f"{self.village_id}: {self.length}"

    @property
    def is_genuine(self):
        expected = head_signature(self.village.code, self.length, self.fingerprint)
        return hmac.compare_digest(expected, self.signature)

    @classmethod
    def move_to(cls, link):
        village = link.village
        cls.objects.update_or_create(
            village=village,
            defaults={
                "length": link.chain_position,
                "fingerprint": link.fingerprint,
                "signature": head_signature(village.code, link.chain_position, link.fingerprint),
                "updated_at": timezone.now(),
            },
        )


def seal_existing(village):
    """Once, after upgrading: seal the links published before seals existed, and sign
    the head, if everything else about the village's chain verifies. Returns the number
    sealed, or None (nothing written) when the chain has other problems."""
    with transaction.atomic():
        count, problems = verify_village(village)
        seal_problems = (_("has no signed seal"), _("has no signed head"))
        if any(problem not in seal_problems for _what, problem in problems):
            return None
        links = chain_links(village)
        sealed = set(ChainSeal.objects.filter(village=village).values_list("position", flat=True))
        new = [link for link in links if link.chain_position not in sealed]
        for link in new:
            ChainSeal.create_for(link)
        if links and not ChainHead.objects.filter(village=village).exists():
            ChainHead.move_to(links[-1])
        return len(new)


def shown_problems(shown):
    """Of [(published item, the canonical content a page shows of it)], those whose
    content no longer matches the fingerprint, or whose fingerprint is not the one
    sealed when it was published. One query for the seals, whatever the number."""
    if not shown:
        return []
    village = shown[0][0].village
    seals = {
        seal.position: seal
        for seal in ChainSeal.objects.filter(
            village=village, position__in=[item.chain_position for item, _ in shown]
        )
    }
    broken = []
    for item, content in shown:
        seal = seals.get(item.chain_position)
        if seal is not None:
            seal.village = village
        if (
            chain_fingerprint(item.previous_fingerprint, content) != item.fingerprint
            or seal is None
            or seal.fingerprint != item.fingerprint
            or not seal.is_genuine
        ):
            broken.append(item)
    return broken


def mark_shown(shown):
    """Set fingerprint_broken on each item of [(item, content shown)] for the templates."""
    broken = shown_problems(shown)
    for item, _content in shown:
        item.fingerprint_broken = item in broken


def file_problem(stored, sha256):
    """Why a stored evidence file no longer is what was published, or None."""
    try:
        with stored.storage.open(stored.name, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return _("its file is missing")
    if not hmac.compare_digest(digest, sha256):
        return _("its file no longer matches the SHA-256 it was published with")
    return None


def chain_links(village):
    """A village's published links, in chain order."""
    return sorted(
        (
            link
            for model in chain_members()
            for link in model.objects.published().filter(**model.chain_filter(village))
        ),
        key=lambda link: link.chain_position or 0,
    )


# Published items of one kind loaded at a time by verify_village: a village's chain is
# checked in a few queries per batch whatever its length, and never held in memory whole.
VERIFY_BATCH = 500


@dataclass(frozen=True)
class CheckedLink:
    """What verify_village keeps of a link once its content is checked (the item itself
    only when the caller holds it anyway)."""

    position: int
    previous_fingerprint: str
    fingerprint: str
    label: str
    content_matches: bool
    item: object = None

    @classmethod
    def of(cls, link, content, keep=False):
        return cls(
            link.chain_position or 0,
            link.previous_fingerprint,
            link.fingerprint,
            str(link),
            chain_fingerprint(link.previous_fingerprint, content) == link.fingerprint,
            link if keep else None,
        )


def checked_links(village, problems):
    """Every published link of the village, checked against its own fingerprint and its
    evidence files (problems are appended), streamed kind by kind in batches, returned
    in chain order."""
    checked = []
    for model in chain_members():
        (path,) = model.chain_filter(village)
        links = model.objects.published().filter(**{path: village}).select_related(path)
        stream = links.iterator(chunk_size=VERIFY_BATCH)
        while batch := list(itertools.islice(stream, VERIFY_BATCH)):
            model.load_for_verification(batch)
            for link in batch:
                checked.append(CheckedLink.of(link, link.verification_content()))
                for what, stored, sha256 in link.verification_files():
                    problem = file_problem(stored, sha256)
                    if problem:
                        problems.append((f"{checked[-1].label}: {what}", problem))
    checked.sort(key=lambda link: link.position)
    return checked


def verify_village(village):
    """Every problem of one village's chain, as (what, problem): the content against the
    fingerprints, the fingerprints against their signed seals, the chain's length and
    end against its signed head, and the stored evidence files against their SHA-256.
    Returns (number of links, problems). A few queries per kind of item and batch of
    VERIFY_BATCH items, plus two (the seals, the head)."""
    problems = []
    links = checked_links(village, problems)
    problems[:0] = [(link.label, problem) for link, problem in chain_problems(links)]
    seals = {seal.position: seal for seal in ChainSeal.objects.filter(village=village)}
    for seal in seals.values():
        seal.village = village
    for link in links:
        problem = _seal_problem(link, seals.get(link.position))
        if problem:
            problems.append((link.label, problem))
    problems += _head_problems(village, links, seals)
    return len(links), problems


def _seal_problem(link, seal):
    if seal is None:
        return _("has no signed seal")
    if not seal.is_genuine:
        return _("its seal is not signed with the portal's key")
    if seal.fingerprint != link.fingerprint:
        return _("its fingerprint is not the one sealed when it was published")
    return None


def _head_problems(village, links, seals):
    head = ChainHead.objects.filter(village=village).first()
    if head is None:
        return [(_("the chain"), _("has no signed head"))] if links else []
    head.village = village
    if not head.is_genuine:
        return [(_("the chain"), _("its head is not signed with the portal's key"))]
    present = {link.position for link in links}
    problems = []
    for position in sorted(set(range(1, head.length + 1)) - present):
        seal = seals.get(position)
        what = _("item %(position)d of the chain") % {"position": position}
        if seal is not None:
            what += f" ({seal.content_type.name} #{seal.object_id}, {seal.fingerprint[:10]})"
        problems.append((what, _("was published and is missing")))
    for link in links:
        beyond = link.position > head.length
        if beyond or (link.position == head.length and link.fingerprint != head.fingerprint):
            problems.append((link.label, _("is not in the chain its signed head names")))
    return problems


def verify_chain(links):
    """Check one village's published links, given in chain order.

    Yields (link, problem) for every link whose stored content no longer matches its
    fingerprint, or that does not follow the link before it."""
    checked = [CheckedLink.of(link, link.canonical_content(), keep=True) for link in links]
    for link, problem in chain_problems(checked):
        yield link.item, problem


def chain_problems(links):
    """verify_chain over CheckedLinks: yields (CheckedLink, problem)."""
    previous = ""
    for expected_position, link in enumerate(links, start=1):
        if link.position != expected_position:
            yield (
                link,
                _("is at position %(actual)s of the chain, expected %(expected)s")
                % {
                    "actual": link.position or None,
                    "expected": expected_position,
                },
            )
        if link.previous_fingerprint != previous:
            yield link, _("does not follow the fingerprint of the item published before it")
        if not link.content_matches:
            yield link, _("content no longer matches its fingerprint")
        previous = link.fingerprint
