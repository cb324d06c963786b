"""The village's quarterly sunshine reports (阳光述职), as villagers see them.

/v/<code>/sunshine/ lists the published quarters, newest first, and each cadre's
evaluations quarter by quarter; /v/<code>/sunshine/<yyyy>-q<n>/ shows one meeting: who
attended, what each cadre reported, was asked and was given to do, how the meeting rated
them, and how the tasks of earlier meetings went. Scores are shown as counted, one village
at a time: nothing is ranked.
"""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from disclosures.affairs.models import Cadre
from disclosures.caching import public_village, public_village_page
from disclosures.opendata import json_response
from disclosures.sunshine.models import CadreEvaluation
from disclosures.sunshine.opendata import report_document, reports_document


@dataclass
class CadreHistory:
    cadre: Cadre
    evaluations: list = field(default_factory=list)


@dataclass
class CadreSection:
    """One cadre at one meeting: 述 and 评 (the evaluation), 问 and 定."""

    cadre: Cadre
    evaluation: CadreEvaluation | None = None
    questions: list = field(default_factory=list)
    tasks: list = field(default_factory=list)


def _in_cadre_order(by_cadre):
    return sorted(by_cadre.values(), key=lambda item: (item.cadre.position, item.cadre.pk))


def cadre_histories(village):
    """Each cadre evaluated in a published report, with their evaluations newest quarter
    first. One query."""
    evaluations = (
        CadreEvaluation.objects.published()
        .filter(report__village=village)
        .select_related("cadre", "report")
        .order_by("-report__year", "-report__quarter")
    )
    by_cadre = {}
    for evaluation in evaluations:
        history = by_cadre.setdefault(evaluation.cadre_id, CadreHistory(evaluation.cadre))
        history.evaluations.append(evaluation)
    return _in_cadre_order(by_cadre)


def report_sections(report):
    """The report's rows grouped by cadre, in the cadres' order. Three queries."""
    by_cadre = {}

    def section(row):
        return by_cadre.setdefault(row.cadre_id, CadreSection(row.cadre))

    for evaluation in report.evaluations.select_related("cadre"):
        section(evaluation).evaluation = evaluation
    for question in report.questions.select_related("cadre"):
        section(question).questions.append(question)
    for task in report.tasks.select_related("cadre"):
        section(task).tasks.append(task)
    return _in_cadre_order(by_cadre)


@public_village_page
def sunshine(request, village):
    """Three queries however many quarters: the village, its published reports, the
    evaluations in them."""
    context = {
        "village": village,
        "reports": list(village.sunshine_reports.published().order_by("-year", "-quarter")),
        "histories": cadre_histories(village),
    }
    return render(request, "disclosures/sunshine/list.html", context)


def report_context(village, year, quarter):
    """Five queries: the report, its evaluations, questions, tasks, and the follow-ups
    of earlier tasks."""
    report = get_object_or_404(village.sunshine_reports.published(), year=year, quarter=quarter)
    report.village = village
    return {
        "village": village,
        "report": report,
        "sections": report_sections(report),
        "follow_ups": list(report.follow_ups.select_related("task__cadre", "task__report")),
    }


@public_village_page
def sunshine_report(request, village, year, quarter):
    """Six queries however many cadres, questions and tasks: the village and
    report_context's five."""
    context = report_context(village, year, quarter)
    return render(request, "disclosures/sunshine/report.html", context)


@require_safe
def sunshine_json(request, code):
    """The sunshine page's JSON twin: the village and its published reports."""
    village = public_village(code)
    reports = village.sunshine_reports.published().order_by("-year", "-quarter")
    return json_response(reports_document(village, reports))


@require_safe
def sunshine_report_json(request, code, year, quarter):
    village = public_village(code)
    context = report_context(village, year, quarter)
    return json_response(
        report_document(village, context["report"], context["sections"], context["follow_ups"])
    )
