"""The quarterly ranking (一季一晒) in the admin: township staff set their township's
weights; the published rankings are read-only (made by `manage.py publish_rankings`).
Registered by disclosures/admin.py; kept apart from admin.py, which the project's
AdminSite imports before the site exists."""

from django.contrib import admin

from disclosures.compliance.admin import compliance_townships
from disclosures.compliance.models import QuarterlyRanking, RankingFormula


class TownshipScopedAdmin(admin.ModelAdmin):
    """Township staff see and set only their own townships' rows (superusers every one)."""

    def get_queryset(self, request):
        townships = compliance_townships(request.user)
        return super().get_queryset(request).filter(township__in=townships)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "township":
            kwargs["queryset"] = compliance_townships(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RankingFormula)
class RankingFormulaAdmin(TownshipScopedAdmin):
    """The weights of the quarterly ranking, shown on every ranking page. A ranking
    already published keeps the weights it was computed with."""

    list_display = [
        "township",
        "on_time_weight",
        "questions_weight",
        "sunshine_held_weight",
        "satisfaction_weight",
        "flag_penalty",
        "flag_penalty_cap",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["township"] if obj else []


@admin.register(QuarterlyRanking)
class QuarterlyRankingAdmin(TownshipScopedAdmin):
    """Published rankings, read-only: made by `manage.py publish_rankings`."""

    list_display = ["township", "year", "quarter", "as_of", "published_at", "fingerprint"]
    list_filter = ["township", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return obj.get_absolute_url()
