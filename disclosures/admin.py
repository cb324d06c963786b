from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from disclosures import overview
from disclosures.admin_import import LedgerImportAdminMixin
from disclosures.models import (
    Category,
    Kind,
    LedgerCorrection,
    LedgerEntry,
    LedgerMonth,
    MajorMatter,
    ReviewEvent,
    Status,
)
from disclosures.money import format_yuan
from villages.models import Township, Village

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


# Set by the review steps, never typed in: read-only on every reviewable admin.
REVIEW_FIELDS = (
    "status",
    "created_by",
    "created_at",
    "submitted_by",
    "submitted_at",
    "published_by",
    "published_at",
    "fingerprint",
)


class ReviewAdminMixin:
    """Submit, send back and publish buttons and the review history on the change page.

    Shared by every admin of a Publishable model: the rules live on the model
    (disclosures/publishing.py); this only offers them to the right people.
    """

    change_form_template = "admin/disclosures/review_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            )
        ] + super().get_urls()

    def allowed_transitions(self, request, obj):
        allowed = []
        if obj.is_editable and self.has_change_permission(request, obj):
            allowed.append("submit")
        if obj.status == Status.SUBMITTED and request.user.has_perm(obj.publish_permission):
            allowed += ["publish", "send_back"]
        return allowed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            opts = self.model._meta
            extra_context.update(
                review_events=ReviewEvent.for_subject(obj),
                review_transitions=self.allowed_transitions(request, obj),
                review_url=reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk]
                ),
                review_subject=obj,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id):
        if request.method != "POST":
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        action = request.POST.get("action")
        if action not in self.allowed_transitions(request, obj):
            raise PermissionDenied
        comment = request.POST.get("comment", "")
        try:
            if action == "submit":
                obj.submit(request.user, comment)
            elif action == "send_back":
                obj.send_back(request.user, comment)
            else:
                obj.publish(request.user, comment)
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(item)s: %(status)s.") % {"item": obj, "status": obj.get_status_display()},
                messages.SUCCESS,
            )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)

    # What is submitted waits for review; what is published is public record.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    @admin.display(description=_("fingerprint"))
    def short_fingerprint(self, obj):
        return obj.short_fingerprint or "—"

    @admin.action(description=_("Publish the selected items"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        for obj in queryset.filter(status=Status.SUBMITTED):
            try:
                obj.publish(request.user)
            except (ValidationError, PermissionDenied) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else error
                self.message_user(request, f"{obj}: {message}", messages.ERROR)
            else:
                published += 1
        self.message_user(
            request,
            _("%(count)d item(s) published.") % {"count": published},
            messages.SUCCESS if published else messages.WARNING,
        )

    def has_publish_permission(self, request):
        return request.user.has_perm(self.model.publish_permission)


class EditableWithParentMixin:
    """For inlines: rows change only while the list they belong to is editable."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


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
    ]
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
            matters = MajorMatter.objects.for_user(request.user)
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
class LedgerMonthAdmin(LedgerImportAdminMixin, ReviewAdminMixin, admin.ModelAdmin):
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
            .for_user(request.user)
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

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        villages = Village.objects.for_user(request.user)
        if "village" not in initial and villages.count() == 1:
            initial["village"] = villages.get().pk
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.for_user(request.user).select_related("township")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
class LedgerCorrectionAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "created_at", "published_at", "short_fingerprint"]
    list_filter = ["status"]
    list_select_related = ["ledger__village"]
    fields = ["ledger", "reason", "status", "published_by", "published_at", "fingerprint"]
    readonly_fields = ["status", "published_by", "published_at", "fingerprint"]
    inlines = [CorrectionEntryInline]
    actions = ["publish_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(ledger__village__in=Village.objects.for_user(request.user))
        )

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


# Admins in their own modules register themselves when imported.
# Receipt photos have their own module; importing it registers ReceiptPhotoAdmin.
from disclosures import (  # noqa: E402
    admin_affairs,  # noqa: F401  (affairs catalog, disclosures, cadres)
    admin_compliance,  # noqa: F401  (the township's compliance dashboard)
    admin_matters,  # noqa: F401  (major matters and their steps)
    admin_powers,  # noqa: F401  (small and micro power lists)
    admin_questions,  # noqa: F401  (villagers' questions, answers, moderation log)
    admin_sunshine,  # noqa: F401  (quarterly sunshine reports)
    receipt_admin,  # noqa: E402, F401
)
