"""What a reviewer needs in view before publishing a month: its totals, the change from
the month before, and the lines that need attention.

Flags (each names its line):
- a large expense (the township's major-matter threshold) without a resolved major matter;
- an expense at or above the large-expense threshold without an approver;
- an expense at or above the large-expense threshold without a receipt photo;
- an opening balance that is not the previous month's closing balance.
Three queries: the lines with their photos, and the month before with its lines.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from disclosures.finance.models import Kind, LedgerMonth
from disclosures.finance.report import resolved_matter_ids, unlinked_large_expenses


@dataclass
class Flag:
    text: str
    entry: object = None


@dataclass
class MonthReview:
    month: LedgerMonth
    entries: list
    previous: LedgerMonth | None
    flags: list = field(default_factory=list)

    @cached_property
    def summary(self):
        return self.month.summarize(self.entries)

    @cached_property
    def previous_summary(self):
        return self.previous.summarize() if self.previous else None

    @property
    def income_change(self):
        previous = self.previous_summary
        return self.summary.income - previous.income if previous else None

    @property
    def expense_change(self):
        previous = self.previous_summary
        return self.summary.expense - previous.expense if previous else None


def previous_month(month):
    return (
        LedgerMonth.objects.filter(village_id=month.village_id)
        .filter_before(month.year, month.month)
        .order_by("-year", "-month")
        .first()
    )


def month_review(month):
    entries = list(
        month.original_entries()
        .with_matter_resolution()
        .select_related("category__parent")
        .prefetch_related("photos")
    )
    review = MonthReview(month=month, entries=entries, previous=previous_month(month))
    township = month.village.township
    for entry in unlinked_large_expenses(entries, township, resolved_matter_ids(entries)):
        review.flags.append(
            Flag(_("Large expense without a published decision (四议两公开)"), entry)
        )
    for entry in entries:
        large = entry.kind == Kind.EXPENSE and entry.amount >= township.large_expense_threshold
        if large and not entry.approved_by.strip():
            review.flags.append(Flag(_("No approver named"), entry))
        if large and not entry.photos.all():
            review.flags.append(Flag(_("No receipt photo"), entry))
    if review.previous is not None:
        closing = review.previous_summary.closing
        if closing != month.opening_balance:
            review.flags.append(
                Flag(
                    _("The opening balance %(opening)s is not last month's closing %(closing)s")
                    % {"opening": f"{month.opening_balance:,.2f}", "closing": f"{closing:,.2f}"}
                )
            )
    return review
