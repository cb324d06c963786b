"""Importing a month's entries from a spreadsheet, in the month's admin page.

Upload → preview of every row and every error → confirm. The preview page carries the
uploaded file back to the server in a hidden field, signed (django.core.signing, HMAC with
SECRET_KEY, salted with the month and the user, compressed, valid for an hour) and parsed
again on confirm, so nothing is stored between the two steps: no temporary files or session
data to clean up, two tabs cannot mix their uploads, and the check against the month's
existing vouchers is done again at the moment of import. That is why uploads are limited to
1 MB (a 2,000-line ledger is about 150 KB): the signed copy must fit Django's 2.5 MB limit
on a form post.
"""

import base64
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosures.finance import importing
from disclosures.finance.models import Kind, LedgerMonth
from disclosures.money import format_yuan

PAYLOAD_MAX_AGE = 60 * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": importing.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _salt(month, user):
    return f"disclosures.import:{month.pk}:{user.pk}"


def sign_upload(month, user, name, content):
    data = {"name": name, "data": base64.b64encode(content).decode("ascii")}
    return signing.dumps(data, salt=_salt(month, user), compress=True)


def unsign_upload(month, user, payload):
    """(name, content), or raise signing.BadSignature (also when it has expired)."""
    data = signing.loads(payload, salt=_salt(month, user), max_age=PAYLOAD_MAX_AGE)
    return data["name"], base64.b64decode(data["data"])


def preview_rows(result):
    """What the preview table shows of each row: the parsed value, or the text as typed."""
    rows = []
    for row in result.rows:
        entry = row.entry
        rows.append(
            {
                "number": row.number,
                "date": entry.date.isoformat() if entry.date else row.raw.get("date", ""),
                "voucher": entry.voucher_number,
                "description": entry.description,
                "kind": entry.get_kind_display() if entry.kind else row.raw.get("kind", ""),
                "category": entry.category.full_name
                if entry.category_id
                else row.raw.get("category", ""),
                "amount": format_yuan(entry.amount)
                if entry.amount is not None
                else row.raw.get("amount", ""),
                "funding_source": entry.get_funding_source_display(),
                "handled_by": entry.handled_by,
                "approved_by": entry.approved_by,
                "errors": row.errors,
            }
        )
    return rows


def totals(result):
    def total(kind):
        return sum(
            (e.amount for e in result.entries if e.kind == kind and e.amount is not None),
            Decimal("0"),
        )

    return {"income": format_yuan(total(Kind.INCOME)), "expense": format_yuan(total(Kind.EXPENSE))}


class LedgerImportAdminMixin:
    """Adds the import pages and the template download to LedgerMonthAdmin."""

    change_form_template = "admin/disclosures/ledgermonth/change_form.html"
    import_template = "admin/disclosures/ledgermonth/import.html"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="disclosures_ledgermonth_import",
            ),
            path(
                "<int:object_id>/import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="disclosures_ledgermonth_import_template",
            ),
        ] + super().get_urls()

    def can_import(self, request, month):
        # The month comes from the user's villages only; change permission holds only
        # while the month is a draft or sent back (ReviewAdminMixin).
        return self.has_change_permission(request, month) and request.user.has_perm(
            "disclosures.add_ledgerentry"
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.can_import(request, obj):
            context["import_url"] = reverse("admin:disclosures_ledgermonth_import", args=[obj.pk])
            context["import_template_url"] = reverse(
                "admin:disclosures_ledgermonth_import_template", args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _month(self, request, object_id):
        """The month, if it is one of the user's villages (else 404)."""
        return get_object_or_404(
            LedgerMonth.objects.for_user(request.user).select_related("village__township"),
            pk=object_id,
        )

    def import_template_view(self, request, object_id):
        month = self._month(request, object_id)
        if not self.has_view_permission(request, month):
            raise PermissionDenied
        response = HttpResponse(importing.template_workbook(month), content_type=XLSX)
        filename = f"{month.village.code}-{month.period_slug}-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request, object_id):
        month = self._month(request, object_id)
        if not self.can_import(request, month):
            raise PermissionDenied
        change_url = reverse("admin:disclosures_ledgermonth_change", args=[month.pk])
        form = UploadForm()
        context = {}
        if request.method == "POST" and "payload" in request.POST:
            try:
                name, content = unsign_upload(month, request.user, request.POST["payload"])
            except (signing.BadSignature, ValueError, KeyError, TypeError):
                self.message_user(
                    request,
                    _("The preview has expired or was changed. Upload the file again."),
                    messages.ERROR,
                )
                return redirect(request.path)
            try:
                result = importing.import_entries(month, request.user, content)
            except importing.SpreadsheetError as error:
                form.add_error(None, error.messages)
            else:
                if result.is_valid:
                    count = len(result.rows)
                    message = _("Imported %(count)d entries from %(file)s.") % {
                        "count": count,
                        "file": name,
                    }
                    message = f"{message} {result.row_counts}"
                    self.log_change(request, month, message)
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect(change_url)
                # Something changed since the preview (an entry added meanwhile).
                context.update(self._preview(month, result, name))
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                content = upload.read()
                try:
                    result = importing.parse_entries(month, content)
                except importing.SpreadsheetError as error:
                    form.add_error("file", error.messages)
                else:
                    context.update(self._preview(month, result, upload.name))
                    if result.is_valid:
                        context["payload"] = sign_upload(month, request.user, upload.name, content)
                        form = None
        context.update(
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": month,
                "month": month,
                "title": _("Import entries into %(month)s") % {"month": month},
                "form": form,
                "change_url": change_url,
                "template_url": reverse(
                    "admin:disclosures_ledgermonth_import_template", args=[month.pk]
                ),
                "columns": [header for _name, header, _aliases in importing.COLUMNS],
                "required_columns": "、".join(importing.HEADERS[n] for n in importing.REQUIRED),
                "max_rows": importing.MAX_ROWS,
                "max_megabytes": importing.MAX_BYTES // (1024 * 1024),
            }
        )
        return TemplateResponse(request, self.import_template, context)

    def _preview(self, month, result, name):
        return {
            "result": result,
            "file_name": name,
            "preview_rows": preview_rows(result),
            "errors": result.errors,
            "skipped": result.skipped,
            "totals": totals(result),
        }
