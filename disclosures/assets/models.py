"""三资 registers: the village's collective assets (资产), resources (资源) and the contracts
that let them (合同), with the rent each contract makes due.

A register record is identified by its number within the village (e.g. "ZC-001") and is
published like any disclosure (publishing.py): reviewed by four eyes, permanent, chained
into the village's fingerprints. A change is a new version of the same number, entered as
a draft copy of the current version, saying what changed, and reviewed again: every
published version stays visible.

Rent: a contract's payment schedule gives instalments (due date, amount). Income lines of
published finance lists name the contract they collect. Payments settle instalments
oldest first; an instalment not settled OVERDUE_DAYS after its due date is 逾期未收.
Instalments due before the village's first published finance list are shown but never
flagged: whether they were paid is not in any list the portal holds.
"""

import calendar
import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, Min, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosures.finance.models import MONEY, Kind, LedgerEntry, LedgerMonth
from disclosures.matters.models import MajorMatter
from disclosures.money import to_yuan
from disclosures.publishing import Publishable, PublishableQuerySet, Status
from villages.models import Village

CENT = Decimal("0.01")
# An instalment still unpaid this many days after its due date is flagged 逾期未收.
OVERDUE_DAYS = 30
# Rent per mu below this share of the village's median for the same kind is flagged.
LOW_RENT_SHARE = Decimal("0.5")
# A median needs at least this many contracts of the kind to mean anything.
LOW_RENT_MIN_CONTRACTS = 3


def today():
    """The clock the flags read (tests move it with monkeypatch)."""
    return timezone.localdate()


def add_months(day, months):
    """The same day `months` later, on the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


register_number = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]*$",
    _("Letters, digits and hyphens, e.g. ZC-001: the number appears in the page's address."),
)


class RegisterQuerySet(PublishableQuerySet):
    def for_user(self, user):
        return self.filter(village__in=Village.objects.for_user(user))

    def current(self):
        """The latest published version of each number."""
        later = self.model.objects.published().filter(
            village=OuterRef("village"), number=OuterRef("number"), version__gt=OuterRef("version")
        )
        return self.published().exclude(Exists(later))


class RegisterRecord(Publishable):
    """One version of one record of a register."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("village")
    )
    number = models.CharField(_("register number"), max_length=20, validators=[register_number])
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    change_note = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Required from the second version on: what changed, and why."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["village", "number", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number", "version"], name="%(class)s_one_number_version"
            )
        ]

    register_slug = None  # in the public address: /v/<code>/<register_slug>/<number>/

    def __str__(self):
        label = f"{self.number} {self.name_for_display}"
        return label if self.version == 1 else f"{label} (v{self.version})"

    @property
    def name_for_display(self):
        return self.name

    @classmethod
    def chain_filter(cls, village):
        return {"village": village}

    def get_absolute_url(self):
        return reverse(
            f"disclosures:{self.register_slug}_record",
            kwargs={"code": self.village.code, "number": self.number},
        )

    def clean(self):
        if self._state.adding and self.village_id and self.number and self.version == 1:
            taken = type(self).objects.filter(village_id=self.village_id, number=self.number)
            if taken.exists():
                raise ValidationError(
                    {
                        "number": _(
                            "This number is already in the register: to change the record, "
                            "start a new version of it."
                        )
                    }
                )

    def validate_for_submission(self):
        self.full_clean()
        if self.version > 1 and not self.change_note.strip():
            raise ValidationError(_("Say what changed in this version."))

    def new_version(self, user):
        """A draft copy of this published version, numbered after it, for `user` to edit."""
        if not (self.is_published and type(self).objects.current().filter(pk=self.pk).exists()):
            raise ValidationError(_("Start a new version from the current published one."))
        pending = type(self).objects.filter(village_id=self.village_id, number=self.number)
        if pending.exclude(status=Status.PUBLISHED).exists():
            raise ValidationError(_("A new version of this record is already waiting."))
        copy = type(self).objects.get(pk=self.pk)
        for name in ["pk", "id", "chain_position", "submitted_by_id", "submitted_at"]:
            setattr(copy, name, None)
        copy.published_by_id = copy.published_at = None
        copy.previous_fingerprint = copy.fingerprint = copy.change_note = ""
        copy.status, copy.version, copy.created_by = Status.DRAFT, self.version + 1, user
        copy._state.adding, copy._published_in_db = True, False
        copy.save()
        return copy

    def canonical_content(self):
        return {
            "type": self._meta.model_name,
            "village": self.village.code,
            "number": self.number,
            "version": self.version,
            "change_note": self.change_note,
            "notes": self.notes,
            **self.register_content(),
        }

    def register_content(self):
        raise NotImplementedError


def matter_errors(record, field_name):
    """A register names a major matter only once its resolution is published: the
    matter's title goes into the record's fingerprint, and a resolved matter is fixed."""
    matter_id = getattr(record, f"{field_name}_id")
    if not matter_id:
        return {}
    matter = getattr(record, field_name)
    if matter.village_id != record.village_id:
        return {field_name: _("This major matter belongs to another village.")}
    if not MajorMatter.objects.resolved().filter(pk=matter_id).exists():
        return {field_name: _("Only a major matter whose resolution is published can be named.")}
    return {}


class AssetKind(models.TextChoices):
    BUILDING = "building", _("Buildings")
    EQUIPMENT = "equipment", _("Machinery and equipment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure (roads, wells, pipes)")
    VEHICLE = "vehicle", _("Vehicles")
    OTHER = "other", _("Other assets")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("In use by the village")
    LEASED = "leased", _("Leased out")
    IDLE = "idle", _("Idle")
    DISPOSED = "disposed", _("Disposed of")


class Asset(RegisterRecord):
    """A collective asset (资产台账)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=AssetKind.choices)
    location = models.CharField(_("location"), max_length=120)
    acquired_on = models.DateField(_("acquired on"))
    original_value = models.DecimalField(
        _("original value (yuan)"), validators=[MinValueValidator(0)], **MONEY
    )
    state = models.CharField(_("current status"), max_length=10, choices=AssetStatus.choices)
    disposed_on = models.DateField(_("disposed of on"), null=True, blank=True)
    disposal_matter = models.ForeignKey(
        MajorMatter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("major matter that decided the disposal"),
    )

    class Meta(RegisterRecord.Meta):
        verbose_name = _("asset")
        verbose_name_plural = _("assets (资产台账)")
        permissions = [("publish_asset", _("Can review and publish the asset register"))]

    publish_permission = "disclosures.publish_asset"
    register_slug = "asset"

    def clean(self):
        super().clean()
        errors = {}
        if self.state == AssetStatus.DISPOSED and not self.disposed_on:
            errors["disposed_on"] = _("Say when it was disposed of.")
        if self.state != AssetStatus.DISPOSED and (self.disposed_on or self.disposal_matter_id):
            errors["state"] = _("Only a disposed asset has a disposal date and decision.")
        errors.update(matter_errors(self, "disposal_matter"))
        if errors:
            raise ValidationError(errors)

    @property
    def disposed_without_decision(self):
        return self.state == AssetStatus.DISPOSED and not self.disposal_matter_id

    def register_content(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "location": self.location,
            "acquired_on": self.acquired_on.isoformat(),
            "original_value": str(to_yuan(self.original_value)),
            "state": self.state,
            "disposed_on": self.disposed_on.isoformat() if self.disposed_on else "",
            "disposal_matter": self.disposal_matter.title if self.disposal_matter_id else "",
        }


class ResourceKind(models.TextChoices):
    ARABLE = "arable", _("Arable land")
    POND = "pond", _("Ponds and water surface")
    FOREST = "forest", _("Forest land")
    GRASSLAND = "grassland", _("Grassland")
    WASTELAND = "wasteland", _("Wasteland (四荒地)")
    CONSTRUCTION = "construction", _("Collective construction land")
    OTHER = "other", _("Other resources")


class Resource(RegisterRecord):
    """Collectively owned land, water, forest or wasteland (资源台账)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    area_mu = models.DecimalField(
        _("area (mu)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    location = models.CharField(_("location"), max_length=200)
    occupant = models.CharField(
        _("used now by"),
        max_length=60,
        blank=True,
        help_text=_("Who uses it now: the village itself, or the holder of its contract."),
    )

    class Meta(RegisterRecord.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources (资源台账)")
        permissions = [("publish_resource", _("Can review and publish the resource register"))]

    publish_permission = "disclosures.publish_resource"
    register_slug = "resource"

    def register_content(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "area_mu": f"{self.area_mu:.2f}",
            "location": self.location,
            "occupant": self.occupant,
        }


class Payment(models.TextChoices):
    ANNUAL = "annual", _("Once a year")
    HALF_YEARLY = "half_yearly", _("Twice a year")
    QUARTERLY = "quarterly", _("Every quarter")
    ONCE = "once", _("All at once, at the start")


PERIOD_MONTHS = {Payment.ANNUAL: 12, Payment.HALF_YEARLY: 6, Payment.QUARTERLY: 3}


class Selection(models.TextChoices):
    BIDDING = "bidding", _("Public bidding")
    NEGOTIATION = "negotiation", _("Negotiation")
    OTHER = "other", _("Other")


# The longest term the law allows, in years, by what is let. Leases of anything are
# capped at 20 years by the Civil Code (art. 705); land contracted out keeps the limits of
# the Rural Land Contract Law (art. 21: grassland 30 to 50, forest land 30 to 70 years),
# and 四荒 wasteland is let for at most 50 years (国办发〔1999〕102号).
LEGAL_MAX_YEARS = {
    ResourceKind.ARABLE: 20,
    ResourceKind.POND: 20,
    ResourceKind.CONSTRUCTION: 20,
    ResourceKind.OTHER: 20,
    ResourceKind.GRASSLAND: 50,
    ResourceKind.WASTELAND: 50,
    ResourceKind.FOREST: 70,
}
ASSET_LEASE_MAX_YEARS = 20


@dataclass
class Instalment:
    due: datetime.date
    amount: Decimal
    paid: Decimal = Decimal("0")
    overdue: bool = False
    # Due before the village's first published finance list: whether it arrived is not
    # in any list the portal has, so it is neither settled nor overdue here.
    before_records: bool = False

    @property
    def outstanding(self):
        return self.amount - self.paid


@dataclass
class RentYear:
    year: int
    due: Decimal = Decimal("0")
    received: Decimal = Decimal("0")

    @property
    def balance(self):
        return self.received - self.due


@dataclass
class RentAccount:
    """What a contract made due and what arrived, as of `today`."""

    instalments: list
    years: list
    due_so_far: Decimal
    received: Decimal

    @property
    def overdue(self):
        return [instalment for instalment in self.instalments if instalment.overdue]

    @property
    def overdue_amount(self):
        return sum((i.outstanding for i in self.overdue), Decimal("0"))


def rent_account(instalments, payments, today, records_from):
    """Settle instalments oldest first with `payments` [(date, amount)] received so far.

    Only instalments due from `records_from` on (the first day of the village's first
    published finance list; None when there is none) are settled and can be overdue."""
    received = sum((amount for _day, amount in payments), Decimal("0"))
    years = {}
    left = received
    for instalment in instalments:
        if records_from is None or instalment.due < records_from:
            instalment.before_records = True
            continue
        instalment.paid = max(Decimal("0"), min(left, instalment.amount))
        left -= instalment.paid
        late = instalment.due + datetime.timedelta(days=OVERDUE_DAYS) < today
        instalment.overdue = late and instalment.outstanding > 0
        if instalment.due <= today:  # the years show what has fallen due so far
            year = years.setdefault(instalment.due.year, RentYear(instalment.due.year))
            year.due += instalment.amount
    for day, amount in payments:
        years.setdefault(day.year, RentYear(day.year)).received += amount
    counted = [i for i in instalments if not i.before_records and i.due <= today]
    return RentAccount(
        instalments=instalments,
        years=[years[year] for year in sorted(years)],
        due_so_far=sum((i.amount for i in counted), Decimal("0")),
        received=received,
    )


class Contract(RegisterRecord):
    """A lease or contract of a collective asset or resource (合同台账)."""

    counterparty = models.CharField(
        _("counterparty"),
        max_length=60,
        help_text=_(
            "A person's or a company's name, public as on the notice board. Never an ID number."
        ),
    )
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("asset"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("resource"),
    )
    purpose = models.CharField(_("purpose"), max_length=120)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    annual_rent = models.DecimalField(
        _("rent per year (yuan)"), validators=[MinValueValidator(0)], **MONEY
    )
    payment = models.CharField(_("payment schedule"), max_length=12, choices=Payment.choices)
    selection = models.CharField(
        _("how the counterparty was chosen"), max_length=12, choices=Selection.choices
    )
    approving_matter = models.ForeignKey(
        MajorMatter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("major matter that approved it"),
        help_text=_("Required when the contract's total rent reaches the township's threshold."),
    )
    returned_on = models.DateField(
        _("handed back on"),
        null=True,
        blank=True,
        help_text=_("When the asset or resource came back to the village."),
    )

    class Meta(RegisterRecord.Meta):
        verbose_name = _("contract")
        verbose_name_plural = _("contracts (合同台账)")
        permissions = [("publish_contract", _("Can review and publish the contract register"))]

    publish_permission = "disclosures.publish_contract"
    register_slug = "contract"

    @property
    def name_for_display(self):
        return f"{self.counterparty} · {self.purpose}"

    @property
    def subject(self):
        return self.asset if self.asset_id else self.resource

    def clean(self):
        super().clean()
        errors = {}
        field_name = "asset" if self.asset_id else "resource"
        if bool(self.asset_id) == bool(self.resource_id):
            errors["resource"] = _("Name either the asset or the resource the contract lets.")
        elif self.subject.village_id != self.village_id:
            errors[field_name] = _("This belongs to another village.")
        elif not self.subject.is_published:
            # Its number goes into the contract's fingerprint: it must be fixed for good.
            errors[field_name] = _("Publish it in its register first.")
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The contract must end after it starts.")
        errors.update(matter_errors(self, "approving_matter"))
        if errors:
            raise ValidationError(errors)

    # The schedule and what the law and the village allow.

    def instalments(self):
        """(due date, amount) of every instalment; a short last period pays pro rata."""
        periods = self._periods(PERIOD_MONTHS.get(self.payment, 12))
        if self.payment == Payment.ONCE:
            total = sum((amount for _due, amount in periods), Decimal("0"))
            return [Instalment(self.start_date, total)]
        return [Instalment(due, amount) for due, amount in periods]

    def _periods(self, months):
        per_period = self.annual_rent * months / 12
        periods, k, due = [], 0, self.start_date
        while due < self.end_date:
            following = add_months(self.start_date, (k + 1) * months)
            amount = per_period
            if following > self.end_date:
                amount = per_period * (self.end_date - due).days / (following - due).days
            periods.append((due, amount.quantize(CENT, ROUND_HALF_UP)))
            k, due = k + 1, following
        return periods

    @property
    def total_rent(self):
        return sum((i.amount for i in self.instalments()), Decimal("0"))

    @property
    def legal_max_years(self):
        if self.asset_id:
            return ASSET_LEASE_MAX_YEARS
        return LEGAL_MAX_YEARS[self.resource.kind]

    @property
    def term_too_long(self):
        return self.end_date > add_months(self.start_date, 12 * self.legal_max_years)

    @property
    def needs_decision(self):
        threshold = self.village.township.major_matter_threshold
        return self.total_rent >= threshold

    @property
    def missing_decision(self):
        return self.needs_decision and not self.approving_matter_id

    def expired_in_use(self, day):
        return self.end_date < day and self.returned_on is None

    @property
    def rent_per_mu(self):
        if not self.resource_id:
            return None
        return (self.annual_rent / self.resource.area_mu).quantize(CENT, ROUND_HALF_UP)

    def register_content(self):
        subject = self.subject
        return {
            "counterparty": self.counterparty,
            "subject": {"register": subject._meta.model_name, "number": subject.number},
            "purpose": self.purpose,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "annual_rent": str(to_yuan(self.annual_rent)),
            "payment": self.payment,
            "selection": self.selection,
            "approving_matter": self.approving_matter.title if self.approving_matter_id else "",
            "returned_on": self.returned_on.isoformat() if self.returned_on else "",
        }


@dataclass
class ContractReport:
    """One current contract with its rent account and its flags."""

    contract: Contract
    account: RentAccount
    expired_in_use: bool
    term_too_long: bool
    missing_decision: bool
    village_median_per_mu: Decimal | None = None

    @property
    def rent_below_median(self):
        median, per_mu = self.village_median_per_mu, self.contract.rent_per_mu
        return median is not None and per_mu is not None and per_mu < median * LOW_RENT_SHARE

    @property
    def rent_overdue(self):
        return bool(self.account.overdue)

    @property
    def flag_labels(self):
        checks = [
            (self.rent_overdue, _("Rent overdue")),
            (self.expired_in_use, _("Past its end date, still in use")),
            (self.term_too_long, _("Longer than the law allows")),
            (self.missing_decision, _("No major matter approved it")),
            (self.rent_below_median, _("Rent far below the village's median per mu")),
        ]
        return [label for flagged, label in checks if flagged]


def rent_payments(villages):
    """{(village id, contract number): [(date, amount)]} from the published income lines
    of `villages`. One query."""
    lines = (
        LedgerEntry.objects.published()
        # A line names only a contract of its own month's village (LedgerEntry.clean), so
        # the months' village is said too: PostgreSQL then joins these villages' months,
        # not every month of a province, for the publication check.
        .filter(contract__village__in=villages, ledger__village__in=villages, kind=Kind.INCOME)
        .order_by("date", "pk")
        .values_list("contract__village_id", "contract__number", "date", "amount")
    )
    payments = {}
    for village_id, number, day, amount in lines:
        payments.setdefault((village_id, number), []).append((day, amount))
    return payments


def current_contracts(villages):
    return (
        Contract.objects.current()
        .filter(village__in=villages)
        .select_related("asset", "resource", "approving_matter", "village__township")
        .order_by("village__code", "number")
    )


def medians_per_mu(contracts, day):
    """The median rent per mu of the contracts running on `day`, by resource kind, where
    there are enough of them to mean anything."""
    by_kind = {}
    for contract in contracts:
        if contract.resource_id and contract.start_date <= day <= contract.end_date:
            by_kind.setdefault(contract.resource.kind, []).append(contract.rent_per_mu)
    return {
        kind: statistics.median(values)
        for kind, values in by_kind.items()
        if len(values) >= LOW_RENT_MIN_CONTRACTS
    }


def finance_records_start(villages):
    """{village id: the first day of its earliest published finance list}. One query."""
    first = (
        LedgerMonth.objects.published()
        .filter(village__in=villages)
        .values("village")
        .annotate(index=Min(F("year") * 12 + F("month") - 1))
        .order_by()
    )
    return {
        row["village"]: datetime.date(row["index"] // 12, row["index"] % 12 + 1, 1) for row in first
    }


def build_reports(contracts, payments, records_from, day):
    """A ContractReport for each of one village's current contracts."""
    medians = medians_per_mu(contracts, day)
    return [
        ContractReport(
            contract=contract,
            account=rent_account(
                contract.instalments(),
                payments.get((contract.village_id, contract.number), []),
                day,
                records_from.get(contract.village_id),
            ),
            expired_in_use=contract.expired_in_use(day),
            term_too_long=contract.term_too_long,
            missing_decision=contract.missing_decision,
            village_median_per_mu=(
                medians.get(contract.resource.kind) if contract.resource_id else None
            ),
        )
        for contract in contracts
    ]


def contract_reports(village, day=None, contracts=None):
    """Every current contract of the village with its rent account and flags. Three
    queries: the contracts, the income lines that collect them, and where the village's
    finance lists begin."""
    day = day or today()
    contracts = list(current_contracts([village])) if contracts is None else contracts
    return build_reports(contracts, rent_payments([village]), finance_records_start([village]), day)


@dataclass
class RegisterFlags:
    """What the village page and the township dashboard say about a village's contracts."""

    overdue: list
    expired_in_use: list
    term_too_long: list
    missing_decision: list
    below_median: list

    @classmethod
    def of(cls, reports):
        return cls(
            overdue=[r for r in reports if r.rent_overdue],
            expired_in_use=[r for r in reports if r.expired_in_use],
            term_too_long=[r for r in reports if r.term_too_long],
            missing_decision=[r for r in reports if r.missing_decision],
            below_median=[r for r in reports if r.rent_below_median],
        )

    @property
    def overdue_amount(self):
        return sum((r.account.overdue_amount for r in self.overdue), Decimal("0"))

    @property
    def count(self):
        return len(
            {
                r.contract.pk
                for group in (
                    self.overdue,
                    self.expired_in_use,
                    self.term_too_long,
                    self.missing_decision,
                    self.below_median,
                )
                for r in group
            }
        )


def village_register_flags(village, day=None):
    return RegisterFlags.of(contract_reports(village, day))


def register_flags_by_village(villages, day=None):
    """{village id: RegisterFlags} for many villages (the township's dashboard). Three
    queries however many villages and contracts."""
    day = day or today()
    villages = list(villages)
    by_village = {village.pk: [] for village in villages}
    for contract in current_contracts(villages):
        by_village[contract.village_id].append(contract)
    payments, starts = rent_payments(villages), finance_records_start(villages)
    return {
        village_id: RegisterFlags.of(build_reports(contracts, payments, starts, day))
        for village_id, contracts in by_village.items()
    }
