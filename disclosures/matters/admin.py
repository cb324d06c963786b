"""Major matters and the six steps of the four discussions, two disclosures, in the admin.

A matter (title, purpose, budget) is entered once; each step is entered on its own page,
reviewed and published like a finance month (ReviewAdminMixin). The rule a step's meeting
must follow is stated on the step's form; the model refuses what breaks it.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disclosures.admin_mixins import REVIEW_FIELDS, ReviewAdminMixin
from disclosures.attachments import Attachment, AttachmentForm
from disclosures.matters.models import MajorMatter, MatterStep, Step, step_rules
from disclosures.money import format_yuan
from villages.scoping import VillageScopedAdminMixin

STEP_COUNT = len(Step)


def matter_label(matter):
    return f"{matter.village.name} · {matter.title}"


@admin.register(MajorMatter)
class MajorMatterAdmin(VillageScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "village", "budget_display", "spent_display", "steps_done"]
    list_select_related = ["village"]
    search_fields = ["title", "village__name", "village__code"]
    fields = ["village", "title", "purpose", "budget"]
    ordering = ["village__code", "-created_at"]
    change_form_template = "admin/disclosures/majormatter/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_readonly_fields(self, request, obj=None):
        # Entries and steps point at the matter of one village: it stays there.
        return ["village"] if obj else []

    # Once a step or a finance list naming the matter is published, the matter is part
    # of the public record: it is shown, not edited.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_fixed())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_fixed())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        matter = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if matter is not None:
            steps = list(matter.steps.order_by("step"))
            next_step = steps[-1].step + 1 if steps else Step.PROPOSAL
            extra_context["matter_steps"] = steps
            if next_step <= STEP_COUNT and request.user.has_perm("disclosures.add_matterstep"):
                extra_context["next_step_label"] = Step(next_step).label
                extra_context["next_step_url"] = (
                    reverse("admin:disclosures_matterstep_add")
                    + f"?matter={matter.pk}&step={next_step}"
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("budget (yuan)"), ordering="budget")
    def budget_display(self, matter):
        return format_yuan(matter.budget)

    @admin.display(description=_("spent so far (published)"), ordering="spent")
    def spent_display(self, matter):
        return format_yuan(matter.spent)

    @admin.display(description=_("steps published"), ordering="steps_published")
    def steps_done(self, matter):
        return f"{matter.steps_published}/{STEP_COUNT}"


class MatterStepForm(forms.ModelForm):
    """States, under the attendance, the rule the step's meeting must follow."""

    class Meta:
        model = MatterStep
        fields = [
            "matter",
            "step",
            "date",
            "body",
            "meeting",
            "members_total",
            "present",
            "votes_for",
            "votes_against",
            "abstaining",
            "record",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "present" in self.fields:
            rules = step_rules(self.step_number())
            self.fields["present"].help_text = " ".join(str(rule) for rule in rules)

    def step_number(self):
        raw = self.data.get(self.add_prefix("step")) if self.is_bound else None
        raw = raw or self.initial.get("step") or self.instance.step
        try:
            return Step(int(raw))
        except (TypeError, ValueError):
            return None


class StepAttachmentInline(admin.TabularInline):
    """Minutes, sign-in sheets, photos of the notice board: images and PDFs, checked and
    stored under generated names (disclosures/uploads.py)."""

    model = Attachment
    form = AttachmentForm
    fk_name = "step"
    fields = ["title", "file", "summary"]
    extra = 1

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


@admin.register(MatterStep)
class MatterStepAdmin(VillageScopedAdminMixin, ReviewAdminMixin, admin.ModelAdmin):
    village_field = "matter__village"
    form = MatterStepForm
    list_display = [
        "matter",
        "village",
        "step",
        "date",
        "status",
        "published_at",
        "short_fingerprint",
    ]
    list_filter = ["status", "step"]
    list_select_related = ["matter__village"]
    search_fields = ["matter__title", "matter__village__name", "matter__village__code"]
    ordering = ["matter__village__code", "matter", "step"]
    fieldsets = [
        (None, {"fields": ["matter", "step", "date"]}),
        (
            _("Meeting"),
            {
                "fields": [
                    "body",
                    "meeting",
                    ("members_total", "present"),
                    ("votes_for", "votes_against", "abstaining"),
                ]
            },
        ),
        (None, {"fields": ["record"]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    ("created_by", "created_at"),
                    ("submitted_by", "submitted_at"),
                    ("published_by", "published_at"),
                    "fingerprint",
                ]
            },
        ),
    ]
    readonly_fields = REVIEW_FIELDS
    inlines = [StepAttachmentInline]
    actions = ["publish_selected"]

    def get_readonly_fields(self, request, obj=None):
        # A step stays with its matter.
        return [*self.readonly_fields, "matter"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "matter":
            kwargs["queryset"] = MajorMatter.objects.for_user(request.user).select_related(
                "village"
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = matter_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """?matter=<pk> (and ?step=<n>) from the matter's page; the next step by default."""
        initial = super().get_changeform_initial_data(request)
        if str(initial.get("matter", "")).isdigit() and not initial.get("step"):
            last = (
                MatterStep.objects.for_user(request.user)
                .filter(matter_id=initial["matter"])
                .order_by("-step")
                .values_list("step", flat=True)
                .first()
            )
            if (last or 0) < STEP_COUNT:
                initial["step"] = (last or 0) + 1
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("village"), ordering="matter__village__code")
    def village(self, step):
        return step.matter.village

    @admin.action(description=_("Publish the selected items"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        # Earlier steps first, whatever order the list is sorted in.
        return super().publish_selected(request, queryset.order_by("matter_id", "step"))
