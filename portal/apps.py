from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin app, with the portal's own site as `admin.site` (the documented
    way to replace the default site: every `@admin.register` keeps working)."""

    default_site = "portal.admin.PortalAdminSite"
