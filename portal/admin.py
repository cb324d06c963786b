"""The portal's admin site: Django's, plus the pages that are not about one model."""

from django.contrib import admin

from disclosures.compliance.admin import compliance_urls
from villages.admin_visits import visits_urls


class PortalAdminSite(admin.AdminSite):
    def get_urls(self):
        # In front of the admin's own: its catch-all view would otherwise answer first.
        return compliance_urls(self) + visits_urls(self) + super().get_urls()
