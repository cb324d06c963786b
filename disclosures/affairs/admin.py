"""Admin of the affairs catalog, the disclosures made against it, and village cadres.

Disclosures go through the same review as finance lists (ReviewAdminMixin). Livelihood
lists take identity and phone numbers as typed and keep only their masked form: the form
masks them in cleaning, and its widgets mask whatever they render, so a full number sent
in a form that fails validation is not echoed back either.
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosures.admin_mixins import REVIEW_FIELDS, EditableWithParentMixin, ReviewAdminMixin
from disclosures.affairs.models import (
    Cadre,
    CatalogItem,
    Disclosure,
    LivelihoodRow,
    Module,
    mask_id_number,
    mask_phone,
)
from disclosures.affairs.views import attachment_response
from disclosures.attachments import Attachment, AttachmentForm
from disclosures.uploads import clean_photo
from villages.models import Township, Village
from villages.scoping import VillageScopedAdminMixin

MODULE_ORDER = Case(
    *[When(module=value, then=Value(index)) for index, value in enumerate(Module.values)],
    output_field=IntegerField(),
)

# 18 characters (the last may be X) or the old 15 digits; masked characters allowed.
ID_NUMBER = re.compile(r"[0-9*]{14}(?:[0-9*]{3})?[0-9X*]")
PHONE = re.compile(r"\+?[0-9*][0-9* -]{5,18}")


def catalog_for(townships):
    return CatalogItem.objects.filter(Q(township__isnull=True) | Q(township__in=townships))


class CatalogItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return f"{item.get_module_display()} · {item.name}"


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    """The standard catalog is read-only outside the superuser; township staff add and
    edit their own township's items."""

    list_display = [
        "name",
        "module",
        "frequency",
        "deadline_day",
        "township",
        "has_livelihood_table",
        "legal_basis",
    ]
    list_filter = ["module", "frequency", "has_livelihood_table"]
    list_select_related = ["township"]
    search_fields = ["name", "what", "legal_basis"]
    fields = [
        "township",
        "module",
        "name",
        "what",
        "legal_basis",
        "frequency",
        "deadline_day",
        "has_livelihood_table",
        "is_finance_list",
        "position",
    ]

    def get_queryset(self, request):
        items = super().get_queryset(request).order_by(MODULE_ORDER, "position", "name")
        if request.user.is_superuser:
            return items
        return items.filter(
            Q(township__isnull=True) | Q(township__in=Township.objects.for_user(request.user))
        )

    def get_readonly_fields(self, request, obj=None):
        # Only the standard catalog has the finance list; it is counted from ledgers.
        return [] if request.user.is_superuser else ["is_finance_list"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "township" and not request.user.is_superuser:
            kwargs["queryset"] = Township.objects.filter(staff=request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _owns(self, request, obj):
        if request.user.is_superuser or obj is None:
            return True
        return (
            obj.township_id is not None
            and Township.objects.filter(pk=obj.township_id, staff=request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)


class MaskedInput(forms.TextInput):
    """Renders only the masked form of whatever value it is given, typed or stored."""

    def __init__(self, mask, attrs=None):
        self.mask = mask
        super().__init__(attrs)

    def format_value(self, value):
        return self.mask(str(value)) if value else None


class LivelihoodRowForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("identity number"),
        required=False,
        max_length=40,
        widget=MaskedInput(mask_id_number, attrs={"autocomplete": "off", "size": 20}),
        help_text=_("Type it in full: only 3716**********1234 is kept."),
    )
    phone = forms.CharField(
        label=_("phone"),
        required=False,
        max_length=40,
        widget=MaskedInput(mask_phone, attrs={"autocomplete": "off", "size": 13}),
        help_text=_("Only 138****5678 is kept."),
    )

    class Meta:
        model = LivelihoodRow
        fields = ["name", "villager_group", "item", "amount", "id_number", "phone"]
        widgets = {
            "name": forms.TextInput(attrs={"size": 8}),
            "villager_group": forms.TextInput(attrs={"size": 6}),
            "item": forms.TextInput(attrs={"size": 12}),
        }

    def clean_id_number(self):
        value = "".join(self.cleaned_data["id_number"].split()).upper()
        if value and not ID_NUMBER.fullmatch(value):
            # Never repeat the number in the message: it is shown in the browser.
            raise forms.ValidationError(_("An identity number has 18 characters (or 15 digits)."))
        return mask_id_number(value)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE.fullmatch(value):
            raise forms.ValidationError(_("Enter a phone number of digits only."))
        return mask_phone(value)


class LivelihoodRowInline(EditableWithParentMixin, admin.TabularInline):
    model = LivelihoodRow
    form = LivelihoodRowForm
    extra = 5
    verbose_name_plural = _("list (names are published; identity and phone numbers only masked)")


class AttachmentInline(EditableWithParentMixin, admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    fk_name = "disclosure"
    extra = 1
    fields = ["title", "file", "summary", "kind", "preview"]
    readonly_fields = ["kind", "preview"]
    verbose_name_plural = _("attachments (JPEG or PNG photos, PDF; at most 10 MB each)")

    @admin.display(description=_("type"))
    def kind(self, attachment):
        return attachment.extension.upper() if attachment.pk else ""

    @admin.display(description=_("view"))
    def preview(self, attachment):
        if not attachment.pk:
            return ""
        url = reverse(
            "admin:disclosures_disclosure_attachment",
            args=[attachment.disclosure_id, attachment.token],
        )
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("open"))


@admin.register(Disclosure)
class DisclosureAdmin(VillageScopedAdminMixin, ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "village",
        "item",
        "period",
        "status",
        "published_at",
        "on_time",
        "short_fingerprint",
    ]
    list_filter = ["status", "item__module"]
    list_select_related = ["village", "item"]
    search_fields = ["title", "village__name", "village__code", "item__name"]
    readonly_fields = ["deadline", *REVIEW_FIELDS]
    fields = [
        "village",
        "item",
        "period_start",
        "deadline",
        "title",
        "body",
        "status",
        ("created_by", "created_at"),
        ("submitted_by", "submitted_at"),
        ("published_by", "published_at"),
        "fingerprint",
    ]
    actions = ["publish_selected"]
    ordering = ["-period_start", "-pk"]

    def view_on_site(self, disclosure):
        # A draft has no public page yet.
        return disclosure.get_absolute_url() if disclosure.is_published else None

    def get_urls(self):
        return [
            path(
                "<int:object_id>/attachments/<str:token>/",
                self.admin_site.admin_view(self.attachment_view),
                name="disclosures_disclosure_attachment",
            )
        ] + super().get_urls()

    def attachment_view(self, request, object_id, token):
        """An attachment as staff see it before publication: only in their villages."""
        disclosure = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, disclosure):
            raise PermissionDenied
        attachment = get_object_or_404(disclosure.attachments, token=token)
        return attachment_response(attachment, public=False)

    def get_inlines(self, request, obj):
        if self._has_table(request, obj):
            return [LivelihoodRowInline, AttachmentInline]
        return [AttachmentInline]

    def _has_table(self, request, obj):
        if obj is not None:
            return obj.item.has_livelihood_table
        # Adding: the table comes with an item chosen in the link (?item=), and stays
        # when the form comes back with it.
        if request.method == "POST":
            item = request.POST.get("item", "") if "rows-TOTAL_FORMS" in request.POST else ""
        else:
            item = request.GET.get("item", "")
        return (
            item.isdigit()
            and CatalogItem.objects.filter(pk=item, has_livelihood_table=True).exists()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["form_class"] = CatalogItemChoiceField
            kwargs["queryset"] = (
                catalog_for(Township.objects.for_user(request.user))
                .exclude(is_finance_list=True)
                .order_by(MODULE_ORDER, "position", "name")
            )
            kwargs["help_text"] = _(
                "The monthly finance list is entered as a ledger month, not here. For a list "
                "of names (低保, subsidies, relief), save once: the table appears below."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "item" in form.base_fields:
            # The village is chosen: only its township's catalog.
            field = form.base_fields["item"]
            field.queryset = field.queryset.filter(
                Q(township__isnull=True) | Q(township=obj.village.township_id)
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, disclosure):
        return disclosure.period_label

    @admin.display(description=_("deadline"))
    def deadline(self, disclosure):
        if not disclosure.pk:
            return "—"
        if disclosure.is_published:
            verdict = _("on time") if disclosure.is_on_time else _("late")
            return f"{disclosure.deadline:%Y-%m-%d} · {verdict}"
        return f"{disclosure.deadline:%Y-%m-%d}"

    @admin.display(description=_("on time"), boolean=True)
    def on_time(self, disclosure):
        return disclosure.is_on_time if disclosure.is_published else None


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = [
            "village",
            "name",
            "post",
            "responsibilities",
            "term_start",
            "term_end",
            "photo",
            "position",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return clean_photo(photo)
        return photo


@admin.register(Cadre)
class CadreAdmin(VillageScopedAdminMixin, admin.ModelAdmin):
    form = CadreForm
    list_display = ["name", "post", "village", "term_start", "term_end"]
    list_filter = ["village__township"]
    list_select_related = ["village"]
    search_fields = ["name", "post", "village__name"]

    # The cadre list is on the village's public pages: refresh their cache.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.village.bump_public_version(finance=False)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obj.village.bump_public_version(finance=False)

    def delete_queryset(self, request, queryset):
        villages = list(Village.objects.filter(cadres__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for village in villages:
            village.bump_public_version(finance=False)
