import itertools

import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disclosures.finance.models import Kind, LedgerEntry
from disclosures.money import format_yuan

_ADJUSTS = {
    (Kind.INCOME, True): _("adds income"),
    (Kind.INCOME, False): _("reduces income"),
    (Kind.EXPENSE, True): _("adds expense"),
    (Kind.EXPENSE, False): _("reduces expense"),
}


# The orders a month's table offers (?sort=…), as its pages declare them to the cache.
LEDGER_SORTS = {"sort": ("date", "-date", "amount", "-amount")}


ADJUSTMENT_CLASS = mark_safe(' class="adjustment"')


def _css_class(name):
    return {"th": {"class": name}, "td": {"class": name}}


class LedgerEntryTable(tables.Table):
    """A month's entries for villagers: four columns so it fits a 360px phone; the
    voucher, category, funding source and signatures go on a small line under the text.

    Sortable by date and by amount through plain links (?sort=amount, ?sort=-amount,
    ?sort=date): give it a list and it sorts the list, without a query. Pass
    orderable=False for a table that must keep its order (a correction's entries).
    Entries keep their number in the ledger (`row_number`, set by finance.month_report)
    whatever the order; adjusting entries of a correction are marked 更正."""

    number = tables.Column(
        verbose_name=_("No."), empty_values=(), orderable=False, attrs=_css_class("number")
    )
    # A plain Column with render_date: DateColumn compiles a template for every cell.
    date = tables.Column(
        verbose_name=_("Date"), attrs=_css_class("date"), order_by=("date", "voucher_number")
    )
    description = tables.Column(
        verbose_name=_("Description"), orderable=False, attrs=_css_class("description")
    )
    amount = tables.Column(
        verbose_name=_("Amount (yuan)"),
        attrs=_css_class("amount"),
        order_by=("amount", "date", "voucher_number"),
    )

    class Meta:
        model = LedgerEntry
        fields = ("number", "date", "description", "amount")
        order_by_field = "sort"
        template_name = "disclosures/finance/includes/_ledger_table.html"
        attrs = {"class": "ledger"}
        # The template writes each row's id (the entry's anchor) and class itself.
        empty_text = _("No entries this month.")

    def __init__(self, *args, village_code=None, flagged_ids=(), asked_ids=(), **kwargs):
        """village_code: to link receipt photos and the question form; flagged_ids:
        expenses lacking a decision record (finance.MonthReport.flagged_ids); asked_ids:
        entries with public questions, listed under the table."""
        super().__init__(*args, **kwargs)
        self.row_numbers = itertools.count(1)
        self.village_code = village_code
        self.flagged_ids = flagged_ids
        self.asked_ids = asked_ids

    def html_rows(self):
        """Every row as HTML, in the table's order, built here in one pass: through
        django-tables2's bound rows and cells the rows cost most of the month page's
        rendering. The columns, headers and sorting stay django-tables2's."""
        return [self._row(record) for record in self.data]

    def _row(self, record):
        return format_html(
            '<tr id="{}"{}><td class="number">{}</td><td class="date">{}</td>'
            '<td class="description">{}</td><td class="amount">{}</td></tr>',
            record.anchor,
            ADJUSTMENT_CLASS if record.correction_id else "",
            self.render_number(record),
            self.render_date(record.date),
            self.render_description(record),
            self.render_amount(record),
        )

    @cached_property
    def _text(self):
        """The words every row repeats, translated once per table."""
        return {
            "ask": gettext("Ask about this line"),
            "see": gettext("See questions"),
            "correction": format_html('<strong class="badge">{}</strong> ', gettext("Correction")),
            "flag": format_html(
                '<span class="decision-flag" role="note">{}</span>',
                gettext(
                    "This expense reaches the major-matter threshold but has no published "
                    "decision record"
                ),
            ),
            "adjusts": {key: str(label) for key, label in _ADJUSTS.items()},
        }

    def render_number(self, record):
        number = getattr(record, "row_number", None) or next(self.row_numbers)
        return format_html('<a href="#{}">{}</a>', record.anchor, number)

    def render_date(self, value):
        return f"{value:%m-%d}"

    def render_description(self, record):
        details = [
            record.category.full_name,
            gettext("voucher %(number)s") % {"number": record.voucher_number},
            record.get_funding_source_display(),
        ]
        if record.handled_by:
            details.append(gettext("handled by %(name)s") % {"name": record.handled_by})
        if record.approved_by:
            details.append(gettext("approved by %(name)s") % {"name": record.approved_by})
        badge = ""
        if record.correction_id:
            details.insert(0, self._text["adjusts"][record.kind, record.amount > 0])
            badge = self._text["correction"]
        return format_html(
            '{}{}<span class="meta">{}</span>{}{}{}{}',
            badge,
            record.description,
            " · ".join(map(str, details)),
            self._matter(record),
            self._decision_flag(record),
            self._receipts(record),
            self._ask(record),
        )

    def _ask(self, record):
        """ "Ask about this line", and a link to the questions already asked about it."""
        if not self.village_code:
            return ""
        ask = format_html(
            '<a class="ask" href="/v/{}/ask/?entry={}" rel="nofollow">{}</a>',
            self.village_code,
            record.pk,
            self._text["ask"],
        )
        if record.pk in self.asked_ids:
            ask = format_html(
                '{} · <a class="ask" href="#questions">{}</a>', ask, self._text["see"]
            )
        return format_html('<span class="meta">{}</span>', ask)

    def _matter(self, record):
        """The major matter whose published resolution approved this line (四议两公开).
        Finance reaches the matter through the line's foreign key, never by import."""
        if not (self.village_code and getattr(record, "matter_resolved", False)):
            return ""
        return format_html(
            '<span class="meta matter-link"><a href="{}">{}</a></span>',
            reverse("disclosures:matter", args=[self.village_code, record.major_matter_id]),
            gettext("Approved by the major matter: %(title)s")
            % {"title": record.major_matter.title},
        )

    def _decision_flag(self, record):
        if record.pk not in self.flagged_ids:
            return ""
        return self._text["flag"]

    def _receipts(self, record):
        """Thumbnails of the receipt photos, built here rather than by a template per row.
        The entries come with their photos prefetched (finance.month_report)."""
        photos = record.photos.all() if self.village_code else ()
        if not photos:
            return ""
        links = format_html_join(
            "",
            '<a href="{}"><img src="{}" alt="{}" loading="lazy" height="48"></a>',
            (
                (
                    reverse("disclosures:receipt_photo", args=[self.village_code, photo.token]),
                    reverse("disclosures:receipt_thumbnail", args=[self.village_code, photo.token]),
                    gettext("Receipt photo %(number)d of voucher %(voucher)s")
                    % {"number": number, "voucher": record.voucher_number},
                )
                for number, photo in enumerate(photos, start=1)
            ),
        )
        return format_html('<span class="receipts">{}</span>', links)

    def render_amount(self, record):
        """+ money in, − money out. A negative adjusting line (红字冲销) reverses part of
        an income or expense, so its effect on the balance has the other sign."""
        if record.amount < 0:
            if record.kind == Kind.INCOME:
                return format_html('<span class="expense">−{}</span>', format_yuan(-record.amount))
            return format_html('<span class="income">+{}</span>', format_yuan(-record.amount))
        if record.kind == Kind.INCOME:
            return format_html('<span class="income">+{}</span>', format_yuan(record.amount))
        return format_html('<span class="expense">−{}</span>', format_yuan(record.amount))
