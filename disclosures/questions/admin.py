"""Villagers' questions in the admin: village staff answer, township staff moderate.

Who asked (name, phone) and the tracking code are shown to township staff only: the
fields, the list columns and the search are built per user, so a village's accountant or
reviewer cannot see them, search by them or sort by them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, Value
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.paging import LongListAdminMixin, year_filter
from disclosures.questions.models import (
    Answer,
    Question,
    QuestionEvent,
    QuestionStatus,
    is_township_staff,
    normalize_tracking_code,
)
from villages.models import Township, Village

PUBLIC_FIELDS = ["village", "text", "subject_link", "page", "received_at", "due_on", "status"]
PRIVATE_FIELDS = ["asker_name", "asker_phone", "unmasked_text", "tracking_code"]
HISTORY_FIELDS = ["first_answered_at", "escalated_at", "escalation_reason", "not_resolved_at"]
HISTORY_FIELDS += ["closed_at", "hidden_at", "hidden_reason"]


def sees_askers(request):
    """Township staff (of any township) and superusers; per question checked again."""
    return request.user.is_superuser or request.user.townships.exists()


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("hidden")), ("no", _("shown"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "cols": 80})}


class AnswerInline(admin.StackedInline):
    """Earlier answers read-only; one empty form to add an answer (public at once)."""

    model = Answer
    form = AnswerForm
    extra = 1
    fields = ["text"]
    can_delete = False
    verbose_name = _("answer (published at once, permanent)")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status != QuestionStatus.CLOSED
            and request.user.has_perm("disclosures.answer_question")
        )


@admin.register(Question)
class QuestionAdmin(LongListAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/disclosures/question/change_form.html"
    inlines = [AnswerInline]
    list_filter = [
        "status",
        OverdueFilter,
        HiddenFilter,
        year_filter("received_at", _("received in")),
        "village__township",
    ]
    list_select_related = ["village"]
    ordering = ["-received_at"]

    search_fields = ["text"]

    def get_queryset(self, request):
        user = request.user
        if user.is_superuser:
            asker_visible = Value(True)
        else:
            asker_visible = Exists(
                Township.staff.through.objects.filter(
                    township_id=OuterRef("village__township_id"), user_id=user.pk
                )
            )
        questions = super().get_queryset(request).for_user(user).select_related("village")
        return questions.annotate(asker_visible=asker_visible)

    def lookup_allowed(self, lookup, value, request=None):
        # The admin lets a URL filter on any field of the model (?asker_phone__startswith=1):
        # enough to guess a phone number digit by digit from the result counts.
        if lookup.split("__")[0] in PRIVATE_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_display(self, request):
        columns = ["__str__", "received_at", "village", "short_text", "status", "due_on"]
        columns += ["overdue", "is_hidden"]
        if sees_askers(request):
            columns += ["asker_name_shown", "asker_phone_shown"]
        return columns

    def get_search_results(self, request, queryset, search_term):
        """Search the text; township staff also find their own township's questions by
        the asker's name, phone or tracking code."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and sees_askers(request):
            results |= queryset.filter(asker_visible=True).filter(
                Q(asker_name__icontains=term)
                | Q(asker_phone__icontains=term)
                | Q(tracking_code=normalize_tracking_code(term))
            )
        return results, may_have_duplicates

    def get_fields(self, request, obj=None):
        fields = list(PUBLIC_FIELDS)
        if obj is not None and is_township_staff(request.user, obj.village):
            fields += PRIVATE_FIELDS
        return fields + HISTORY_FIELDS

    def get_readonly_fields(self, request, obj=None):
        # Nothing of a question is edited here: it changes only by its steps.
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False  # Questions come from villagers, through the public form.

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # "Change" means answering: the question's own fields are read-only.
        return request.user.has_perm("disclosures.answer_question")

    @admin.display(description=_("question"))
    def short_text(self, question):
        return question.text if len(question.text) <= 40 else question.text[:40] + "…"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, question):
        return question.is_overdue()

    @admin.display(description=_("hidden"), boolean=True)
    def is_hidden(self, question):
        return question.is_hidden

    @admin.display(description=_("name"))
    def asker_name_shown(self, question):
        return question.asker_name if question.asker_visible else "—"

    @admin.display(description=_("phone number"))
    def asker_phone_shown(self, question):
        return question.asker_phone if question.asker_visible else "—"

    @admin.display(description=_("about"))
    def subject_link(self, question):
        subject = question.subject
        return str(subject) if subject else "—"

    def save_model(self, request, obj, form, change):
        pass  # The question's fields are read-only; answers are saved below.

    def save_formset(self, request, form, formset, change):
        """New answers go through Question.answer (status, first answer, log)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for answer_form in formset.forms:
            if answer_form.has_changed() and not answer_form.instance.pk:
                try:
                    answer = form.instance.answer(request.user, answer_form.cleaned_data["text"])
                except ValidationError as error:
                    self.message_user(request, error.messages[0], messages.ERROR)
                else:
                    formset.new_objects.append(answer)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    # Moderation: hide, show again, close. Township staff only.

    def get_urls(self):
        return [
            path(
                "<int:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="disclosures_question_moderate",
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if question is not None:
            moderator = is_township_staff(request.user, question.village)
            extra_context.update(
                question=question,
                moderator=moderator,
                # The history, moderation included, is for township staff.
                question_events=question.events.select_related("user") if moderator else (),
                moderate_url=reverse("admin:disclosures_question_moderate", args=[question.pk]),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, object_id):
        if request.method != "POST":
            raise PermissionDenied
        question = get_object_or_404(self.get_queryset(request), pk=object_id)
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        steps = {
            "hide": lambda: question.hide(request.user, reason),
            "show": lambda: question.show(request.user, reason),
            "close": lambda: question.close(request.user, reason),
            "erase_contact": lambda: question.erase_contact(request.user),
        }
        if action not in steps:
            raise PermissionDenied
        try:
            steps[action]()
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, _("Done."), messages.SUCCESS)
        return redirect("admin:disclosures_question_change", question.pk)


@admin.register(QuestionEvent)
class QuestionEventAdmin(admin.ModelAdmin):
    """The moderation log: what was hidden, shown again or closed, by whom and why.
    For township staff; village staff have no permission to view it."""

    list_display = ["at", "question", "village", "action", "user", "note"]
    # By year, not a date hierarchy (whose first level reads every event for its years).
    list_filter = ["action", year_filter("at", _("year"))]
    list_select_related = ["question__village", "user"]

    def get_queryset(self, request):
        villages = Village.objects.for_user(request.user)
        if not request.user.is_superuser:
            villages = villages.filter(township__staff=request.user)
        return super().get_queryset(request).filter(question__village__in=villages)

    @admin.display(description=_("village"))
    def village(self, event):
        return event.question.village

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
