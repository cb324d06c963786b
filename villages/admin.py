from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from villages.models import District, Township, Village
from villages.signs import render_signs


def signs_response(villages, filename):
    if not villages:
        return None
    pdf = render_signs(villages)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _dated(prefix):
    return f"{prefix}-signs-{timezone.localdate():%Y%m%d}.pdf"


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "province"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "supervision_phone", "village_count", "signs_link"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]
    actions = ["print_signs"]

    # What township staff set for their own township; the rest is the county's.
    TOWNSHIP_SETTINGS = ["supervision_phone", "question_deadline_days"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return obj.staff.filter(pk=request.user.pk).exists()

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        opts = self.model._meta
        return [
            field.name
            for field in opts.fields + opts.many_to_many
            if field.editable and not field.primary_key and field.name not in self.TOWNSHIP_SETTINGS
        ]

    def get_urls(self):
        urls = [
            path(
                "<int:township_id>/signs.pdf",
                self.admin_site.admin_view(self.signs_view),
                name="villages_township_signs",
            )
        ]
        return urls + super().get_urls()

    @admin.display(description=_("villages"))
    def village_count(self, township):
        return township.villages.count()

    @admin.display(description=_("QR signs"))
    def signs_link(self, township):
        url = reverse("admin:villages_township_signs", args=[township.pk])
        return format_html('<a href="{}">{}</a>', url, _("Print all signs (PDF)"))

    def signs_view(self, request, township_id):
        if not request.user.has_perm("villages.print_signs"):
            raise PermissionDenied
        township = get_object_or_404(self.get_queryset(request), pk=township_id)
        villages = list(township.villages.with_places())
        response = signs_response(villages, _dated(township.code))
        if response is None:
            self.message_user(request, _("This township has no villages yet."), messages.WARNING)
            return redirect("admin:villages_township_changelist")
        return response

    @admin.action(description=_("Print the QR signs of every village (PDF)"), permissions=["print"])
    def print_signs(self, request, queryset):
        villages = list(
            Village.objects.with_places().filter(township__in=queryset).order_by("code")
        )
        response = signs_response(villages, _dated("townships"))
        if response is None:
            self.message_user(
                request, _("The selected townships have no villages."), messages.WARNING
            )
        return response

    def has_print_permission(self, request):
        return request.user.has_perm("villages.print_signs")


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township", "public_link"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]
    actions = ["print_signs"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else []

    @admin.display(description=_("public page"))
    def public_link(self, village):
        return format_html('<a href="{0}" target="_blank">{0}</a>', village.get_absolute_url())

    @admin.action(
        description=_("Print the QR signs of the selected villages (PDF)"), permissions=["print"]
    )
    def print_signs(self, request, queryset):
        villages = list(queryset.select_related("township__district").order_by("code"))
        name = villages[0].code if len(villages) == 1 else "villages"
        return signs_response(villages, _dated(name))

    def has_print_permission(self, request):
        return request.user.has_perm("villages.print_signs")
