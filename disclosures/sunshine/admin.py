"""Quarterly sunshine reports (阳光述职) in the admin.

A report is entered on one page with its rows as inlines: each cadre's report and
evaluation (述, 评), questions (问), tasks (定), and the follow-ups of earlier tasks, which
the report makes itself when it is created (SunshineReport.carry_over_open_tasks): the
accountant only says how each went. Reviewed and published like any disclosure
(ReviewAdminMixin); a published report is shown read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from disclosures.admin_mixins import REVIEW_FIELDS, EditableWithParentMixin, ReviewAdminMixin
from disclosures.affairs.models import Cadre
from disclosures.sunshine.models import (
    CadreEvaluation,
    SunshineQuestion,
    SunshineReport,
    SunshineTask,
    TaskFollowUp,
)
from villages.models import Village
from villages.scoping import VillageScopedAdminMixin


class CadreRowInline(EditableWithParentMixin, admin.TabularInline):
    """Rows naming a cadre: only the cadres of the report's village (of the user's
    villages while the report is being added)."""

    report_village_id = None

    def get_formset(self, request, obj=None, **kwargs):
        self.report_village_id = obj.village_id if obj else None
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cadre":
            cadres = Cadre.objects.filter(village__in=Village.objects.for_user(request.user))
            if self.report_village_id:
                cadres = cadres.filter(village_id=self.report_village_id)
            kwargs["queryset"] = cadres.order_by("village__code", "position", "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CadreEvaluationInline(CadreRowInline):
    model = CadreEvaluation
    fields = ["cadre", "reported", "satisfied", "basically_satisfied", "dissatisfied", "rate"]
    readonly_fields = ["rate"]
    extra = 3

    @admin.display(description=_("satisfaction rate"))
    def rate(self, evaluation):
        return evaluation.satisfaction_percent if evaluation.pk else "—"


class SunshineQuestionInline(CadreRowInline):
    model = SunshineQuestion
    fields = ["cadre", "question", "answer"]
    extra = 2


class SunshineTaskInline(CadreRowInline):
    model = SunshineTask
    fields = ["cadre", "task", "owner", "deadline"]
    extra = 2


class TaskFollowUpInline(EditableWithParentMixin, admin.TabularInline):
    """Made by the report itself for every open task of earlier meetings: none is added
    or removed by hand."""

    model = TaskFollowUp
    fields = ["earlier_task", "outcome", "note"]
    readonly_fields = ["earlier_task"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task__cadre", "task__report")

    @admin.display(description=_("task of an earlier meeting"))
    def earlier_task(self, follow_up):
        task = follow_up.task
        return _("%(period)s · %(cadre)s: %(task)s (responsible: %(owner)s, due %(deadline)s)") % {
            "period": task.report.period_label,
            "cadre": task.cadre.name,
            "task": task.task,
            "owner": task.owner,
            "deadline": f"{task.deadline:%Y-%m-%d}",
        }


@admin.register(SunshineReport)
class SunshineReportAdmin(VillageScopedAdminMixin, ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "village",
        "period",
        "meeting_date",
        "status",
        "published_at",
        "short_fingerprint",
    ]
    list_filter = ["status", "year"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    readonly_fields = REVIEW_FIELDS
    fields = [
        "village",
        ("year", "quarter"),
        "meeting_date",
        ("party_members", "two_committees"),
        ("supervision_committee", "villager_representatives"),
        "notes",
        "status",
        ("created_by", "created_at"),
        ("submitted_by", "submitted_at"),
        ("published_by", "published_at"),
        "fingerprint",
    ]
    inlines = [
        TaskFollowUpInline,
        CadreEvaluationInline,
        SunshineQuestionInline,
        SunshineTaskInline,
    ]
    actions = ["publish_selected"]
    ordering = ["-year", "-quarter", "village__code"]

    def get_readonly_fields(self, request, obj=None):
        # Its rows name the village's cadres and carry its earlier tasks: the village and
        # the quarter stay as created.
        if obj:
            return [*self.readonly_fields, "village", "year", "quarter"]
        return self.readonly_fields

    def view_on_site(self, report):
        return report.get_absolute_url() if report.is_published else None

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("quarter"), ordering="year")
    def period(self, report):
        return report.period_label
