"""The affairs catalog (村级事务目录) and what villages disclose against it.

Finance has its own models (LedgerMonth); every other kind of disclosure is a Disclosure
against a catalog item and a period, reviewed and published like a month.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from disclosures.attachments import attachments_content, require_attachment_texts
from disclosures.publishing import Publishable, PublishableQuerySet, PublishedRecordError
from villages.models import Township, Village


class Module(models.TextChoices):
    """The supervision modules of the village page (三务三资, policies, livelihood, cadres)."""

    PARTY = "party", _("Party affairs")
    VILLAGE = "village", _("Village affairs")
    FINANCE = "finance", _("Finance")
    FUNDS = "funds", _("Funds")
    ASSETS = "assets", _("Assets")
    RESOURCES = "resources", _("Resources")
    POLICIES = "policies", _("Superior policies")
    LIVELIHOOD = "livelihood", _("Livelihood matters")
    CADRES = "cadres", _("Cadre conduct")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    AS_IT_HAPPENS = "event", _("When it happens")


MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_start_of(day, frequency):
    """The first day of the monthly, quarterly or yearly period holding `day`."""
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if frequency == Frequency.YEARLY:
        return datetime.date(day.year, 1, 1)
    return day


QUARTERS = [_("Q1"), _("Q2"), _("Q3"), _("Q4")]


def period_label(frequency, period_start):
    """2026年第三季度, 2026年8月, 2026年; an event's day for items disclosed when they happen."""
    if frequency == Frequency.MONTHLY:
        return _("%(year)d-%(month)02d") % {"year": period_start.year, "month": period_start.month}
    if frequency == Frequency.QUARTERLY:
        quarter = QUARTERS[(period_start.month - 1) // 3]
        return _("%(year)d %(quarter)s") % {"year": period_start.year, "quarter": quarter}
    if frequency == Frequency.YEARLY:
        return _("Year %(year)d") % {"year": period_start.year}
    return date_format(period_start, "DATE_FORMAT")


class CatalogItemQuerySet(models.QuerySet):
    def for_township(self, township):
        """The district's standard items and the township's own."""
        return self.filter(Q(township__isnull=True) | Q(township=township))


class CatalogItem(models.Model):
    """One item of the village affairs catalog: what must be disclosed, how often, by when."""

    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalog_items",
        verbose_name=_("township"),
        help_text=_("Empty for the standard catalog every township follows."),
    )
    module = models.CharField(_("module"), max_length=12, choices=Module.choices)
    name = models.CharField(_("item"), max_length=80)
    what = models.TextField(_("what must be disclosed"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline (day of the next period)"),
        default=10,
        help_text=_(
            "Periodic items: disclosed by this day of the first month after the period "
            "(10 = by the 10th of the next month). Items disclosed when they happen: "
            "within this many days."
        ),
    )
    is_finance_list = models.BooleanField(
        _("is the monthly finance list"),
        default=False,
        help_text=_("Counted from the monthly ledgers, not from disclosures."),
    )
    has_livelihood_table = models.BooleanField(
        _("has a table of names and amounts"),
        default=False,
        help_text=_(
            "Low-income allowance, subsidy and relief lists: identity and phone numbers are masked."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CatalogItemQuerySet.as_manager()

    class Meta:
        ordering = ["module", "position", "name"]
        verbose_name = _("catalog item")
        verbose_name_plural = _("affairs catalog")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(township__isnull=True),
                name="standard_catalog_item_unique",
            ),
            models.UniqueConstraint(
                fields=["township", "name"], name="township_catalog_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(deadline_day__gte=1, deadline_day__lte=90),
                name="catalog_deadline_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_periodic(self):
        return self.frequency != Frequency.AS_IT_HAPPENS

    def deadline_for(self, period_start):
        """The last day a disclosure for the period starting on `period_start` is on time.

        For items disclosed when they happen, `period_start` is the day it happened."""
        if not self.is_periodic:
            return period_start + datetime.timedelta(days=self.deadline_day)
        next_period = add_months(period_start, MONTHS_PER_PERIOD[self.frequency])
        last = calendar.monthrange(next_period.year, next_period.month)[1]
        return next_period.replace(day=min(self.deadline_day, last))

    def periods_between(self, first_day, last_day):
        """Period starts of this item from first_day to last_day (periodic items only)."""
        if not self.is_periodic:
            return []
        step = MONTHS_PER_PERIOD[self.frequency]
        start = period_start_of(first_day, self.frequency)
        periods = []
        while start <= last_day:
            periods.append(start)
            start = add_months(start, step)
        return periods


class DisclosureQuerySet(PublishableQuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))


class Disclosure(Publishable):
    """What a village discloses against a catalog item for a period (or an event)."""

    shown_on_finance_pages = False

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("village")
    )
    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("item")
    )
    period_start = models.DateField(
        _("period"),
        help_text=_(
            "Any day of the month, quarter or year disclosed; for an item disclosed when "
            "it happens, the day it happened."
        ),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-period_start", "-pk"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        permissions = [("publish_disclosure", _("Can review and publish disclosures"))]
        indexes = [
            # The module pages list a village's published disclosures, newest first.
            models.Index(
                fields=["village", "status", "-period_start"], name="disclosure_public_idx"
            ),
            # The admin's list of disclosures (DisclosureAdmin.ordering), newest first.
            models.Index(fields=["-period_start", "-id"], name="disclosure_newest_idx"),
            # The compliance dashboard, the villages-behind and lists-due sections of the
            # staff's home page (compliance/report.py published_disclosures): a
            # township's publications of the last twelve months, read from the index
            # alone. Without it PostgreSQL read every disclosure of the villages' whole
            # history and dropped those out of range.
            models.Index(
                fields=["village", "period_start"],
                include=["item", "published_at"],
                condition=Q(status="published"),
                name="disclosure_compliance_idx",
            ),
        ]

    publish_permission = "disclosures.publish_disclosure"

    def __str__(self):
        return f"{self.village} {self.title}"

    def get_absolute_url(self):
        return reverse("disclosures:disclosure", kwargs={"code": self.village.code, "pk": self.pk})

    def save(self, *args, **kwargs):
        if self.item_id and self.period_start:
            # Store the period by its first day so one period is one key.
            self.period_start = period_start_of(self.period_start, self.item.frequency)
        super().save(*args, **kwargs)

    @classmethod
    def chain_filter(cls, village):
        return {"village": village}

    @property
    def deadline(self):
        return self.item.deadline_for(self.period_start)

    @property
    def period_label(self):
        return period_label(self.item.frequency, self.period_start)

    @property
    def is_on_time(self):
        # The local (Beijing) day of publication, not the UTC one.
        published = self.published_at and timezone.localdate(self.published_at)
        return bool(published) and published <= self.deadline

    def clean(self):
        if (
            self.item_id
            and self.village_id
            and self.item.township_id
            not in (
                None,
                self.village.township_id,
            )
        ):
            raise ValidationError({"item": _("This catalog item belongs to another township.")})
        if self.item_id and self.item.is_finance_list:
            raise ValidationError(
                {"item": _("The monthly finance list is entered as a ledger month.")}
            )

    def validate_for_submission(self):
        self.validate_for_publication()

    def validate_for_publication(self):
        require_attachment_texts(self.attachments.all())

    def evidence_files(self):
        return [(a.title, a.file, a.sha256) for a in self.attachments.all()]

    @classmethod
    def verification_prefetch(cls):
        # canonical_content() and evidence_files() read these through .all().
        return ["attachments", "rows", "item"]

    def canonical_content(self):
        return {
            "type": "disclosure",
            "village": self.village.code,
            "item": self.item.name,
            "period": self.period_start.isoformat(),
            "title": self.title,
            "body": self.body,
            **attachments_content(self.attachments.all()),
            "rows": [row.canonical_content() for row in self.rows.all()],
        }


def mask_id_number(value):
    """3716031980010112 34 -> 3716**********1234: region and last four stay readable."""
    value = "".join(value.split()).upper()
    if not value:
        return ""
    if "*" in value or len(value) <= 8:
        return value if "*" in value else "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value):
    """13812345678 -> 138****5678."""
    value = "".join(ch for ch in value if ch.isdigit() or ch == "*")
    if not value:
        return ""
    if "*" in value or len(value) <= 7:
        return value if "*" in value else "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class LivelihoodRow(models.Model):
    """One line of a livelihood list (低保, subsidies, relief): published with names by
    rule. Identity and phone numbers are masked when entered and only the masked form is
    stored, so the full number can never reach a page, an export or a PDF."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="rows", verbose_name=_("disclosure")
    )
    name = models.CharField(_("name"), max_length=30)
    villager_group = models.CharField(_("villager group"), max_length=30, blank=True)
    item = models.CharField(_("item"), max_length=60)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    text_code_fields = ("id_number", "phone")  # common.text: full-width ASCII made plain

    id_number = models.CharField(_("identity number (stored masked)"), max_length=18, blank=True)
    phone = models.CharField(_("phone (stored masked)"), max_length=20, blank=True)

    class Meta:
        ordering = ["disclosure", "villager_group", "pk"]
        verbose_name = _("list row")
        verbose_name_plural = _("list rows")

    def __str__(self):
        return f"{self.name} {self.item}"

    def save(self, *args, **kwargs):
        if self.disclosure.is_published:
            raise PublishedRecordError(_("Rows of a published list are permanent."))
        self.id_number = mask_id_number(self.id_number)
        self.phone = mask_phone(self.phone)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.disclosure.is_published:
            raise PublishedRecordError(_("Rows of a published list are permanent."))
        return super().delete(*args, **kwargs)

    def canonical_content(self):
        return {
            "name": self.name,
            "group": self.villager_group,
            "item": self.item,
            "amount": "" if self.amount is None else f"{self.amount:.2f}",
            "id_number": self.id_number,
            "phone": self.phone,
        }


class Cadre(models.Model):
    """A village cadre, listed under cadre conduct (干部作风)."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="cadres", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=30)
    post = models.CharField(_("post"), max_length=60, help_text=_("e.g. 党支部书记、村委会主任"))
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="cadres/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["village", "position", "pk"]
        verbose_name = _("village cadre")
        verbose_name_plural = _("village cadres")

    def __str__(self):
        return f"{self.name} ({self.post})"
