import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.text import clean_model_text
from disclosures.money import to_yuan
from disclosures.publishing import (
    Publishable,
    PublishableQuerySet,
    PublishedRecordError,
    Status,
    TypedBy,
    editor_ids,
)
from villages.models import Township, Village

MONEY = {"max_digits": 14, "decimal_places": 2}


class Kind(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class CategoryQuerySet(models.QuerySet):
    def valid_in(self, year):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=year),
            Q(valid_until__isnull=True) | Q(valid_until__gte=year),
        )

    def usable_by(self, townships):
        """The standard categories and the sub-items of these townships."""
        return self.filter(Q(township__isnull=True) | Q(township__in=townships))


class Category(models.Model):
    """An income or expense category of the village collective accounting system.

    The standard ones are seeded by a migration; the 2023 revision (in force from 2024)
    renamed some, so each carries the years it is valid for. A township may add sub-items
    under a standard category (管理费用 › 办公费).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True, "township__isnull": True},
        verbose_name=_("parent category"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("township"),
        help_text=_("Empty for the standard categories of the accounting system."),
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from year"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("valid until year"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(township__isnull=True, parent__isnull=True),
                name="standard_category_name_unique",
            ),
            models.UniqueConstraint(
                fields=["township", "parent", "name"], name="township_category_name_unique"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def display_name(self):
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name

    @property
    def full_name(self):
        """管理费用 › 办公费 for a sub-item. Select the parent along to avoid a query."""
        if self.parent_id:
            return f"{self.parent.display_name} › {self.display_name}"
        return self.display_name

    @property
    def top_level(self):
        return self.parent if self.parent_id else self

    def clean(self):
        if self.township_id and not self.parent_id:
            raise ValidationError(
                {"parent": _("A township's own item sits under a standard category.")}
            )
        if self.parent_id:
            self.kind = self.parent.kind
            self.valid_from, self.valid_until = self.parent.valid_from, self.parent.valid_until

    def is_valid_in(self, year):
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_until is None or self.valid_until >= year
        )


class FundingSource(models.TextChoices):
    OWN_FUNDS = "own", _("Collective own funds")
    SUPERIOR_SUBSIDY = "subsidy", _("Superior subsidy")
    SPECIAL_FUND = "special", _("Special fund")
    DONATION = "donation", _("Donation")
    OTHER = "other", _("Other")


class LedgerMonthQuerySet(PublishableQuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))

    def filter_before(self, year, month):
        """Months before year-month."""
        return self.filter(Q(year__lt=year) | Q(year=year, month__lt=month))


@dataclass(frozen=True)
class Summary:
    opening: Decimal
    income: Decimal
    expense: Decimal

    @property
    def closing(self):
        return self.opening + self.income - self.expense

    @classmethod
    def of(cls, opening, entries):
        income = sum((e.amount for e in entries if e.kind == Kind.INCOME), Decimal("0"))
        expense = sum((e.amount for e in entries if e.kind == Kind.EXPENSE), Decimal("0"))
        return cls(opening=opening, income=income, expense=expense)


class LoadedLine(SimpleNamespace):
    """A ledger line as verify_ledgers reads it: what entries_content() reads of an
    entry, loaded as plain values (a province's millions of lines, without building a
    model instance and its related managers for each)."""

    def __str__(self):
        return f"{self.voucher_number} {self.description}"


class Loaded(list):
    def all(self):
        return self


LINE_FIELDS = [
    "pk", "date", "voucher_number", "description", "kind", "category_id", "amount",
    "funding_source", "handled_by", "approved_by", "major_matter_id", "contract_id",
]  # fmt: skip


def load_lines(holders, lines, key):
    """Set `verified_lines` on each month or correction of `holders` to its lines (of
    `lines`, grouped by the field `key`), as LoadedLine: four queries for the batch."""
    lines = lines.filter(**{f"{key}__in": [holder.pk for holder in holders]}).order_by()
    rows = list(lines.values(*LINE_FIELDS, key, "major_matter__title", "contract__number"))
    categories = Category.objects.select_related("parent").in_bulk()
    photos = {}
    for photo in ReceiptPhoto.objects.filter(entry__in=[row["pk"] for row in rows]):
        photos.setdefault(photo.entry_id, Loaded()).append(photo)
    by_holder = {holder.pk: Loaded() for holder in holders}
    for row in rows:
        line = LoadedLine(
            **{name: row[name] for name in LINE_FIELDS},
            category=categories[row["category_id"]],
            major_matter=SimpleNamespace(title=row["major_matter__title"]),
            contract=SimpleNamespace(number=row["contract__number"]),
            photos=photos.get(row["pk"], Loaded()),
        )
        by_holder[row[key]].append(line)
    for holder in holders:
        holder.verified_lines = by_holder[holder.pk]


def loaded_receipt_files(lines):
    """receipt_files() of lines loaded by load_lines, without a query."""
    return [
        (_("receipt photo of %(entry)s") % {"entry": line}, photo.image, photo.sha256)
        for line in lines
        for photo in line.photos.all()
    ]


def receipt_files(photos):
    return [
        (_("receipt photo of %(entry)s") % {"entry": photo.entry}, photo.image, photo.sha256)
        for photo in photos.select_related("entry")
    ]


def entries_content(entries):
    """The canonical form of entries for fingerprints: every field a villager sees.

    Category names in the official (Chinese) form whatever language is active: the
    fingerprint must not depend on the language of whoever publishes or verifies."""
    with translation.override(None):
        return _entries_content(entries)


def _entries_content(entries):
    return [
        {
            "date": entry.date.isoformat(),
            "voucher": entry.voucher_number,
            "description": entry.description,
            "kind": entry.kind,
            "category": entry.category.full_name,
            "amount": str(to_yuan(entry.amount)),
            "funding_source": entry.funding_source,
            "handled_by": entry.handled_by,
            "approved_by": entry.approved_by,
            "major_matter": entry.major_matter.title if entry.major_matter_id else "",
            # Only when set, so that lines published before contracts existed keep theirs.
            **({"contract": entry.contract.number} if entry.contract_id else {}),
            "photos": sorted(photo.sha256 for photo in entry.photos.all()),
        }
        for entry in sorted(entries, key=lambda e: (e.date, e.voucher_number, e.pk))
    ]


class LedgerMonth(Publishable):
    """One village's finance list (财务清单) for one calendar month."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="ledger_months", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    opening_balance = models.DecimalField(
        _("opening balance"),
        **MONEY,
        help_text=_(
            "Cash and bank balance at the start of the month, in yuan. Leave it empty to "
            "carry over the previous published month's closing balance (after corrections)."
        ),
    )
    opening_reason = models.TextField(
        _("why the opening balance differs"),
        blank=True,
        help_text=_(
            "Needed only when the opening balance is not the previous published month's "
            "closing balance. Shown to villagers."
        ),
    )
    negative_balance_reason = models.TextField(
        _("why the closing balance is negative"),
        blank=True,
        help_text=_(
            "A negative closing balance is submitted only with this explanation, which "
            "confirms it and is shown to villagers."
        ),
    )

    objects = LedgerMonthQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-year", "-month"]
        verbose_name = _("monthly finance list")
        verbose_name_plural = _("monthly finance lists")
        permissions = [("publish_ledgermonth", _("Can review and publish finance lists"))]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "month"], name="one_ledger_month_per_village"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="ledger_month_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1980, year__lte=2200), name="ledger_year_is_plausible"
            ),
        ]
        indexes = [
            # The village page lists a village's published months, newest first.
            models.Index(fields=["village", "status", "-year", "-month"], name="ledger_public_idx"),
            # The admin's list of months (LedgerMonthAdmin), newest first: its first page
            # is read from the index instead of sorting every month of the province.
            models.Index(fields=["-year", "-month"], name="ledger_newest_idx"),
        ]

    publish_permission = "disclosures.publish_ledgermonth"

    def __str__(self):
        return f"{self.village} {self.period_label}"

    def get_absolute_url(self):
        return reverse(
            "disclosures:finance_month",
            kwargs={"code": self.village.code, "period": (self.year, self.month)},
        )

    @classmethod
    def chain_filter(cls, village):
        return {"village": village}

    @property
    def period_slug(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def period_label(self):
        return _("%(year)d-%(month)02d") % {"year": self.year, "month": self.month}

    @property
    def first_day(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self):
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def original_entries(self):
        return self.entries.filter(correction__isnull=True)

    def summarize(self, entries=None):
        """Totals computed from the month's own entries, never typed. Pass already-loaded
        entries to avoid a query."""
        if entries is None:
            entries = self.original_entries()
        return Summary.of(self.opening_balance, entries)

    def previous_closing_balance(self):
        """The closing balance of the latest published month before this one, after its
        published corrections (and those to earlier months): the opening it should have.
        None when nothing was published before."""
        previous = (
            LedgerMonth.objects.published()
            .filter(village_id=self.village_id)
            .filter_before(self.year, self.month)
            .order_by("-year", "-month")
            .first()
        )
        if previous is None:
            return None
        entries = LedgerEntry.objects.published().filter(ledger=previous)
        opening = carried_opening(previous, correction_shifts(self.village_id))
        return Summary.of(opening, entries).closing

    def clean(self):
        super().clean()
        if self.is_editable and self.village_id and self.year and self.month:
            if self.opening_balance is None:
                self.opening_balance = self.previous_closing_balance() or Decimal("0")
            self.check_opening_balance()

    def check_opening_balance(self):
        expected = self.previous_closing_balance()
        if expected is None or self.opening_balance == expected:
            return
        if not self.opening_reason.strip():
            raise ValidationError(
                {
                    "opening_reason": _(
                        "The previous published month closed at %(expected)s yuan; this "
                        "opening balance differs by %(difference)s yuan. Say why: villagers "
                        "see the reason."
                    )
                    % {
                        "expected": f"{to_yuan(expected):,}",
                        "difference": f"{to_yuan(self.opening_balance - expected):,}",
                    }
                }
            )

    def validate_for_submission(self):
        self.check_opening_balance()
        if self.summarize().closing < 0 and not self.negative_balance_reason.strip():
            raise ValidationError(
                _(
                    "The closing balance is negative (%(closing)s yuan). Confirm it by "
                    "explaining why in 'why the closing balance is negative': villagers "
                    "see the explanation."
                )
                % {"closing": f"{to_yuan(self.summarize().closing):,}"}
            )

    def line_editors(self):
        return editor_ids(self.original_entries())

    def evidence_files(self):
        return receipt_files(ReceiptPhoto.objects.filter(entry__in=self.original_entries()))

    @classmethod
    def load_for_verification(cls, batch):
        load_lines(batch, LedgerEntry.objects.filter(correction__isnull=True), "ledger_id")

    def verification_content(self):
        return self.canonical_content(entries=self.verified_lines)

    def verification_files(self):
        return loaded_receipt_files(self.verified_lines)

    def canonical_content(self, entries=None):
        """What the fingerprint covers. `entries`: the month's original lines already
        loaded (category__parent, major_matter, photos), to check a page against."""
        if entries is None:
            entries = (
                self.original_entries()
                .select_related("category__parent", "major_matter", "contract")
                .prefetch_related("photos")
            )
        return {
            "type": "ledger_month",
            "village": self.village.code,
            "period": self.period_slug,
            "opening_balance": str(to_yuan(self.opening_balance)),
            "entries": entries_content(entries),
            # Only when given, so that the fingerprints of earlier months stay as they were.
            **({"opening_reason": self.opening_reason} if self.opening_reason else {}),
            **(
                {"negative_balance_reason": self.negative_balance_reason}
                if self.negative_balance_reason
                else {}
            ),
        }


def correction_shifts(village_id):
    """What each published correction of the village changed: [((year, month), published_at,
    net)], net being the change to the closing balance of the month it corrects. One query."""
    rows = (
        LedgerEntry.objects.filter(
            correction__status=Status.PUBLISHED,
            ledger__village_id=village_id,
            # The same condition through the correction: it lets PostgreSQL start from
            # the village's months and their few corrections, not from every correction
            # line of the province (125 ms at 500 villages, 4 ms this way).
            correction__ledger__village_id=village_id,
        )
        .values("correction_id", "correction__published_at", "ledger__year", "ledger__month")
        .annotate(
            income=models.Sum("amount", filter=Q(kind=Kind.INCOME), default=Decimal("0")),
            expense=models.Sum("amount", filter=Q(kind=Kind.EXPENSE), default=Decimal("0")),
        )
        .order_by()
    )
    nets = {}
    for row in rows:
        key = (row["correction_id"], (row["ledger__year"], row["ledger__month"]))
        at, net = nets.get(key, (row["correction__published_at"], Decimal("0")))
        nets[key] = (at, net + row["income"] - row["expense"])
    return [(period, at, net) for (_, period), (at, net) in nets.items()]


def carried_opening(month, shifts):
    """The month's opening balance as the balances chain today: as published, plus what
    corrections to earlier months published after it changed. Its own opening was checked
    against the corrected closing when it was entered; later corrections carry forward."""
    if month.published_at is None:
        return month.opening_balance
    carried = sum(
        (
            net
            for period, at, net in shifts
            if period < (month.year, month.month) and at > month.published_at
        ),
        Decimal("0"),
    )
    return month.opening_balance + carried


class LedgerCorrection(Publishable):
    """Adjusting entries to a published month (更正). The original entries stay as they
    were; the public page shows both, the reason, and the totals before and after."""

    ledger = models.ForeignKey(
        LedgerMonth,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrected month"),
        limit_choices_to={"status": Status.PUBLISHED},
    )
    reason = models.TextField(
        _("reason"),
        help_text=_("What was wrong and what this correction does. Shown to villagers."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["ledger", "created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [
            # The admin's list of corrections (LedgerCorrectionAdmin.ordering), newest
            # first: its first page is read from the index, where the model's order (by
            # village code and month, through two joins) sorted every correction.
            models.Index(fields=["-created_at", "-id"], name="correction_newest_idx"),
            # The corrections not yet published: the home page's "waiting for your review"
            # and "sent back to you" (desk/queue.py) find them here, not among every
            # correction of a province's history.
            models.Index(
                fields=["status"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="correction_unpublished_idx",
            ),
        ]

    publish_permission = "disclosures.publish_ledgermonth"

    def __str__(self):
        return _("Correction to %(month)s") % {"month": self.ledger}

    @property
    def village(self):
        return self.ledger.village

    @classmethod
    def chain_filter(cls, village):
        return {"ledger__village": village}

    def clean(self):
        if self.ledger_id and not self.ledger.is_published:
            raise ValidationError(
                {"ledger": _("Only a published month is corrected; edit a draft directly.")}
            )
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("A correction must give its reason.")})

    def line_editors(self):
        return editor_ids(self.entries.all())

    def evidence_files(self):
        return receipt_files(ReceiptPhoto.objects.filter(entry__correction=self))

    @classmethod
    def load_for_verification(cls, batch):
        load_lines(batch, LedgerEntry.objects.all(), "correction_id")

    def verification_content(self):
        return self.canonical_content(entries=self.verified_lines)

    def verification_files(self):
        return loaded_receipt_files(self.verified_lines)

    def canonical_content(self, entries=None):
        if entries is None:
            entries = self.entries.select_related(
                "category__parent", "major_matter", "contract"
            ).prefetch_related("photos")
        return {
            "type": "ledger_correction",
            "village": self.ledger.village.code,
            "period": self.ledger.period_slug,
            "reason": self.reason,
            "entries": entries_content(entries),
        }

    def validate_for_submission(self):
        if not self.entries.exists():
            raise ValidationError(_("A correction needs at least one adjusting entry."))


class LedgerEntryQuerySet(models.QuerySet):
    def with_matter_resolution(self):
        """Annotate `matter_resolved`: is the major matter the entry pays for resolved (its
        resolution published)? A subquery, so no extra query. Matters build on finance,
        so finance reaches their model through the relation rather than an import."""
        matters = self.model.major_matter.field.related_model.objects
        resolved = matters.resolved().filter(pk=models.OuterRef("major_matter_id"))
        return self.annotate(matter_resolved=models.Exists(resolved))

    def published(self):
        """Lines villagers may see: those of a published month, and the adjusting lines of
        a published correction (never those of a draft correction)."""
        return self.filter(
            Q(correction__isnull=True, ledger__status=Status.PUBLISHED)
            | Q(correction__status=Status.PUBLISHED)
        )

    def update(self, **kwargs):
        if self.published().exists():
            raise PublishedRecordError(_("Published entries cannot be changed."))
        return super().update(**kwargs)

    def delete(self):
        if self.published().exists():
            raise PublishedRecordError(_("Published entries cannot be deleted."))
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)  # May be a generator: check and create the same entries.
        # One check per month and per correction, not per entry: imports add thousands.
        months = {e.ledger_id for e in objs if not e.correction_id}
        corrections = {e.correction_id for e in objs if e.correction_id}
        if (
            LedgerMonth.objects.published().filter(pk__in=months).exists()
            or LedgerCorrection.objects.published().filter(pk__in=corrections).exists()
        ):
            raise PublishedRecordError(_("Entries cannot be added to a published list."))
        for entry in objs:  # bulk_create sends no pre_save: clean the text here
            clean_model_text(entry)
        return super().bulk_create(objs, *args, **kwargs)


class LedgerEntry(TypedBy):
    """One line of a monthly finance list: an income or an expense with its voucher.

    An entry of a correction (`correction` set) adjusts the month: its amount may be
    negative, to reverse part of an original line (红字冲销).
    """

    ledger = models.ForeignKey(
        LedgerMonth, on_delete=models.CASCADE, related_name="entries", verbose_name=_("month")
    )
    correction = models.ForeignKey(
        LedgerCorrection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("correction"),
    )
    date = models.DateField(_("date"))
    text_code_fields = ("voucher_number",)  # common.text: full-width ASCII made plain

    voucher_number = models.CharField(_("voucher number"), max_length=30)
    description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("income or expense"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category")
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    funding_source = models.CharField(
        _("source of funds"),
        max_length=10,
        choices=FundingSource.choices,
        default=FundingSource.OWN_FUNDS,
    )
    handled_by = models.CharField(_("handled by"), max_length=50, blank=True)
    major_matter = models.ForeignKey(
        "disclosures.MajorMatter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("major matter"),
        help_text=_("The major matter this expense pays for, if any."),
    )
    contract = models.ForeignKey(
        # Declared by name: finance never imports the registers (disclosures/assets).
        "disclosures.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rent_entries",
        verbose_name=_("contract collected"),
        help_text=_("For rent and fees: the contract of the register this income collects."),
    )
    approved_by = models.CharField(
        _("approved by"),
        max_length=50,
        blank=True,
        help_text=_("Required for expenses at or above the township's large-expense threshold."),
    )

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["date", "voucher_number", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | (Q(correction__isnull=False) & ~Q(amount=0)),
                name="ledger_entry_amount_positive",
            ),
            models.UniqueConstraint(
                fields=["ledger", "voucher_number"], name="voucher_number_unique_in_month"
            ),
        ]
        indexes = [
            # The admin's list of entries (LedgerEntryAdmin: original lines, in this
            # order): a page is read from the index, not sorted out of millions of lines.
            models.Index(
                fields=["date", "voucher_number", "id"],
                condition=Q(correction__isnull=True),
                name="entry_admin_order_idx",
            ),
        ]

    def __str__(self):
        return f"{self.voucher_number} {self.description}"

    def save(self, *args, **kwargs):
        self.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_published()
        return super().delete(*args, **kwargs)

    def refuse_if_published(self):
        """Neither the entry as stored nor where it is going may be published."""
        stored = LedgerEntry.objects.filter(pk=self.pk) if self.pk else LedgerEntry.objects.none()
        if stored.published().exists() or self._parent_is_published():
            raise PublishedRecordError(
                _("Entry %(voucher)s belongs to a published list and cannot be changed.")
                % {"voucher": self.voucher_number}
            )

    def _parent_is_published(self):
        if self.correction_id:
            return LedgerCorrection.objects.published().filter(pk=self.correction_id).exists()
        return LedgerMonth.objects.published().filter(pk=self.ledger_id).exists()

    @property
    def parent_list(self):
        """What publishing this line goes through: its correction, or its month."""
        return self.correction if self.correction_id else self.ledger

    @property
    def is_adjustment(self):
        """An entry of a correction, even one not saved yet (the admin validates the
        correction's entries before it saves the correction)."""
        if self.correction_id is not None:
            return True
        return LedgerEntry.correction.is_cached(self) and self.correction is not None

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    @property
    def signed_amount(self):
        return self.amount if self.kind == Kind.INCOME else -self.amount

    def clean(self):
        errors = {}
        try:
            # Set (maybe unsaved) when the admin validates a new month with its entries.
            ledger = self.ledger
        except LedgerEntry.ledger.RelatedObjectDoesNotExist:
            ledger = None
        if ledger and not (ledger.year in range(1, 10000) and ledger.month in range(1, 13)):
            # The month's own form reports an impossible year or month.
            ledger = None
        if ledger and self.date:
            if self.is_adjustment and self.date < ledger.first_day:
                errors["date"] = _("A correction cannot be dated before the month it corrects.")
            elif not self.is_adjustment and not ledger.first_day <= self.date <= ledger.last_day:
                errors["date"] = _("The date must fall within %(period)s.") % {
                    "period": ledger.period_label
                }
        if self.category_id and self.kind and self.category.kind != self.kind:
            errors["category"] = _("This category does not match income or expense.")
        elif ledger and self.category_id and not self.category.is_valid_in(ledger.year):
            errors["category"] = _("This category is not used in the accounts of %(year)d.") % {
                "year": ledger.year
            }
        if ledger and self.major_matter_id and self.major_matter.village_id != ledger.village_id:
            errors["major_matter"] = _("This major matter belongs to another village.")
        if self.contract_id:
            errors.update(self._contract_errors(ledger))
        if self.amount is not None and self.amount <= 0 and not self.is_adjustment:
            errors["amount"] = _("The amount must be more than zero.")
        elif self.amount == 0:
            # The database refuses it too, but the admin cannot check that constraint
            # before the correction exists.
            errors["amount"] = _("An adjusting entry cannot be zero.")
        # No village when the month's own form refused it (e.g. a village not the user's).
        has_village = ledger is not None and ledger.village_id is not None
        threshold = ledger.village.township.large_expense_threshold if has_village else None
        if (
            threshold is not None
            and self.kind == Kind.EXPENSE
            and self.amount is not None
            and abs(self.amount) >= threshold
            and not self.approved_by.strip()
        ):
            errors["approved_by"] = _(
                "Expenses of %(threshold)s yuan or more must name who approved them."
            ) % {"threshold": f"{threshold:,.2f}"}
        if errors:
            raise ValidationError(errors)

    def _contract_errors(self, ledger):
        if self.kind != Kind.INCOME:
            return {"contract": _("Only an income line collects a contract's rent.")}
        if ledger and ledger.village_id and self.contract.village_id != ledger.village_id:
            return {"contract": _("This contract belongs to another village.")}
        if not self.contract.is_published:
            return {"contract": _("Only a published contract can be collected.")}
        return {}


def receipt_upload_path(photo, filename):
    # The original file name may carry a person's name or a phone model: never kept.
    return f"receipts/{photo.token}.jpg"


def receipt_thumbnail_path(photo, filename):
    return f"receipts/{photo.token}-thumb.jpg"


class ReceiptPhotoQuerySet(models.QuerySet):
    def published(self):
        """Photos of published lines: the only ones served publicly."""
        return self.filter(entry__in=LedgerEntry.objects.published())


class ReceiptPhoto(models.Model):
    """A photo of a voucher or receipt attached to an entry: re-encoded as JPEG, with the
    metadata (EXIF, GPS) stripped, stored under a generated name."""

    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.CASCADE, related_name="photos", verbose_name=_("entry")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.ImageField(_("photo"), upload_to=receipt_upload_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=receipt_thumbnail_path)
    sha256 = models.CharField(_("SHA-256 of the stored photo"), max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ReceiptPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("receipt photo")
        verbose_name_plural = _("receipt photos")

    def __str__(self):
        return _("Receipt for %(entry)s") % {"entry": self.entry}

    def save(self, *args, **kwargs):
        self.entry.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.entry.refuse_if_published()
        return super().delete(*args, **kwargs)
