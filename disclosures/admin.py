from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth, LedgerStatus
from disclosures.money import format_yuan
from villages.models import Township, Village

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "parent", "township", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 3
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
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            # The standard categories and the sub-items of the user's own townships.
            townships = Township.objects.for_user(request.user)
            kwargs["queryset"] = Category.objects.filter(
                Q(township__isnull=True) | Q(township__in=townships)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_published)


@admin.register(LedgerMonth)
class LedgerMonthAdmin(admin.ModelAdmin):
    list_display = [
        "village",
        "period",
        "status",
        "opening",
        "income",
        "expense",
        "closing",
        "published_at",
    ]
    list_filter = ["status", "year"]
    # village__township: the list names the village; the township is in the filters.
    list_select_related = ["village__township"]
    search_fields = ["village__name", "village__code"]
    readonly_fields = ["status", "created_by", "created_at", "published_by", "published_at"]
    fields = [
        "village",
        ("year", "month"),
        "opening_balance",
        "status",
        ("created_by", "created_at"),
        ("published_by", "published_at"),
    ]
    inlines = [LedgerEntryInline]
    actions = ["publish"]
    ordering = ["-year", "-month", "village__code"]

    def get_queryset(self, request):
        kind_sum = lambda kind: Coalesce(  # noqa: E731
            Sum("entries__amount", filter=Q(entries__kind=kind)), ZERO
        )
        return (
            super()
            .get_queryset(request)
            .for_user(request.user)
            .annotate(income_total=kind_sum(Kind.INCOME), expense_total=kind_sum(Kind.EXPENSE))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.for_user(request.user).select_related("township")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # A published month is public record: the admin shows it read-only.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_published)

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

    @admin.action(description=_("Publish the selected months"), permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for month in queryset.exclude(status=LedgerStatus.PUBLISHED).select_related("village"):
            try:
                month.publish(request.user)
            except ValidationError as error:
                self.message_user(request, f"{month}: {error.messages[0]}", messages.ERROR)
            else:
                published += 1
        self.message_user(
            request,
            _("%(count)d month(s) published.") % {"count": published},
            messages.SUCCESS if published else messages.WARNING,
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("disclosures.publish_ledgermonth")
