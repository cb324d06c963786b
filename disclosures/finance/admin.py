from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from common.paging import InIds
from disclosures.admin_mixins import REVIEW_FIELDS, EditableWithParentMixin, ReviewAdminMixin
from disclosures.finance import overview
from disclosures.finance.admin_import import LedgerImportAdminMixin
from disclosures.finance.admin_receipts import BulkReceiptsAdminMixin
from disclosures.finance.models import (
    Category,
    Kind,
    LedgerCorrection,
    LedgerEntry,
    LedgerMonth,
)
from disclosures.finance.review import month_review
from disclosures.finance.views import month_context
from disclosures.money import format_yuan
from disclosures.publishing import EDITABLE
from villages.models import Township, Village
from villages.scoping import VillageScopedAdminMixin

ZERO_YUAN = Decimal("0.00")
# Up to this many entries the month's page edits them inline; a real month (hundreds or
# thousands of lines) would pass Django's 1,000-field limit on a form and take minutes to
# render (about 40 ms an inline row), so its entries are edited on their own list
# (LedgerEntryAdmin), 100 to a page.
INLINE_ENTRIES = 20


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
        "contract",
        "entered_by",
        "changed_by",
    ]
    readonly_fields = ["entered_by", "changed_by"]
    parent_village_id = None
    parent_year = None

    def get_formset(self, request, obj=None, **kwargs):
        # The matters offered are the village's of the month (or the corrected month), the
        # categories those of the month's year (the 2004 ones only before 2024).
        self.parent_village_id = obj.village.pk if obj else None
        self.parent_year = obj.ledger.year if isinstance(obj, LedgerCorrection) else None
        if isinstance(obj, LedgerMonth):
            self.parent_year = obj.year
        elif obj is None and str(request.GET.get("year", "")).isdigit():
            self.parent_year = int(request.GET["year"])
        formset = super().get_formset(request, obj, **kwargs)
        approver = formset.form.base_fields.get("approved_by")
        if approver is not None and obj is not None:
            approver.label = _("approved by (required from %(threshold)s yuan)") % {
                "threshold": format_yuan(obj.village.township.large_expense_threshold)
            }
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        entry_choices(db_field, request, self.parent_village_id, kwargs, year=self.parent_year)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "date":
            # A plain date box: the admin's calendar links would sit between the date and
            # the voucher number and take a Tab each, in every row.
            kwargs["widget"] = forms.DateInput(
                format="%Y-%m-%d", attrs={"class": "vDateField-plain", "placeholder": "2026-08-03"}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def entry_choices(db_field, request, village_id, kwargs, year=None):
    """The categories and matters an entry may name, for the inlines and the entry list:
    only the categories valid in the month's year, when it is known."""
    if db_field.name == "category":
        categories = Category.objects.usable_by(Township.objects.for_user(request.user))
        if year is not None:
            categories = categories.valid_in(year)
        kwargs["queryset"] = categories.select_related("parent")
    if db_field.name == "major_matter":
        # Matters build on finance: their model is reached through the field.
        matters = db_field.related_model.objects.for_user(request.user)
        if village_id:
            matters = matters.filter(village_id=village_id)
        kwargs["queryset"] = matters
    if db_field.name == "contract":
        # The registers build on finance too: reached through the field, never imported.
        contracts = db_field.related_model.objects.current().for_user(request.user)
        if village_id:
            contracts = contracts.filter(village_id=village_id)
        kwargs["queryset"] = contracts.select_related("village")


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
    VillageScopedAdminMixin,
    LedgerImportAdminMixin,
    BulkReceiptsAdminMixin,
    ReviewAdminMixin,
    admin.ModelAdmin,
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
        "opening_reason",
        "negative_balance_reason",
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

    class Media:
        js = ["disclosures/month_totals.js"]

    def get_inlines(self, request, obj):
        if obj is not None and original_entries(obj).count() > INLINE_ENTRIES:
            return [LedgerCorrectionInline]
        return self.inlines

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["entries_url"] = entries_list_url(obj)
            context["entries_count"] = original_entries(obj).count()
            context["entries_inline"] = context["entries_count"] <= INLINE_ENTRIES
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changelist(self, request, **kwargs):
        return MonthChangeList

    def get_urls(self):
        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="disclosures_ledgermonth_overview",
            ),
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="disclosures_ledgermonth_preview",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        month = self.get_object(request, object_id)
        if month is not None:
            extra_context = {"month_review": month_review(month), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def view_on_site(self, month):
        # A draft has no public page yet: staff see its preview instead.
        if month.is_published:
            return month.get_absolute_url()
        return reverse("admin:disclosures_ledgermonth_preview", args=[month.pk])

    def preview_view(self, request, object_id):
        """The month as villagers will see it once published, under a draft band. Only
        for staff who may see the month; never cached, never indexed."""
        month = get_object_or_404(
            self.get_queryset(request).select_related("village__township__district"),
            pk=object_id,
        )
        if not self.has_view_permission(request, month):
            raise PermissionDenied
        context = {
            "village": month.village,
            "preview": True,
            **month_context(month, request.GET.get("sort"), entries=month.original_entries()),
        }
        response = render(request, "disclosures/finance/month.html", context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "opening_balance" in form.base_fields:
            # Left empty, it carries over the previous published month's closing balance
            # (LedgerMonth.clean).
            form.base_fields["opening_balance"].required = False
        return form

    @admin.display(description=_("period"), ordering="year")
    def period(self, month):
        return month.period_label

    @admin.display(description=_("opening balance"))
    def opening(self, month):
        return format_yuan(month.opening_balance)

    # Not sortable: the totals are summed for the page shown, never for every month.
    @admin.display(description=_("income"))
    def income(self, month):
        return format_yuan(month.income_total)

    @admin.display(description=_("expense"))
    def expense(self, month):
        return format_yuan(month.expense_total)

    @admin.display(description=_("closing balance"))
    def closing(self, month):
        return format_yuan(month.opening_balance + month.income_total - month.expense_total)


class MonthChangeList(ChangeList):
    """The months' list with each month's income and expense, summed for the page shown
    only (one query): summing every entry of every month before paging read all of a
    province's ledger lines for each page."""

    def get_results(self, request):
        super().get_results(request)
        months = list(self.result_list)
        totals = month_totals([month.pk for month in months])
        for month in months:
            month.income_total, month.expense_total = totals.get(month.pk, (ZERO_YUAN, ZERO_YUAN))


def month_totals(month_ids):
    """{month id: (income, expense)} of the months' original lines, in one query."""

    def kind_sum(kind):
        return Sum("amount", filter=Q(kind=kind), default=ZERO_YUAN)

    rows = (
        LedgerEntry.objects.filter(ledger_id__in=month_ids, correction__isnull=True)
        .values("ledger_id")
        .annotate(income=kind_sum(Kind.INCOME), expense=kind_sum(Kind.EXPENSE))
        .order_by()
    )
    return {row["ledger_id"]: (row["income"], row["expense"]) for row in rows}


def original_entries(month):
    return LedgerEntry.objects.filter(ledger=month, correction__isnull=True)


def entries_list_url(month):
    changelist = reverse("admin:disclosures_ledgerentry_changelist")
    return f"{changelist}?ledger__id__exact={month.pk}"


def month_ids(villages, limit=None):
    """The ids of the villages' months (one small query; at most `limit`), for the lists
    that scope their rows by month. Unordered: the model's order would join the villages
    to sort by code. Filtered with InIds, which sends them as one array (a township's ten
    years are thousands of months)."""
    months = LedgerMonth.objects.filter(village__in=villages).order_by()
    return list(months.values_list("pk", flat=True)[:limit])


# The corrections list scopes by month ids up to this many months (see scope_to).
CORRECTION_MONTH_IDS = 600


LedgerEntry._meta.get_field("ledger").register_lookup(InIds)
LedgerCorrection._meta.get_field("ledger").register_lookup(InIds)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(VillageScopedAdminMixin, admin.ModelAdmin):
    """A month's entries, 100 to a page, each edited on its own form: how a month of
    thousands of lines is kept (the month's page links here with ?ledger__id__exact=)."""

    village_field = "ledger__village"
    list_display = [
        "voucher_number",
        "date",
        "description",
        "kind",
        "category",
        "amount_shown",
        "funding_source",
        "handled_by",
        "approved_by",
    ]
    list_per_page = 100
    list_select_related = ["category__parent", "ledger__village"]
    search_fields = ["voucher_number", "description"]
    ordering = ["date", "voucher_number", "pk"]
    fields = ["ledger", *EntryInlineMixin.fields]

    def get_queryset(self, request):
        # Adjusting entries are kept on their correction's page.
        return super().get_queryset(request).filter(correction__isnull=True)

    def scope_to(self, rows, villages):
        """By the ids of the villages' months, fetched first (one small query): given
        only the villages, PostgreSQL guesses their lines are spread over the whole
        history and reads a province's lines in date order until it meets a page of
        theirs (seconds for a township whose books began last year); given the months,
        it reads their lines and sorts them (milliseconds)."""
        return rows.filter(ledger__in_ids=month_ids(villages))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ledger":
            kwargs["queryset"] = self._editable_months(request)
        entry_choices(db_field, request, self._village_id, kwargs, year=self._year)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The matters offered are the month's village's, the categories its year's (as in
    # the inline).
    _village_id = _year = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            self._village_id, self._year = obj.ledger.village_id, obj.ledger.year
        else:
            month = self._editable_months(request).filter(pk=self._month_id(request) or 0)
            self._village_id, self._year = month.values_list("village_id", "year").first() or (
                None,
                None,
            )
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "ledger" not in initial and self._month_id(request):
            initial["ledger"] = self._month_id(request)
        return initial

    @staticmethod
    def _month_id(request):
        """The month an entry is added to: ?ledger=, or the month's list it came from."""
        month_id = request.GET.get("ledger") or QueryDict(
            request.GET.get("_changelist_filters", "")
        ).get("ledger__id__exact", "")
        return month_id if month_id.isdigit() else None

    def _editable_months(self, request):
        months = LedgerMonth.objects.for_user(request.user).filter(status__in=EDITABLE)
        return months.select_related("village")

    def get_readonly_fields(self, request, obj=None):
        return ["ledger"] if obj else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.ledger.is_editable
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.ledger.is_editable
        )

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_shown(self, entry):
        return format_yuan(entry.amount)


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
    # Newest first, from an index (correction_newest_idx): the model's order (village
    # code, then month) joined and sorted every correction of a province for each page.
    ordering = ["-created_at", "-id"]

    def scope_to(self, rows, villages):
        """By the ids of the villages' months when they are few: given the villages as a
        subquery, PostgreSQL guessed ten times as many for 利国乡's 4 and hashed every
        correction of the province for their handful. Past CORRECTION_MONTH_IDS months
        (25 villages of ten years are 3,000) the ids cost more to send and plan, three
        times a page, than that hash, and the subquery is kept."""
        months = month_ids(villages, limit=CORRECTION_MONTH_IDS + 1)
        if len(months) <= CORRECTION_MONTH_IDS:
            return rows.filter(ledger__in_ids=months)
        return super().scope_to(rows, villages)

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
