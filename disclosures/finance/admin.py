from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from disclosures.admin_mixins import REVIEW_FIELDS, EditableWithParentMixin, ReviewAdminMixin
from disclosures.finance import overview
from disclosures.finance.admin_import import LedgerImportAdminMixin
from disclosures.finance.models import (
    Category,
    Kind,
    LedgerCorrection,
    LedgerEntry,
    LedgerMonth,
)
from disclosures.money import format_yuan
from villages.models import Township, Village
from villages.scoping import VillageScopedAdminMixin

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name_en", "kind", "township", "valid_from", "valid_until"]
    list_filter = ["kind"]
    list_select_related = ["parent", "township"]
    search_fields = ["name", "name_en"]
    fields = ["parent", "name", "name_en", "township", "position"]

    def get_queryset(self, request):
        categories = super().get_queryset(request)
        if request.user.is_superuser:
            return categories
        return categories.usable_by(Township.objects.for_user(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "township" and not request.user.is_superuser:
            kwargs["queryset"] = Township.objects.filter(staff=request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # The standard categories belong to the accounting system, not to a township.
        if obj and obj.township_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class EntryInlineMixin(EditableWithParentMixin):
    fields = [
        "date",
        "voucher_number",
        "description",
        "kind",
        "category",
        "amount",
        "funding_source",
        "handled_by",
        "approved_by",
        "major_matter",
        "entered_by",
        "changed_by",
    ]
    readonly_fields = ["entered_by", "changed_by"]
    parent_village_id = None

    def get_formset(self, request, obj=None, **kwargs):
        # The matters offered are the village's of the month (or the corrected month).
        self.parent_village_id = obj.village.pk if obj else None
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.usable_by(
                Township.objects.for_user(request.user)
            ).select_related("parent")
        if db_field.name == "major_matter":
            # Matters build on finance: their model is reached through the field.
            matters = db_field.related_model.objects.for_user(request.user)
            if self.parent_village_id:
                matters = matters.filter(village_id=self.parent_village_id)
            kwargs["queryset"] = matters
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LedgerEntryInline(EntryInlineMixin, admin.TabularInline):
    model = LedgerEntry
    fk_name = "ledger"
    extra = 3

    def get_queryset(self, request):
        return super().get_queryset(request).filter(correction__isnull=True)


class CorrectionEntryFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Adjusting entries belong to the corrected month too; set it before validation,
        # which checks dates and thresholds against the month.
        if self.instance.ledger_id:
            form.instance.ledger = self.instance.ledger
        return form


class CorrectionEntryInline(EntryInlineMixin, admin.TabularInline):
    model = LedgerEntry
    fk_name = "correction"
    formset = CorrectionEntryFormSet
    extra = 2
    verbose_name = _("adjusting entry")
    verbose_name_plural = _("adjusting entries (a negative amount reverses part of a line)")


class LedgerCorrectionInline(admin.TabularInline):
    """Corrections of a published month, listed read-only on the month's page."""

    model = LedgerCorrection
    extra = 0
    fields = ["reason", "status", "published_at", "short_fingerprint"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fingerprint"))
    def short_fingerprint(self, correction):
        return correction.short_fingerprint or "—"


@admin.register(LedgerMonth)
class LedgerMonthAdmin(
    VillageScopedAdminMixin, LedgerImportAdminMixin, ReviewAdminMixin, admin.ModelAdmin
):
    list_display = [
        "village",
        "period",
        "status",
        "opening",
        "income",
        "expense",
        "closing",
        "published_at",
        "short_fingerprint",
    ]
    list_filter = ["status", "year"]
    # village__township: the list names the village; the township is in the filters.
    list_select_related = ["village__township"]
    search_fields = ["village__name", "village__code"]
    readonly_fields = REVIEW_FIELDS
    fields = [
        "village",
        ("year", "month"),
        "opening_balance",
        "status",
        ("created_by", "created_at"),
        ("submitted_by", "submitted_at"),
        ("published_by", "published_at"),
        "fingerprint",
    ]
    inlines = [LedgerEntryInline, LedgerCorrectionInline]
    actions = ["publish_selected"]
    ordering = ["-year", "-month", "village__code"]
    change_list_template = "admin/disclosures/ledgermonth/change_list.html"

    def get_queryset(self, request):
        def kind_sum(kind):
            only_original = Q(entries__kind=kind, entries__correction__isnull=True)
            return Coalesce(Sum("entries__amount", filter=only_original), ZERO)

        return (
            super()
            .get_queryset(request)
            .annotate(income_total=kind_sum(Kind.INCOME), expense_total=kind_sum(Kind.EXPENSE))
        )

    def get_urls(self):
        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="disclosures_ledgermonth_overview",
            )
        ] + super().get_urls()

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Finance lists of my villages"),
            **overview.ledger_overview(Village.objects.for_user(request.user)),
        }
        return TemplateResponse(request, "admin/disclosures/ledgermonth/overview.html", context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("period"), ordering="year")
    def period(self, month):
        return month.period_label

    @admin.display(description=_("opening balance"))
    def opening(self, month):
        return format_yuan(month.opening_balance)

    @admin.display(description=_("income"), ordering="income_total")
    def income(self, month):
        return format_yuan(month.income_total)

    @admin.display(description=_("expense"), ordering="expense_total")
    def expense(self, month):
        return format_yuan(month.expense_total)

    @admin.display(description=_("closing balance"))
    def closing(self, month):
        return format_yuan(month.opening_balance + month.income_total - month.expense_total)


@admin.register(LedgerCorrection)
class LedgerCorrectionAdmin(VillageScopedAdminMixin, ReviewAdminMixin, admin.ModelAdmin):
    village_field = "ledger__village"
    list_display = ["__str__", "status", "created_at", "published_at", "short_fingerprint"]
    list_filter = ["status"]
    list_select_related = ["ledger__village"]
    fields = ["ledger", "reason", "status", "published_by", "published_at", "fingerprint"]
    readonly_fields = ["status", "published_by", "published_at", "fingerprint"]
    inlines = [CorrectionEntryInline]
    actions = ["publish_selected"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ledger":
            kwargs["queryset"] = (
                LedgerMonth.objects.published()
                .for_user(request.user)
                .select_related("village")
                .order_by("village__code", "-year", "-month")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The month a correction belongs to is fixed once it exists.
        return [*self.readonly_fields, "ledger"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("village"))
    def village(self, correction):
        return correction.ledger.village
