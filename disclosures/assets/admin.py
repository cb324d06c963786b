"""The three registers in the admin: accountants enter records of their villages,
reviewers publish them (ReviewAdminMixin). A published record is read-only; the action
"Start a new version" copies it into a draft numbered after it, which is reviewed again."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from disclosures.admin_mixins import REVIEW_FIELDS, ReviewAdminMixin
from disclosures.assets.admin_import import RegisterImportAdminMixin
from disclosures.assets.models import Asset, Contract, Resource
from disclosures.matters.models import MajorMatter
from villages.models import Village
from villages.scoping import VillageScopedAdminMixin

REVIEW_LAYOUT = [
    "status",
    ("created_by", "created_at"),
    ("submitted_by", "submitted_at"),
    ("published_by", "published_at"),
    "fingerprint",
]


class RegisterAdmin(
    RegisterImportAdminMixin, VillageScopedAdminMixin, ReviewAdminMixin, admin.ModelAdmin
):
    list_filter = ["status", "village__township"]
    list_select_related = ["village"]
    search_fields = ["number", "village__name", "village__code"]
    readonly_fields = [*REVIEW_FIELDS, "version"]
    actions = ["publish_selected", "start_new_version"]
    ordering = ["village__code", "number", "-version"]
    register_fields = []

    def get_fields(self, request, obj=None):
        head = ["village", ("number", "version")]
        tail = ["notes", "change_note"] if obj and obj.version > 1 else ["notes"]
        return [*head, *self.register_fields, *tail, *REVIEW_LAYOUT]

    def get_readonly_fields(self, request, obj=None):
        # Every version of a number belongs to the same village under the same number.
        if obj:
            return [*self.readonly_fields, "village", "number"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        mine = Village.objects.for_user(request.user)
        if db_field.related_model is MajorMatter:
            kwargs["queryset"] = MajorMatter.objects.resolved().filter(village__in=mine)
        elif db_field.related_model in (Asset, Resource):
            kwargs["queryset"] = (
                db_field.related_model.objects.current()
                .filter(village__in=mine)
                .select_related("village")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    @admin.action(description=_("Start a new version of the selected records"))
    def start_new_version(self, request, queryset):
        for record in queryset.select_related("village"):
            try:
                copy = record.new_version(request.user)
            except ValidationError as error:
                self.message_user(request, f"{record}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(item)s: a draft of the new version is ready to edit.") % {"item": copy},
                    messages.SUCCESS,
                )

    def has_start_new_version_permission(self, request):
        return self.has_add_permission(request)


@admin.register(Asset)
class AssetAdmin(RegisterAdmin):
    list_display = ["number", "name", "village", "kind", "state", "version", "status"]
    list_filter = ["status", "kind", "state", "village__township"]
    search_fields = [*RegisterAdmin.search_fields, "name", "location"]
    register_fields = [
        "name",
        ("kind", "state"),
        "location",
        ("acquired_on", "original_value"),
        ("disposed_on", "disposal_matter"),
    ]


@admin.register(Resource)
class ResourceAdmin(RegisterAdmin):
    list_display = ["number", "name", "village", "kind", "area_mu", "version", "status"]
    list_filter = ["status", "kind", "village__township"]
    search_fields = [*RegisterAdmin.search_fields, "name", "location", "occupant"]
    register_fields = ["name", ("kind", "area_mu"), "location", "occupant"]


@admin.register(Contract)
class ContractAdmin(RegisterAdmin):
    list_display = [
        "number",
        "counterparty",
        "village",
        "start_date",
        "end_date",
        "annual_rent",
        "version",
        "status",
    ]
    search_fields = [*RegisterAdmin.search_fields, "counterparty", "purpose"]
    register_fields = [
        "counterparty",
        ("asset", "resource"),
        "purpose",
        ("start_date", "end_date"),
        ("annual_rent", "payment"),
        ("selection", "approving_matter"),
        "returned_on",
    ]
