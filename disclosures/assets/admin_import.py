"""Importing a register (assets, resources or contracts) from a spreadsheet: the shared
upload → preview → confirm pages (disclosures/admin_import.py), into one of the user's
villages, with a template to download. Added to each register's admin by RegisterAdmin."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from disclosures.admin_import import XLSX, ImportFlow, import_page
from disclosures.assets.importing import REGISTERS
from villages.models import Village


class RegisterImportAdminMixin:
    import_template = "admin/disclosures/register_import.html"
    change_list_template = "admin/disclosures/register_change_list.html"

    def get_urls(self):
        name = self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"disclosures_{name}_import",
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name=f"disclosures_{name}_import_template",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        if self.has_add_permission(request):
            name = self.model._meta.model_name
            extra_context = {
                **(extra_context or {}),
                "import_url": reverse(f"admin:disclosures_{name}_import"),
            }
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        register = REGISTERS[self.model](None)
        response = HttpResponse(register.template(), content_type=XLSX)
        filename = f"{self.model._meta.model_name}-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        villages = Village.objects.for_user(request.user).order_by("code")
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(register)s from a spreadsheet")
            % {"register": opts.verbose_name_plural},
            "changelist_url": reverse(f"admin:disclosures_{opts.model_name}_changelist"),
            "template_url": reverse(f"admin:disclosures_{opts.model_name}_import_template"),
        }
        chosen = request.GET.get("village")
        if chosen is None and len(villages) == 1:
            chosen = str(villages[0].pk)
        if not (chosen or "").isdigit():
            context["villages"] = villages
            return TemplateResponse(request, self.import_template, context)
        # Only one of the user's villages: any other is not found.
        village = get_object_or_404(villages.select_related("township"), pk=chosen)
        register = REGISTERS[self.model](village)
        spec = register.spec

        def done(result, name):
            return _("Imported %(count)d drafts into %(village)s from %(file)s.") % {
                "count": len(result.rows),
                "village": village.name,
                "file": name,
            }

        flow = ImportFlow(
            scope=f"{opts.model_name}:{village.pk}",
            parse=register.parse,
            run=lambda content: register.import_records(request.user, content),
            preview=lambda result: {
                "preview_rows": [
                    {
                        "number": row.number,
                        "cells": [row.raw.get(name, "") for name, _h, _a in spec.columns],
                        "errors": row.errors,
                    }
                    for row in result.rows
                ]
            },
            done=done,
        )
        context.update(
            {
                "village": village,
                "columns": [header for _name, header, _aliases in spec.columns],
                "required_columns": "、".join(spec.headers[name] for name in spec.required),
            }
        )
        return import_page(request, flow, self.import_template, context, context["changelist_url"])
