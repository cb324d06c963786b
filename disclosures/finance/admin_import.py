"""Importing a month's entries from a spreadsheet, in the month's admin page: the shared
upload → preview → confirm pages (disclosures/admin_import.py) with the ledger's
columns, its preview of each row and the month's income and expense totals."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from disclosures import admin_import
from disclosures.admin_import import XLSX, ImportFlow, import_page
from disclosures.finance import importing
from disclosures.finance.models import Kind, LedgerMonth
from disclosures.money import format_yuan


def sign_upload(month, user, name, content):
    return admin_import.sign_upload(month.pk, user, name, content)


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

        def done(result, name):
            message = _("Imported %(count)d entries from %(file)s.") % {
                "count": len(result.rows),
                "file": name,
            }
            self.log_change(request, month, f"{message} {result.row_counts}")
            return message

        flow = ImportFlow(
            scope=month.pk,
            parse=lambda content: importing.parse_entries(month, content),
            run=lambda content: importing.import_entries(month, request.user, content),
            preview=lambda result: {
                "preview_rows": preview_rows(result),
                "totals": totals(result),
            },
            done=done,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": month,
            "month": month,
            "title": _("Import entries into %(month)s") % {"month": month},
            "change_url": change_url,
            "template_url": reverse(
                "admin:disclosures_ledgermonth_import_template", args=[month.pk]
            ),
            "columns": [header for _name, header, _aliases in importing.COLUMNS],
            "required_columns": "、".join(importing.HEADERS[n] for n in importing.REQUIRED),
        }
        return import_page(request, flow, self.import_template, context, change_url)
