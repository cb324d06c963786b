"""码上问 for villagers: the form, the tracking page, the village's questions page.

The form and the tracking page are not cached (they carry a CSRF token and one person's
question); the village's questions page is, like every public page, until the village's
public version changes, which every step of a question does.
"""

import hashlib
import hmac
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from common.clients import client_address
from common.text import clean_text as clean_typed
from disclosures.caching import public_village, public_village_page
from disclosures.finance.models import LedgerEntry
from disclosures.questions.models import (
    QUESTION_MAX_LENGTH,
    Question,
    QuestionRecord,
    normalize_tracking_code,
    public_questions,
)
from disclosures.questions.rate_limit import use_hourly_allowance

QUESTIONS_PER_PAGE = 30


PHONE = re.compile(r"^[0-9][0-9 -]{5,18}[0-9]$")


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        min_length=5,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown in public with the answer. Up to 500 characters. Phone, identity card "
            "and bank card numbers in it are shown masked, like 139****5678."
        ),
        error_messages={
            "required": _("Write your question."),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _(
                "Keep it to at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=30,
        required=False,
        error_messages={"max_length": _("At most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        max_length=20,
        required=False,
        error_messages={"invalid": _("A phone number: digits only, such as 13812345678.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # The honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_text(self):
        return clean_typed(self.cleaned_data["text"], multiline=True).strip()

    def clean_name(self):
        return clean_typed(self.cleaned_data["name"]).strip()

    def clean_phone(self):
        phone = clean_typed(self.cleaned_data["phone"], code=True).strip()  # １３８… too
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(self.fields["phone"].error_messages["invalid"])
        return phone

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("This form was filled in by a program. Leave the last field empty.")
            )
        return ""


def _subject(request, village):
    """What the question is about, from ?entry=, ?matter= or ?disclosure=: only published
    things of this village. None for a question about the village or a page."""
    source = request.POST if request.method == "POST" else request.GET
    lookups = {
        "entry": lambda pk: (
            LedgerEntry.objects.published()
            .filter(ledger__village=village)
            .select_related("ledger")
            .get(pk=pk)
        ),
        "matter": lambda pk: village.major_matters.public().get(pk=pk),
        "disclosure": lambda pk: village.disclosures.published().get(pk=pk),
    }
    for name, lookup in lookups.items():
        value = source.get(name)
        if value:
            try:
                return name, lookup(int(value))
            except (ValueError, ObjectDoesNotExist):
                raise Http404("Nothing of this village to ask about.") from None
    return None, None


def _page(request, village):
    """The public page the villager asked from, if it is one of this village's."""
    source = request.POST if request.method == "POST" else request.GET
    page = source.get("page", "")[:200]
    return page if page.startswith(village.get_absolute_url()) else ""


def _client_key(request):
    """A keyed hash of the client's address: enough to count, not to identify."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _ask_page(request, village, about, form, *, status=200, refused=""):
    """The form; `about` is (subject name, subject) from _subject, or (None, None)."""
    subject_name, subject = about
    context = {
        "village": village,
        "form": form,
        "subject_name": subject_name,
        "subject": subject,
        "page": _page(request, village),
        "refused": refused,
    }
    return render(request, "disclosures/questions/ask.html", context, status=status)


@never_cache
@sensitive_post_parameters("name", "phone")
@require_http_methods(["GET", "POST"])
def ask(request, code):
    village = public_village(code)
    try:
        about, about_gone = _subject(request, village), False
    except Http404:
        if request.method == "GET":
            raise  # A link to something not public.
        # Gone while the villager was typing: say so below, and keep the text.
        about, about_gone = (None, None), True
    if request.method == "GET":
        return _ask_page(request, village, about, QuestionForm())
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _ask_page(request, village, about, form, status=400)
    if about_gone:
        refused = _(
            "What you asked about is not (or no longer) public. Press Send again to ask the "
            "village without it; what you wrote is kept."
        )
        return _ask_page(request, village, about, form, status=400, refused=refused)
    now = timezone.now()
    if not use_hourly_allowance(_client_key(request), now, settings.QUESTIONS_PER_HOUR):
        refused = _(
            "You have sent %(count)d questions in the last hour, as many as we take from one "
            "phone. Please send this one later; what you wrote is kept below."
        ) % {"count": settings.QUESTIONS_PER_HOUR}
        return _ask_page(request, village, about, form, status=429, refused=refused)
    question = Question.receive(
        village,
        form.cleaned_data["text"],
        name=form.cleaned_data["name"],
        phone=form.cleaned_data["phone"],
        subject=about[1],
        page=_page(request, village),
        now=now,
    )
    return redirect(reverse("disclosures:tracking", args=[question.tracking_code]) + "?sent=1")


def csrf_failure(request, reason=""):
    """A question sent from a page left open too long fails the CSRF check: show the form
    again with what was typed, rather than an error page that loses it."""
    match = request.resolver_match
    if match is None or match.view_name != "disclosures:ask":
        return django_csrf_failure(request, reason)
    village = public_village(match.kwargs["code"])
    try:
        about = _subject(request, village)
    except Http404:
        about = (None, None)
    refused = _("The page had been open for a long time. Check your question and send it again.")
    form = QuestionForm(request.POST)
    return _ask_page(request, village, about, form, status=403, refused=refused)


@never_cache
def track(request):
    """/q/?code=…: the box on the questions page where a villager types their code."""
    code = normalize_tracking_code(request.GET.get("code", ""))
    if code and Question.objects.filter(tracking_code=code).exists():
        return redirect("disclosures:tracking", tracking_code=code)
    return render(
        request,
        "disclosures/questions/track.html",
        {"typed": request.GET.get("code", ""), "not_found": bool(code)},
        status=404 if code else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def tracking(request, tracking_code):
    """The asker's own page: the question, its answers, and, once, 'not resolved'."""
    question = get_object_or_404(
        Question.objects.select_related("village__township__district").prefetch_related("answers"),
        tracking_code=normalize_tracking_code(tracking_code),
    )
    if request.method == "POST":
        if request.POST.get("action") == "not_resolved" and question.can_say_not_resolved():
            question.say_not_resolved()
            return redirect(request.path + "?escalated=1")
        return redirect(request.path)
    context = {
        "village": question.village,
        "question": question,
        "sent": "sent" in request.GET,
        "escalated": "escalated" in request.GET,
    }
    response = render(request, "disclosures/questions/tracking.html", context)
    # The address holds the asker's code: keep it out of search engines and out of the
    # Referer sent to other sites. Not "no-referrer": that makes browsers post the
    # escalation button with "Origin: null", which the CSRF check refuses.
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def _page_number(value):
    return value.isascii() and value.isdigit() and len(value) <= 4


@public_village_page(query={"page": _page_number})
def village_questions(request, village):
    """Every question of the village with its answers, newest first, 30 a page; the
    village's record at the top. Five queries: the village, the record, the count, the
    page of questions, their answers."""
    paginator = Paginator(public_questions(village.questions.all()), QUESTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "village": village,
        "record": QuestionRecord.for_village(village),
        "page_obj": page,
        "questions": page.object_list,
    }
    return render(request, "disclosures/questions/list.html", context)
