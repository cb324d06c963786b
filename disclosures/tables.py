import itertools

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosures.models import Kind, LedgerEntry
from disclosures.money import format_yuan


def _css_class(name):
    return {"th": {"class": name}, "td": {"class": name}}


class LedgerEntryTable(tables.Table):
    """A month's entries for villagers: four columns so it fits a 360px phone; the
    voucher, category, funding source and signatures go on a small line under the text."""

    number = tables.Column(
        verbose_name=_("No."), empty_values=(), orderable=False, attrs=_css_class("number")
    )
    # A plain Column with render_date: DateColumn compiles a template for every cell.
    date = tables.Column(verbose_name=_("Date"), attrs=_css_class("date"))
    description = tables.Column(verbose_name=_("Description"), attrs=_css_class("description"))
    amount = tables.Column(verbose_name=_("Amount (yuan)"), attrs=_css_class("amount"))

    class Meta:
        model = LedgerEntry
        fields = ("number", "date", "description", "amount")
        orderable = False
        attrs = {"class": "ledger"}
        row_attrs = {"id": lambda record: record.anchor}
        empty_text = _("No entries this month.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_numbers = itertools.count(1)

    def render_number(self, record):
        return format_html('<a href="#{}">{}</a>', record.anchor, next(self.row_numbers))

    def render_date(self, value):
        return f"{value:%m-%d}"

    def render_description(self, record):
        details = [
            record.category.full_name,
            _("voucher %(number)s") % {"number": record.voucher_number},
            record.get_funding_source_display(),
        ]
        if record.handled_by:
            details.append(_("handled by %(name)s") % {"name": record.handled_by})
        if record.approved_by:
            details.append(_("approved by %(name)s") % {"name": record.approved_by})
        return format_html(
            '{}<span class="meta">{}</span>', record.description, " · ".join(map(str, details))
        )

    def render_amount(self, record):
        if record.kind == Kind.INCOME:
            return format_html('<span class="income">+{}</span>', format_yuan(record.amount))
        return format_html('<span class="expense">−{}</span>', format_yuan(record.amount))
