"""The admin of receipt photos: accountants attach photos to the entries of their villages'
editable lists; reviewers and township staff see them (drafts too) before publication.

Imported by admin.py. A photo is never edited: it is added, or deleted while its list is
still a draft (or sent back). Drafts' photos are served here, to the village's staff only;
the public sees a photo once the list is published (photos.receipt_photo).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from common.paging import year_filter
from disclosures.finance import bulk_receipts
from disclosures.finance.models import LedgerEntry, ReceiptPhoto
from disclosures.finance.photos import MAX_UPLOAD_BYTES, prepare_receipt, store_receipt
from disclosures.money import format_yuan
from disclosures.publishing import EDITABLE
from villages.models import Village
from villages.scoping import VillageScopedAdminMixin


def editable_entries(user):
    """Entries of the user's villages whose list (month or correction) may still change."""
    return LedgerEntry.objects.filter(
        Q(correction__isnull=True, ledger__status__in=EDITABLE)
        | Q(correction__status__in=EDITABLE),
        ledger__village__in=Village.objects.for_user(user),
    )


def entry_is_editable(entry):
    parent = entry.correction if entry.correction_id else entry.ledger
    return parent.status in EDITABLE


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, entry):
        parts = [entry.ledger.village.name, entry.ledger.period_slug]
        if entry.correction_id:
            parts.append(str(pgettext_lazy("receipts", "correction")))
        parts.append(f"{entry.voucher_number} {entry.description} ({format_yuan(entry.amount)})")
        return " · ".join(parts)


class ReceiptPhotoForm(forms.ModelForm):
    upload = forms.FileField(
        label=pgettext_lazy("receipts", "photo"),
        help_text=format_lazy(
            pgettext_lazy(
                "receipts",
                "A JPEG or PNG photo or scan of the voucher or receipt, at most {limit} MB. "
                "It is saved again without its metadata (camera, time, GPS position).",
            ),
            limit=MAX_UPLOAD_BYTES // 1024 // 1024,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    class Meta:
        model = ReceiptPhoto
        fields = ["entry"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        # Raises ReceiptPhotoError (a ValidationError) with the reason, shown on the field.
        self.prepared = prepare_receipt(upload)
        return upload


@admin.register(ReceiptPhoto)
class ReceiptPhotoAdmin(VillageScopedAdminMixin, admin.ModelAdmin):
    village_field = "entry__ledger__village"
    form = ReceiptPhotoForm
    list_display = ["preview", "entry_label", "village", "period", "list_status", "uploaded_at"]
    list_display_links = ["preview", "entry_label"]
    list_select_related = ["entry__ledger__village", "entry__correction"]
    search_fields = [
        "entry__description",
        "entry__voucher_number",
        "entry__ledger__village__name",
        "entry__ledger__village__code",
    ]
    # By year, not a date hierarchy: its first level read every receipt of the user's
    # villages for their distinct years.
    list_filter = [year_filter("uploaded_at", gettext_lazy("uploaded in"))]
    readonly_fields = ["entry", "large_preview", "sha256", "uploaded_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["entry", "upload"]
        return ["entry", "large_preview", "sha256", "uploaded_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "entry":
            kwargs["queryset"] = (
                editable_entries(request.user)
                .select_related("ledger__village")
                .order_by("ledger__village__code", "-ledger__year", "-ledger__month", "date")
            )
            kwargs["form_class"] = EntryChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied  # photos are added or deleted, never replaced
        with transaction.atomic():
            store_receipt(obj, form.prepared)
            obj.entry.parent_list.record_edit(
                request.user,
                pgettext("receipts", "Photo added to %(entry)s.") % {"entry": obj.entry},
            )

    # A photo is never changed; it is deleted only while its list is editable.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or entry_is_editable(obj.entry)
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            obj.delete()
            obj.entry.parent_list.record_edit(
                request.user,
                pgettext("receipts", "Photo removed from %(entry)s.") % {"entry": obj.entry},
            )

    def delete_queryset(self, request, queryset):
        kept = 0
        with transaction.atomic():
            for photo in queryset.select_related("entry__ledger", "entry__correction"):
                if entry_is_editable(photo.entry):
                    self.delete_model(request, photo)
                else:
                    kept += 1
        if kept:
            self.message_user(
                request,
                pgettext_lazy(
                    "receipts",
                    "%(count)d photo(s) of published lists were kept: published is permanent.",
                )
                % {"count": kept},
                messages.WARNING,
            )

    # The files, for the staff of the village (drafts included).

    def get_urls(self):
        return [
            path(
                "<int:object_id>/<str:kind>.jpg",
                self.admin_site.admin_view(self.file_view),
                name="disclosures_receiptphoto_file",
            )
        ] + super().get_urls()

    def file_view(self, request, object_id, kind):
        if kind not in ("image", "thumbnail") or not self.has_view_permission(request):
            raise Http404
        photo = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            handle = default_storage.open(getattr(photo, kind).name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        patch_cache_control(response, private=True, max_age=3600)
        return response

    def _file_url(self, photo, kind):
        return reverse("admin:disclosures_receiptphoto_file", args=[photo.pk, kind])

    @admin.display(description=pgettext_lazy("receipts", "photo"))
    def preview(self, photo):
        return format_html(
            '<img src="{}" alt="" style="max-height: 60px; max-width: 90px">',
            self._file_url(photo, "thumbnail"),
        )

    @admin.display(description=pgettext_lazy("receipts", "photo"))
    def large_preview(self, photo):
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="max-width: 100%"></a>',
            self._file_url(photo, "image"),
            self._file_url(photo, "thumbnail"),
        )

    @admin.display(description=pgettext_lazy("receipts", "entry"), ordering="entry__date")
    def entry_label(self, photo):
        entry = photo.entry
        return f"{entry.voucher_number} {entry.description} ({format_yuan(entry.amount)})"

    @admin.display(
        description=pgettext_lazy("receipts", "village"), ordering="entry__ledger__village__code"
    )
    def village(self, photo):
        return photo.entry.ledger.village.name

    @admin.display(description=pgettext_lazy("receipts", "period"))
    def period(self, photo):
        return photo.entry.ledger.period_label

    @admin.display(description=pgettext_lazy("receipts", "status"))
    def list_status(self, photo):
        entry = photo.entry
        parent = entry.correction if entry.correction_id else entry.ledger
        return parent.get_status_display()


class BulkReceiptsAdminMixin:
    """On a month's admin: many receipt photos in one upload, matched to their lines by
    the voucher number in each file name; the rest wait until someone picks their line
    (bulk_receipts.py)."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/receipts/",
                self.admin_site.admin_view(self.bulk_receipts_view),
                name="disclosures_ledgermonth_receipts",
            )
        ] + super().get_urls()

    def can_add_receipts(self, request, month):
        return (
            request.user.has_perm("disclosures.add_receiptphoto")
            and month.is_editable
            and self.has_change_permission(request, month)
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.can_add_receipts(request, obj):
            context["receipts_url"] = reverse(
                "admin:disclosures_ledgermonth_receipts", args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def bulk_receipts_view(self, request, object_id):
        month = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.can_add_receipts(request, month):
            raise PermissionDenied
        if request.method == "POST":
            self._bulk_receipts_post(request, month)
            return redirect(request.path)
        entries = month.original_entries().prefetch_related("photos")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Receipts of %(month)s") % {"month": month},
            "month": month,
            "entries": entries,
            "pending": bulk_receipts.pending(month),
            "max_megabytes": MAX_UPLOAD_BYTES // 1024 // 1024,
        }
        return TemplateResponse(request, "admin/disclosures/ledgermonth/receipts.html", context)

    def _bulk_receipts_post(self, request, month):
        action = request.POST.get("action")
        if action == "upload":
            attached, waiting, refused = bulk_receipts.receive(
                month, request.FILES.getlist("photos")
            )
            for name, entry in attached:
                self.message_user(request, f"{name} → {entry.voucher_number}", messages.SUCCESS)
            if waiting:
                self.message_user(
                    request,
                    _("%(count)d photo(s) match no line by name: pick their lines below.")
                    % {"count": len(waiting)},
                    messages.WARNING,
                )
            for name, reason in refused:
                self.message_user(request, f"{name}: {reason}", messages.ERROR)
        elif action == "assign":
            entries = {str(entry.pk): entry for entry in month.original_entries()}
            for item in bulk_receipts.pending(month):
                entry = entries.get(request.POST.get(f"line-{item.token}", ""))
                if entry is not None:
                    bulk_receipts.assign(month, item.token, entry)
                    self.message_user(
                        request, f"{item.name} → {entry.voucher_number}", messages.SUCCESS
                    )
        elif action == "discard":
            try:
                bulk_receipts.discard(month, request.POST.get("token", ""))
            except KeyError:
                raise Http404 from None
