"""The JSON twin of a published month (/v/<code>/finance/<yyyy>-<mm>.json): what the
month page shows, with the fingerprints of the month and of its published corrections
(docs/open-data.md, docs/open-data/finance-month.schema.json)."""

from django.utils import translation

from disclosures.finance.report import month_report
from disclosures.opendata import day, document, money, publication


def summary_block(summary):
    return {
        "opening": money(summary.opening),
        "income": money(summary.income),
        "expense": money(summary.expense),
        "closing": money(summary.closing),
    }


def entry_block(entry):
    return {
        "id": entry.pk,
        "date": day(entry.date),
        "voucher": entry.voucher_number,
        "description": entry.description,
        "kind": entry.kind,
        "category": entry.category.full_name,
        "amount": money(entry.amount),
        "funding_source": entry.funding_source,
        "handled_by": entry.handled_by,
        "approved_by": entry.approved_by,
        "major_matter": entry.major_matter.title if entry.major_matter_id else None,
        "contract": entry.contract.number if entry.contract_id else None,
    }


def month_document(month):
    """Two queries (month_report): the entries, with those of published corrections,
    their categories, matters and contracts, and their receipt photos. Load the month's
    village with its places."""
    report = month_report(month, related=("major_matter", "contract"))
    village = month.village
    # Category names in their official (Chinese) form, as in the fingerprints and files.
    with translation.override(None):
        entries = [entry_block(entry) for entry in report.entries]
        corrections = [
            {
                "reason": item.correction.reason,
                **publication(item.correction),
                "entries": [entry_block(entry) for entry in item.entries],
            }
            for item in report.corrections
        ]
    return document(
        "finance_month",
        village,
        f"{village.get_absolute_url()}finance/{month.period_slug}/",
        period=month.period_slug,
        **publication(month),
        summary=summary_block(report.summary),
        corrected_summary=summary_block(report.corrected_summary),
        entries=entries,
        corrections=corrections,
    )
