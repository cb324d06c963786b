"""The portal's admin site: Django's, branded, with a work queue for a home page and the
pages that are not about one model (compliance, visits)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from disclosures.compliance.admin import compliance_urls
from disclosures.desk.queue import work_queue
from villages.admin_visits import visits_urls
from villages.models import Township


class PortalAdminSite(admin.AdminSite):
    site_header = _("Village affairs disclosure · admin")
    site_title = _("Village affairs disclosure")
    index_title = _("My work")

    def get_urls(self):
        # In front of the admin's own: its catch-all view would otherwise answer first.
        return compliance_urls(self) + visits_urls(self) + super().get_urls()

    def each_context(self, request):
        """The header names the user's township(s): staff of several see which they are in."""
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            names = list(Township.objects.for_user(user).values_list("name", flat=True)[:3])
            if names:
                context["site_header"] = f"{self.site_header} · {'、'.join(names)}"
        return context

    def index(self, request, extra_context=None):
        context = {"work_queue": work_queue(request.user), **(extra_context or {})}
        return super().index(request, context)
