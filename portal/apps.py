from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin app, with the portal's own site as `admin.site` (the documented
    way to replace the default site: every `@admin.register` keeps working). It is the
    portal package's one app config, so it also registers the portal's system checks."""

    default_site = "portal.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        from portal import checks  # noqa: F401  (registers them)
