"""The JSON twin of one disclosure's page (/v/<code>/d/<id>.json): its text, its files'
SHA-256 and its livelihood rows masked exactly as on the page (docs/open-data.md)."""

from common.qr import public_url
from disclosures.opendata import day, document, money, publication


def disclosure_document(disclosure, attachments, rows):
    """`rows`: affairs.public.masked_rows(disclosure), never the stored rows."""
    village = disclosure.village
    return document(
        "disclosure",
        village,
        f"{village.get_absolute_url()}d/{disclosure.pk}/",
        id=disclosure.pk,
        module=disclosure.item.module,
        item=disclosure.item.name,
        period_start=day(disclosure.period_start),
        title=disclosure.title,
        body=disclosure.body,
        attachments=[
            {"title": attachment.title, "sha256": attachment.sha256} for attachment in attachments
        ],
        rows=[
            {
                "name": row.name,
                "group": row.villager_group,
                "item": row.item,
                "amount": money(row.amount),
                "id_number": row.id_number,
                "phone": row.phone,
            }
            for row in rows
        ],
        **publication(disclosure),
    )


def module_document(village, module, sections):
    """A module's page: each catalog item with its published disclosures, newest first."""
    base = village.get_absolute_url()
    return document(
        "module",
        village,
        f"{base}m/{module}/",
        module=str(module),
        items=[
            {
                "item": item.name,
                "disclosures": [
                    {
                        "id": disclosure.pk,
                        "title": disclosure.title,
                        "period_start": day(disclosure.period_start),
                        "url": public_url(f"{base}d/{disclosure.pk}/"),
                        "json": public_url(f"{base}d/{disclosure.pk}.json"),
                        "published_at": disclosure.published_at.isoformat(),
                        "fingerprint": disclosure.fingerprint,
                    }
                    for disclosure in disclosures
                ],
            }
            for item, disclosures in sections
        ],
    )
