"""The small and micro power lists in the admin.

Superusers keep the district's template. Township staff add and edit their township's
items and the local items of their villages, and see the district's items read-only.
Accountants and reviewers only look. The lists have no review step: what is saved is
public, and saving refreshes the cached pages of every village concerned (a signal in
disclosures/powers/models.py).
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disclosures.powers.models import PowerItem, PowerStep
from villages.models import Township, Village


def can_edit(user, item):
    """May the user change this item (None: a new one) and its steps?"""
    if item is None or user.is_superuser:
        return True
    if item.township_id:
        return Township.objects.filter(pk=item.township_id, staff=user).exists()
    if item.village_id:
        return Village.objects.filter(pk=item.village_id, township__staff=user).exists()
    return False  # the district's template


class PowerStepInline(admin.TabularInline):
    model = PowerStep
    fields = ["order", "actor", "action", "time_limit"]
    extra = 1

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit(request.user, obj)


@admin.register(PowerItem)
class PowerItemAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "category", "discipline", "owner"]
    list_display_links = ["number", "name"]
    list_filter = ["kind", "discipline"]
    list_select_related = ["district", "township", "village"]
    search_fields = ["name", "category"]
    inlines = [PowerStepInline]
    readonly_fields = ["owner"]
    fields = [
        "owner",
        "district",
        "township",
        "village",
        "kind",
        "number",
        "name",
        "category",
        "discipline",
        "responsible",
        "legal_basis",
        "risk_points",
        "disclosure",
        "consequence",
    ]

    def get_queryset(self, request):
        items = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return items
        townships = Township.objects.for_user(user)
        return items.filter(
            Q(district__in=townships.values("district"))
            | Q(township__in=townships)
            | Q(village__in=Village.objects.for_user(user))
        )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            fields.remove("owner")
        if not request.user.is_superuser:
            fields.remove("district")  # the template is the district's (superusers') own
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "township":
                kwargs["queryset"] = Township.objects.filter(staff=request.user)
            elif db_field.name == "village":
                kwargs["queryset"] = Village.objects.filter(township__staff=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit(request.user, obj)

    @admin.display(description=_("belongs to"))
    def owner(self, item):
        if item.pk is None:
            return "—"
        place = item.village or item.township or item.district
        return f"{item.owner_level}: {place}"
