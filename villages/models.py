from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common import generated
from common.qr import public_url, scan_url
from villages.public_state import refresh_public_states


def division_code_validator(length):
    return RegexValidator(
        rf"^\d{{{length}}}$",
        format_lazy(_("A statistical division code of {length} digits."), length=length),
    )


class District(models.Model):
    """A district or county (区/县), the level that owns the township list."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[division_code_validator(6)]
    )
    name = models.CharField(_("name"), max_length=50)
    city = models.CharField(_("city"), max_length=50, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class TownshipQuerySet(models.QuerySet):
    def for_user(self, user):
        """Townships the user works in: as township staff, or through an assigned village."""
        if user.is_superuser:
            return self
        return self.filter(Q(staff=user) | Q(villages__staff=user)).distinct()

    def supervised_by(self, user):
        """Townships whose record the user may watch: every one for a superuser, their own
        for township staff, none for accountants and reviewers as such."""
        return self if user.is_superuser else self.filter(staff=user)


class Township(models.Model):
    """A township, town or subdistrict (乡/镇/街道). It prints the signs of its villages."""

    text_code_fields = ("code", "supervision_phone")  # common.text: full-width ASCII made plain

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="townships", verbose_name=_("district")
    )
    code = models.CharField(
        _("division code"), max_length=9, unique=True, validators=[division_code_validator(9)]
    )
    name = models.CharField(_("name"), max_length=50)
    supervision_phone = models.CharField(
        _("supervision telephone"),
        max_length=30,
        blank=True,
        help_text=_("Printed on every sign of the township, for complaints and questions."),
    )
    large_expense_threshold = models.DecimalField(
        _("large expense threshold (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000.00"),
        help_text=_("Expenses of this amount or more must name who approved them."),
    )
    major_matter_threshold = models.DecimalField(
        _("major matter threshold (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("50000.00"),
        help_text=_(
            "Published expenses of this amount or more that are not linked to a resolved "
            "major matter are flagged on the village's page."
        ),
    )
    question_deadline_days = models.PositiveSmallIntegerField(
        _("days to answer a question"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "A villager's question not answered within this many days goes to the township "
            "and shows as overdue."
        ),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="townships",
        verbose_name=_("township staff"),
        help_text=_("These users see every village of the township."),
    )

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        permissions = [("print_signs", _("Can print the QR signs of villages"))]

    def __str__(self):
        return self.name


class VillageQuerySet(models.QuerySet):
    def for_user(self, user):
        """The villages a staff user may see: assigned ones, and all of their townships'."""
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        ids = Village.objects.filter(Q(staff=user) | Q(township__staff=user)).values("pk")
        return self.filter(pk__in=ids)

    def with_places(self):
        # Every page that names a village also names its township and district.
        return self.select_related("township__district")

    def bump_public_version(self, finance=True):
        """Call when something of these villages is published, to refresh their cached
        pages on every server: one UPDATE, and the new state written to the cache
        after the transaction commits (villages/public_state.py).

        finance=False: what was published shows on no finance page (a disclosure of
        another module, a power list, a ranking), so the finance parts of the pages,
        cached under finance_version (disclosures/caching.py), stay as they are."""
        bumped = {"public_version": F("public_version") + 1, "public_changed_at": timezone.now()}
        if finance:
            bumped["finance_version"] = F("public_version") + 1
        self.update(**bumped)
        refresh_public_states(self.all())
        public_version_bumped.send(sender=Village, villages=self.all())


# Sent by bump_public_version with the villages (a queryset): whatever keeps parts of
# their pages ready renders them again (disclosures/village_page/summary.py).
public_version_bumped = Signal()


class Village(models.Model):
    """An administrative village (行政村): the unit that discloses and gets a sign."""

    text_code_fields = ("code",)  # common.text: full-width ASCII made plain

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[division_code_validator(12)],
        help_text=_(
            "The 12-digit statistical code. It is the village's public address: never reuse it."
        ),
    )
    name = models.CharField(_("name"), max_length=50)
    public_version = models.PositiveIntegerField(
        _("public version"),
        default=0,
        editable=False,
        help_text=_("Goes up whenever the village publishes: public pages are cached by it."),
    )
    finance_version = models.PositiveIntegerField(
        _("finance version"),
        default=0,
        editable=False,
        help_text=_(
            "The public version at which the village last published something its finance "
            "pages show: their rendered parts are cached by it."
        ),
    )
    public_changed_at = models.DateTimeField(
        _("last published"),
        null=True,
        editable=False,
        help_text=_("When public_version last went up: the public pages' Last-Modified."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="villages",
        verbose_name=_("assigned staff"),
        help_text=_("Accountants and reviewers who keep or review this village's books."),
    )

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Written out, not reversed: this path is printed on signs and is a promise.
        # (It is served by disclosures; tests check the two agree.)
        return f"/v/{self.code}/"

    def bump_public_version(self, finance=True):
        """Call when something of the village is published, to refresh its cached pages."""
        Village.objects.filter(pk=self.pk).bump_public_version(finance)

    @property
    def public_url(self):
        """The absolute address the QR sign encodes."""
        return public_url(self.get_absolute_url())

    @property
    def sign_url(self):
        """What the printed QR code encodes: the public address with the scan marker,
        which the page counts as a scan and redirects away (villages/visits.py)."""
        return scan_url(self.get_absolute_url())


class SignBatch(generated.GeneratedFileBase):
    """The signs of some villages as one PDF, asked for by a staff member in the admin and
    made by the background worker (villages/signs.py), which counts the villages done."""

    filename = models.CharField(_("file name"), max_length=100)
    # In print order; the batch is shown only to someone who may see all of them.
    village_ids = models.JSONField(_("villages"))
    villages_done = models.PositiveIntegerField(_("villages done"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )

    class Meta:
        verbose_name = _("sign batch")
        verbose_name_plural = _("sign batches")

    @property
    def villages_total(self):
        return len(self.village_ids)

    def villages(self):
        found = Village.objects.with_places().in_bulk(self.village_ids)
        return [found[pk] for pk in self.village_ids if pk in found]


# Declared in its own module; imported here so Django registers it with the app.
from villages.security import SecurityEvent  # noqa: E402, F401
from villages.visits import VillageVisitDay  # noqa: E402, F401
