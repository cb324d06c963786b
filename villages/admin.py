from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common import generated
from common.paging import year_filter
from villages import signs
from villages.models import District, SignBatch, Township, Village
from villages.security import SecurityEvent, people_of, record


def signs_response(request, villages, subject, filename):
    """The signs as a download when the worker has made them, else the batch's progress
    page; None for no villages."""
    if not villages:
        return None
    batch = signs.request_batch(villages, subject, filename, request.user)
    if batch.is_ready:
        return generated.file_response(batch.key, batch.filename, attachment=True)
    return redirect("admin:villages_sign_batch", key=batch.key)


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
        # Counted in a subquery: a Count() over the join would reuse for_user's join
        # through the villages and count only the user's own.
        counts = (
            Village.objects.filter(township=OuterRef("pk"))
            .order_by()
            .values("township")
            .annotate(count=Count("pk"))
            .values("count")
        )
        townships = super().get_queryset(request).for_user(request.user)
        return townships.annotate(villages_count=Coalesce(Subquery(counts), 0))

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
            ),
            path(
                "signs/<str:key>/",
                self.admin_site.admin_view(self.sign_batch_view),
                name="villages_sign_batch",
            ),
            path(
                "signs/<str:key>/download/",
                self.admin_site.admin_view(self.sign_batch_download),
                name="villages_sign_batch_download",
            ),
        ]
        return urls + super().get_urls()

    @admin.display(description=_("villages"), ordering="villages_count")
    def village_count(self, township):
        return township.villages_count

    @admin.display(description=_("QR signs"))
    def signs_link(self, township):
        url = reverse("admin:villages_township_signs", args=[township.pk])
        return format_html('<a href="{}">{}</a>', url, _("Print all signs (PDF)"))

    def signs_view(self, request, township_id):
        if not request.user.has_perm("villages.print_signs"):
            raise PermissionDenied
        township = get_object_or_404(self.get_queryset(request), pk=township_id)
        villages = list(township.villages.with_places().order_by("code"))
        subject = signs.township_subject(township)
        response = signs_response(request, villages, subject, _dated(township.code))
        if response is None:
            self.message_user(request, _("This township has no villages yet."), messages.WARNING)
            return redirect("admin:villages_township_changelist")
        return response

    @admin.action(description=_("Print the QR signs of every village (PDF)"), permissions=["print"])
    def print_signs(self, request, queryset):
        villages = list(
            Village.objects.with_places().filter(township__in=queryset).order_by("code")
        )
        response = signs_response(
            request, villages, signs.selection_subject(villages), _dated("townships")
        )
        if response is None:
            self.message_user(
                request, _("The selected townships have no villages."), messages.WARNING
            )
        return response

    def has_print_permission(self, request):
        return request.user.has_perm("villages.print_signs")

    def sign_batch(self, request, key):
        """The batch, for someone who may print signs and see every one of its villages
        (whoever asked for it)."""
        if not self.has_print_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(SignBatch, key=key)
        ids = batch.village_ids
        if Village.objects.for_user(request.user).filter(pk__in=ids).count() != len(ids):
            raise Http404("not your villages")
        return batch

    def sign_batch_view(self, request, key):
        """How far the worker is, in a page that reloads itself (no script) until the
        file can be downloaded."""
        batch = self.sign_batch(request, key)
        context = {
            **self.admin_site.each_context(request),
            "title": _("QR signs"),
            "batch": batch,
            "ready": batch.is_ready,
            "refresh_seconds": generated.REFRESH_SECONDS,
        }
        return TemplateResponse(request, "admin/villages/sign_batch.html", context)

    def sign_batch_download(self, request, key):
        batch = self.sign_batch(request, key)
        if not batch.is_ready:
            return redirect("admin:villages_sign_batch", key=batch.key)
        return generated.file_response(batch.key, batch.filename, attachment=True)


class TownshipOfDistrictFilter(admin.SimpleListFilter):
    """The townships of the district picked in the district filter: a province's hundreds
    of townships are never listed at once."""

    title = _("township")
    parameter_name = "township__id__exact"

    def lookups(self, request, model_admin):
        district = request.GET.get("township__district__id__exact", "")
        if not district.isdigit():
            return []
        return Township.objects.filter(district_id=district).values_list("pk", "name")

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(township_id=self.value())
        return queryset


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township", "public_link"]
    list_filter = ["township__district", TownshipOfDistrictFilter]
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
        villages = list(queryset.with_places().order_by("code"))
        name = villages[0].code if len(villages) == 1 else "villages"
        return signs_response(request, villages, signs.selection_subject(villages), _dated(name))

    def has_print_permission(self, request):
        return request.user.has_perm("villages.print_signs")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The account log, read-only: township staff see the people of their townships."""

    list_display = ["at", "kind", "username", "client", "actor", "detail"]
    # By year, not a date hierarchy: its first level reads every entry of the log (one
    # per login, for years) for their distinct years; the year filter reads two ends
    # of the index on `at`.
    list_filter = ["kind", year_filter("at", _("year"))]
    list_select_related = ["actor"]
    search_fields = ["username", "client"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins being counted (django-axes). Deleting one lifts its lock."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["lift_locks"]

    def get_queryset(self, request):
        attempts = super().get_queryset(request)
        if request.user.is_superuser:
            return attempts
        usernames = people_of(request.user).values_list("username", flat=True)
        return attempts.filter(username__in=usernames)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # lift_locks says what it does, and logs it
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("locked"), boolean=True)
    def locked(self, attempt):
        return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT

    def delete_model(self, request, obj):
        self.lift(request, [obj])

    @admin.action(description=_("Lift the selected lockouts"), permissions=["delete"])
    def lift_locks(self, request, queryset):
        self.lift(request, list(queryset))
        self.message_user(request, _("Lockouts lifted."), messages.SUCCESS)

    def delete_queryset(self, request, queryset):
        self.lift(request, list(queryset))

    def lift(self, request, attempts):
        for attempt in attempts:
            record(
                SecurityEvent.Kind.UNLOCKED,
                request=request,
                username=attempt.username,
                detail=_("client %(address)s, %(count)d failed logins")
                % {"address": attempt.ip_address, "count": attempt.failures_since_start},
            )
            attempt.delete()
