"""The JSON twin of a major matter's page (/v/<code>/matters/<id>.json): the matter, its
published steps with their fingerprints and files' SHA-256, and the published finance
lines that pay for it (docs/open-data.md)."""

from common.qr import public_url
from disclosures.opendata import day, document, money, publication


def matter_document(village, matter, steps, entries):
    return document(
        "matter",
        village,
        f"{village.get_absolute_url()}matters/{matter.pk}/",
        id=matter.pk,
        title=matter.title,
        purpose=matter.purpose,
        budget=money(matter.budget),
        steps=[
            {
                "step": step.step,
                "date": day(step.date),
                "body": step.body,
                "meeting": step.meeting,
                "members_total": step.members_total,
                "present": step.present,
                "votes_for": step.votes_for,
                "votes_against": step.votes_against,
                "abstaining": step.abstaining,
                "record": step.record,
                "attachments": [
                    {"title": attachment.title, "sha256": attachment.sha256}
                    for attachment in step.attachments.all()
                ],
                **publication(step),
            }
            for step in steps
        ],
        entries=[
            {
                "id": entry.pk,
                "url": public_url(entry.public_url),
                "date": day(entry.date),
                "voucher": entry.voucher_number,
                "description": entry.description,
                "kind": entry.kind,
                "amount": money(entry.amount),
            }
            for entry in entries
        ],
    )


def matters_document(village, matters):
    """The matters page: every public matter with its spending and where it stands."""
    base = village.get_absolute_url()
    return document(
        "matters",
        village,
        f"{base}matters/",
        matters=[
            {
                "id": matter.pk,
                "title": matter.title,
                "budget": money(matter.budget),
                "spent": money(matter.spent),
                "step": matter.current_step.step,
                "url": public_url(f"{base}matters/{matter.pk}/"),
                "json": public_url(f"{base}matters/{matter.pk}.json"),
            }
            for matter in matters
        ],
    )
