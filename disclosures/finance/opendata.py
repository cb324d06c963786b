"""The JSON twins of a published month (/v/<code>/finance/<yyyy>-<mm>.json) and year
(/v/<code>/finance/<yyyy>.json): what their pages show, with the fingerprints of the
months and of their published corrections (docs/open-data.md, docs/open-data/schema.json)."""

from django.utils import translation

from common.qr import public_url
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


def year_document(village, year, report):
    """The year page's twin: each month's totals after its corrections, with its
    fingerprint, and the year's income and expense. `report`: finance.report.year_report."""
    base = village.get_absolute_url()
    months = []
    for row in report.months:
        period = f"{year:04d}-{row.number:02d}"
        published = row.month is not None
        months.append(
            {
                "period": period,
                "published": published,
                "url": public_url(f"{base}finance/{period}/") if published else None,
                "json": public_url(f"{base}finance/{period}.json") if published else None,
                "fingerprint": row.month.fingerprint if published else None,
                "corrected": row.corrected,
                "summary": summary_block(row.summary) if published else None,
            }
        )
    return document(
        "finance_year",
        village,
        f"{base}finance/{year:04d}/",
        year=year,
        income=money(report.income),
        expense=money(report.expense),
        months=months,
    )
