import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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


class Category(models.Model):
    """An income or expense category of the village collective accounting system.

    The standard ones are seeded by a migration; the 2023 revision (in force from 2024)
    renamed some, so each carries the years it is valid for. A township may add sub-items.
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
        return self.display_name

    @property
    def display_name(self):
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name

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


class LedgerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")


class LedgerMonthQuerySet(models.QuerySet):
    def published(self):
        """The only way public pages reach ledgers: drafts must never leak."""
        return self.filter(status=LedgerStatus.PUBLISHED)

    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))


@dataclass(frozen=True)
class Summary:
    opening: Decimal
    income: Decimal
    expense: Decimal

    @property
    def closing(self):
        return self.opening + self.income - self.expense


class LedgerMonth(models.Model):
    """One village's finance list (财务清单) for one calendar month."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="ledger_months", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    opening_balance = models.DecimalField(
        _("opening balance"),
        **MONEY,
        help_text=_("Cash and bank balance at the start of the month, in yuan."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.DRAFT
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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = LedgerMonthQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-year", "-month"]
        verbose_name = _("monthly finance list")
        verbose_name_plural = _("monthly finance lists")
        permissions = [("publish_ledgermonth", _("Can publish a monthly finance list"))]
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
        ]

    def __str__(self):
        return f"{self.village} {self.period_label}"

    def get_absolute_url(self):
        return reverse(
            "disclosures:finance_month",
            kwargs={"code": self.village.code, "period": (self.year, self.month)},
        )

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

    @property
    def is_published(self):
        return self.status == LedgerStatus.PUBLISHED

    def summarize(self, entries=None):
        """Totals computed from the entries, never typed. Pass already-loaded entries to
        avoid a query."""
        if entries is None:
            entries = self.entries.all()
        income = sum((e.amount for e in entries if e.kind == Kind.INCOME), Decimal("0"))
        expense = sum((e.amount for e in entries if e.kind == Kind.EXPENSE), Decimal("0"))
        return Summary(opening=self.opening_balance, income=income, expense=expense)

    def previous_closing_balance(self):
        """The closing balance of the month before, if it was entered: the default opening."""
        previous = (
            LedgerMonth.objects.filter(village_id=self.village_id)
            .filter(Q(year__lt=self.year) | Q(year=self.year, month__lt=self.month))
            .order_by("-year", "-month")
            .first()
        )
        return previous.summarize().closing if previous else None

    def publish(self, user):
        if self.is_published:
            raise ValidationError(_("This month is already published."))
        if not user.has_perm("disclosures.publish_ledgermonth"):
            raise ValidationError(_("You are not allowed to publish finance lists."))
        self.status = LedgerStatus.PUBLISHED
        self.published_at = timezone.now()
        self.published_by = user
        with transaction.atomic():
            self.save(update_fields=["status", "published_at", "published_by"])
            self.village.bump_public_version()


class LedgerEntry(models.Model):
    """One line of a monthly finance list: an income or an expense with its voucher."""

    ledger = models.ForeignKey(
        LedgerMonth, on_delete=models.CASCADE, related_name="entries", verbose_name=_("month")
    )
    date = models.DateField(_("date"))
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
    approved_by = models.CharField(_("approved by"), max_length=50, blank=True)

    class Meta:
        ordering = ["date", "voucher_number", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_amount_positive"),
            models.UniqueConstraint(
                fields=["ledger", "voucher_number"], name="voucher_number_unique_in_month"
            ),
        ]

    def __str__(self):
        return f"{self.voucher_number} {self.description}"

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
        if ledger and self.date and not (ledger.first_day <= self.date <= ledger.last_day):
            errors["date"] = _("The date must fall within %(period)s.") % {
                "period": ledger.period_label
            }
        if self.category_id and self.kind and self.category.kind != self.kind:
            errors["category"] = _("This category does not match income or expense.")
        elif ledger and self.category_id and not self.category.is_valid_in(ledger.year):
            errors["category"] = _("This category is not used in the accounts of %(year)d.") % {
                "year": ledger.year
            }
        if errors:
            raise ValidationError(errors)
