"""The JSON twin of one sunshine report's page (/v/<code>/sunshine/<year>-q<n>.json):
attendance, each cadre's report and votes, the questions put, the tasks given and the
follow-ups of earlier ones (docs/open-data.md)."""

from common.qr import public_url
from disclosures.opendata import day, document, publication


def report_document(village, report, sections, follow_ups):
    return document(
        "sunshine_report",
        village,
        report.get_absolute_url(),
        year=report.year,
        quarter=report.quarter,
        meeting_date=day(report.meeting_date),
        attendance={
            "party_members": report.party_members,
            "two_committees": report.two_committees,
            "supervision_committee": report.supervision_committee,
            "villager_representatives": report.villager_representatives,
        },
        notes=report.notes,
        cadres=[
            {
                "name": section.cadre.name,
                "post": section.cadre.post,
                "reported": section.evaluation.reported if section.evaluation else None,
                "votes": {
                    "satisfied": section.evaluation.satisfied,
                    "basically_satisfied": section.evaluation.basically_satisfied,
                    "dissatisfied": section.evaluation.dissatisfied,
                }
                if section.evaluation
                else None,
                "questions": [
                    {"question": question.question, "answer": question.answer}
                    for question in section.questions
                ],
                "tasks": [
                    {"task": task.task, "owner": task.owner, "deadline": day(task.deadline)}
                    for task in section.tasks
                ],
            }
            for section in sections
        ],
        follow_ups=[
            {
                "task": follow_up.task.task,
                "given": follow_up.task.report.period_label,
                "outcome": follow_up.outcome,
                "note": follow_up.note,
            }
            for follow_up in follow_ups
        ],
        **publication(report),
    )


def reports_document(village, reports):
    """The sunshine page: every published quarter's report."""
    base = village.get_absolute_url()
    return document(
        "sunshine",
        village,
        f"{base}sunshine/",
        reports=[
            {
                "year": report.year,
                "quarter": report.quarter,
                "meeting_date": day(report.meeting_date),
                "url": public_url(f"{base}sunshine/{report.year}-q{report.quarter}/"),
                "json": public_url(f"{base}sunshine/{report.year}-q{report.quarter}.json"),
                **publication(report),
            }
            for report in reports
        ],
    )
