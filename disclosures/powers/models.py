"""The small and micro power lists (小微权力清单).

A positive list of the powers village cadres exercise, each with its legal basis, who is
responsible, the fixed steps ("perform duties by the chart"), time limits and risk points;
and a negative list of forbidden acts. The district (or a township) keeps the template;
every village inherits it and may add local items.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from villages.models import District, Township, Village


class ListKind(models.TextChoices):
    POSITIVE = "positive", _("Positive list: powers and how they are exercised")
    NEGATIVE = "negative", _("Negative list: forbidden acts")


class DisciplineArea(models.TextChoices):
    NONE = "", _("Not a disciplinary matter")
    PARTY = "party", _("Disciplinary matter: party affairs")
    VILLAGE = "village", _("Disciplinary matter: village affairs")


class PowerItemQuerySet(models.QuerySet):
    def for_village(self, village):
        """What applies in a village: the district's template, its township's items and
        its own."""
        township = village.township
        return self.filter(
            Q(district_id=township.district_id) | Q(township=township) | Q(village=village)
        )


class PowerItem(models.Model):
    """One item of a power list, owned by exactly one of a district, a township or a
    village."""

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="power_items",
        verbose_name=_("district"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="power_items",
        verbose_name=_("township"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="power_items",
        verbose_name=_("village"),
    )
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=80)
    category = models.CharField(
        _("category"), max_length=30, blank=True, help_text=_("e.g. 集体资产、工程项目、民生保障")
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    responsible = models.CharField(_("who is responsible"), max_length=120, blank=True)
    risk_points = models.TextField(_("risk points"), blank=True)
    disclosure = models.TextField(_("what must be disclosed"), blank=True)
    discipline = models.CharField(
        _("disciplinary matter"), max_length=8, choices=DisciplineArea.choices, blank=True
    )
    consequence = models.TextField(
        _("consequence"), blank=True, help_text=_("Negative list: what follows the act.")
    )

    objects = PowerItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "number", "pk"]
        verbose_name = _("power list item")
        verbose_name_plural = _("small and micro power lists")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(district__isnull=False, township__isnull=True, village__isnull=True)
                    | Q(district__isnull=True, township__isnull=False, village__isnull=True)
                    | Q(district__isnull=True, township__isnull=True, village__isnull=False)
                ),
                name="power_item_has_one_owner",
            ),
            # One number per list and owner: the loader and people cite items by it.
            # (Rows owned elsewhere have NULL here and never collide.)
            *(
                models.UniqueConstraint(
                    fields=[owner, "kind", "number"], name=f"power_item_number_per_{owner}"
                )
                for owner in ("district", "township", "village")
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def owner_level(self):
        if self.village_id:
            return _("village")
        return _("township") if self.township_id else _("district")

    def villages(self):
        """Every village the item applies to."""
        if self.village_id:
            return Village.objects.filter(pk=self.village_id)
        if self.township_id:
            return Village.objects.filter(township_id=self.township_id)
        return Village.objects.filter(township__district_id=self.district_id)

    def refresh_public_pages(self):
        """The lists are public as soon as they are saved (there is no review step), so
        a change bumps the public version of every village it applies to: one UPDATE."""
        self.villages().bump_public_version(finance=False)

    def clean(self):
        owners = [self.district_id, self.township_id, self.village_id]
        if sum(owner is not None for owner in owners) != 1:
            raise ValidationError(
                _("An item belongs to exactly one of a district, a township or a village.")
            )
        if self.kind == ListKind.NEGATIVE and not self.consequence.strip():
            raise ValidationError({"consequence": _("Say what follows the forbidden act.")})


class PowerStep(models.Model):
    """One box of a positive item's flowchart: who does what, within what time."""

    item = models.ForeignKey(
        PowerItem, on_delete=models.CASCADE, related_name="steps", verbose_name=_("item")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    actor = models.CharField(_("who"), max_length=60)
    action = models.CharField(_("does what"), max_length=200)
    time_limit = models.CharField(_("time limit"), max_length=40, blank=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("step")
        verbose_name_plural = _("steps (the flowchart)")
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="power_step_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.actor}: {self.action}"


@receiver([post_save, post_delete], sender=PowerItem)
def item_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.refresh_public_pages()


@receiver([post_save, post_delete], sender=PowerStep)
def step_changed(sender, instance, raw=False, **kwargs):
    # Deleting an item deletes its steps first; the item's own signal covers that case.
    item = PowerItem.objects.filter(pk=instance.item_id).first()
    if item is not None and not raw:
        item.refresh_public_pages()
