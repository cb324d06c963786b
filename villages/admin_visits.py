"""Visits in the admin: each village's page views and QR scans, month by month.

For township staff and superusers (Township.objects.supervised_by), like the compliance
dashboard: accountants and reviewers as such get a 403. The last twelve months of every
village of the user's townships, and each township's table as CSV. The counts are in
villages/visits.py.

Its URLs are added to the admin by the project's AdminSite (portal/admin.py).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from common.downloads import csv_response
from villages.models import Township, Village
from villages.township_pages import choose_township
from villages.visits import last_months, monthly_counts


@dataclass
class VisitRow:
    village: Village
    cells: list  # (views, scans) per month, oldest first

    @property
    def views(self):
        return sum(views for views, _ in self.cells)

    @property
    def scans(self):
        return sum(scans for _, scans in self.cells)


@dataclass
class TownshipVisits:
    township: Township
    rows: list

    @property
    def month_totals(self):
        columns = zip(*(row.cells for row in self.rows), strict=True)
        return [(sum(v for v, _ in column), sum(s for _, s in column)) for column in columns]

    @property
    def views(self):
        return sum(row.views for row in self.rows)

    @property
    def scans(self):
        return sum(row.scans for row in self.rows)


def township_visits(townships, months):
    """One TownshipVisits per township, its villages in code order. Two queries."""
    villages = list(Village.objects.filter(township__in=townships).order_by("code"))
    counts = monthly_counts(villages, months)
    by_township = {township.pk: TownshipVisits(township, []) for township in townships}
    for village in villages:
        cells = [counts.get((village.pk, month), (0, 0)) for month in months]
        by_township[village.township_id].rows.append(VisitRow(village, cells))
    return list(by_township.values())


def _townships_or_403(request):
    townships = Township.objects.supervised_by(request.user).select_related("district")
    townships = list(townships.order_by("code"))
    if not townships:
        raise PermissionDenied
    return townships


def dashboard(request):
    """One township's table at a time (?township=<code>), with links to the others."""
    months = last_months(timezone.localdate())
    choice = choose_township(request, _townships_or_403(request))
    context = {
        **admin.site.each_context(request),
        "title": _("Visits: page views and QR scans of my townships' villages"),
        "months": months,
        "reports": township_visits([choice.current], months),
        "choice": choice,
    }
    return TemplateResponse(request, "admin/villages/visits.html", context)


def export_csv(request, township_code):
    """One line per village and month (UTF-8 with a BOM, so Excel reads the Chinese)."""
    township = next((t for t in _townships_or_403(request) if t.code == township_code), None)
    if township is None:
        raise Http404
    today = timezone.localdate()
    months = last_months(today)
    report = township_visits([township], months)[0]
    headers = [_("Village code"), _("Village"), _("Month"), _("Views"), _("QR scans")]
    rows = (
        [row.village.code, row.village.name, f"{month:%Y-%m}", views, scans]
        for row in report.rows
        for month, (views, scans) in zip(months, row.cells, strict=True)
    )
    return csv_response(headers, rows, f"visits-{township.code}-{today:%Y%m%d}.csv")


def visits_urls(site):
    """Added to the admin by the project's AdminSite (portal/admin.py)."""
    view = site.admin_view
    return [
        path("villages/visits/", view(dashboard), name="villages_visits"),
        path(
            "villages/visits/<str:township_code>.csv",
            view(export_csv),
            name="villages_visits_csv",
        ),
    ]
