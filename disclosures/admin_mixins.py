"""Admin pieces every reviewable disclosure shares: the review buttons and history, the
read-only review fields, and inlines that follow their parent's status. The rules
themselves live on the model (publishing.py); these only offer them to the right people.
Scoping to the user's villages is villages.scoping.VillageScopedAdminMixin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from disclosures.publishing import ReviewEvent, Status

# Set by the review steps, never typed in: read-only on every reviewable admin.
REVIEW_FIELDS = (
    "status",
    "created_by",
    "created_at",
    "submitted_by",
    "submitted_at",
    "published_by",
    "published_at",
    "fingerprint",
)


class ReviewAdminMixin:
    """Submit, send back and publish buttons and the review history on the change page.

    Shared by every admin of a Publishable model: the rules live on the model
    (disclosures/publishing.py); this only offers them to the right people.
    """

    change_form_template = "admin/disclosures/review_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            )
        ] + super().get_urls()

    def allowed_transitions(self, request, obj):
        allowed = []
        if obj.is_editable and self.has_change_permission(request, obj):
            allowed.append("submit")
        if obj.status == Status.SUBMITTED and request.user.has_perm(obj.publish_permission):
            allowed += ["publish", "send_back"]
        return allowed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            opts = self.model._meta
            extra_context.update(
                review_events=ReviewEvent.for_subject(obj),
                review_transitions=self.allowed_transitions(request, obj),
                review_url=reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk]
                ),
                review_subject=obj,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id):
        if request.method != "POST":
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        action = request.POST.get("action")
        if action not in self.allowed_transitions(request, obj):
            raise PermissionDenied
        comment = request.POST.get("comment", "")
        try:
            if action == "submit":
                obj.submit(request.user, comment)
            elif action == "send_back":
                obj.send_back(request.user, comment)
            else:
                obj.publish(request.user, comment)
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(item)s: %(status)s.") % {"item": obj, "status": obj.get_status_display()},
                messages.SUCCESS,
            )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for row in rows:
            if hasattr(row, "stamp"):
                row.stamp(request.user)
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            form.instance.record_edit(request.user)

    # What is submitted waits for review; what is published is public record.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    @admin.display(description=_("fingerprint"))
    def short_fingerprint(self, obj):
        return obj.short_fingerprint or "—"

    @admin.action(description=_("Publish the selected items"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        for obj in queryset.filter(status=Status.SUBMITTED):
            try:
                obj.publish(request.user)
            except (ValidationError, PermissionDenied) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else error
                self.message_user(request, f"{obj}: {message}", messages.ERROR)
            else:
                published += 1
        self.message_user(
            request,
            _("%(count)d item(s) published.") % {"count": published},
            messages.SUCCESS if published else messages.WARNING,
        )

    def has_publish_permission(self, request):
        return request.user.has_perm(self.model.publish_permission)


class EditableWithParentMixin:
    """For inlines: rows change only while the list they belong to is editable."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)
