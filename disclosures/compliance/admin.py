"""The township's compliance dashboard in the admin: which villages disclose on time.

For township staff (the users of Township.staff) and superusers, never for accountants or
reviewers as such: they see their villages, not the township's record. Each township the
user works for gets a table of its villages × catalog items with rates; a village opens
its own items × periods grid; the whole grid downloads as CSV. The counting is in
disclosures/compliance/report.py.

Its URLs are added to the admin by the project's AdminSite (portal/admin.py).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from common.downloads import csv_response
from disclosures.assets.models import register_flags_by_village
from disclosures.compliance.report import township_reports, village_row
from villages.models import Township, Village
from villages.township_pages import choose_township


def compliance_townships(user):
    """The townships whose record the user may see: as a superuser every one, as
    township staff their own. Assigned accountants and reviewers get none."""
    townships = Township.objects.for_user(user)
    if not user.is_superuser:
        townships = townships.filter(staff=user)
    return townships.select_related("district").order_by("code")


def _townships_or_403(request):
    townships = list(compliance_townships(request.user))
    if not townships:
        raise PermissionDenied
    return townships


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def dashboard(request):
    """One township's table at a time (?township=<code>), with links to the others."""
    choice = choose_township(request, _townships_or_403(request))
    sort = request.GET.get("sort", "code")
    reports = township_reports([choice.current], sort=sort)
    # Rent overdue (逾期未收) and the other flags of the villages' contracts.
    flags = register_flags_by_village([row.village for report in reports for row in report.rows])
    for report in reports:
        for row in report.rows:
            row.register_flags = flags[row.village.pk]
    context = _context(
        request,
        _("Disclosed on time? Villages of my townships"),
        reports=reports,
        sort=sort,
        choice=choice,
    )
    return TemplateResponse(request, "admin/disclosures/compliance/dashboard.html", context)


def village_detail(request, village_code):
    townships = _townships_or_403(request)
    village = get_object_or_404(
        Village.objects.select_related("township"), code=village_code, township__in=townships
    )
    row = village_row(village)
    context = _context(
        request,
        _("%(village)s: disclosed on time?") % {"village": village.name},
        village=village,
        row=row,
        items=row.cells_by_item(),
    )
    return TemplateResponse(request, "admin/disclosures/compliance/village.html", context)


def export_csv(request, township_code):
    """The township's whole grid, one line per village, item and period (UTF-8 with a BOM,
    so Excel reads the Chinese)."""
    townships = _townships_or_403(request)
    township = next((t for t in townships if t.code == township_code), None)
    if township is None:
        raise Http404
    report = township_reports([township])[0]
    headers = [
        _("Village code"),
        _("Village"),
        _("Item"),
        _("Period"),
        _("Deadline"),
        _("Published on"),
        _("Status"),
    ]
    rows = (
        [
            row.village.code,
            row.village.name,
            cell.item.name,
            cell.period_label,
            cell.deadline,
            cell.published_on,
            cell.status_text,
        ]
        for row in report.rows
        for cell in row.cells
    )
    return csv_response(headers, rows, f"compliance-{township.code}-{report.today:%Y%m%d}.csv")


def compliance_urls(site):
    """Added to the admin by the project's AdminSite (portal/admin.py)."""
    view = site.admin_view
    return [
        path("disclosures/compliance/", view(dashboard), name="disclosures_compliance"),
        path(
            "disclosures/compliance/<str:township_code>.csv",
            view(export_csv),
            name="disclosures_compliance_csv",
        ),
        path(
            "disclosures/compliance/v/<str:village_code>/",
            view(village_detail),
            name="disclosures_compliance_village",
        ),
    ]
