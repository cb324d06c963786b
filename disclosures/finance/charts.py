"""Simple bar charts drawn on the server as inline SVG: no JavaScript, no chart library.

Made for a 360px phone: the drawing is about as wide as the phone's content column
(WIDTH user units, scaled with width:100%): on a 360px phone the column is about 310px,
so 14-unit text shows at about 17.5px, the portal's smallest type. Every bar
carries its amount as text, income and expense differ by fill pattern and by sign, not
by colour alone, and each chart has role="img" with a <title> and a <desc>. Every piece
of text goes through format_html, so it is escaped.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.dates import MONTHS_AP
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from disclosures.money import to_yuan

WIDTH = 246
FONT_SIZE = 14
LABEL_WIDTH = 54  # month names: 十二月, March, Sept.
NUMBER_WIDTH = 84  # room after the longest bar for "−12,345,679"
BAR_HEIGHT = 15
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#4a4a4a"
INCOME_COLOUR = "#2e7d32"
EXPENSE_COLOUR = "#9b1818"


def whole_yuan(value):
    """Charts round to the yuan: 6500.40 -> '6,500'. The tables give the exact figures."""
    return f"{to_yuan(value).quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


def signed(value, sign):
    """+96,000 for income, −16,300 for expense; a negative total (after a correction
    reversed more than was booked) keeps its own minus sign instead."""
    return whole_yuan(value) if value < 0 else f"{sign}{whole_yuan(value)}"


def _bar_width(value, scale, room):
    if not scale or value <= 0:
        return 0
    return round(float(value / scale) * room, 1)


def _defs(chart_id):
    """Income: solid. Expense: diagonal stripes. Told apart without colour."""
    return format_html(
        "<defs>"
        '<pattern id="{id}-stripes" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#f4c7c3"/>'
        '<rect width="3" height="6" fill="{expense}"/>'
        "</pattern>"
        "</defs>",
        id=chart_id,
        expense=EXPENSE_COLOUR,
    )


def _fill(chart_id, kind):
    return INCOME_COLOUR if kind == "income" else f"url(#{chart_id}-stripes)"


def _svg(chart_id, height, title, description, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        ' width="100%" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' font-size="{font}" fill="{text}">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description}</desc>'
        "{body}</svg>",
        width=WIDTH,
        height=height,
        id=chart_id,
        font=FONT_SIZE,
        text=TEXT_COLOUR,
        title=title,
        description=description,
        body=body,
    )


LEGEND_LINE = 20


def _legend(chart_id):
    """A swatch and words for each of the two series, one per line."""
    items = [("income", _("Income: solid bar, +")), ("expense", _("Expense: striped bar, −"))]
    return format_html_join(
        "",
        '<rect x="0" y="{}" width="14" height="14" fill="{}" stroke="{}"/>'
        '<text x="20" y="{}">{}</text>',
        (
            (
                index * LEGEND_LINE,
                _fill(chart_id, kind),
                TEXT_COLOUR,
                index * LEGEND_LINE + 12,
                label,
            )
            for index, (kind, label) in enumerate(items)
        ),
    )


def month_bars(months, *, title, description, chart_id="months"):
    """Income beside expense for each month, as pairs of horizontal bars.

    months: [(label, income, expense)], income and expense None for a month not
    published."""
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    values = [v for _label, income, expense in months for v in (income, expense) if v]
    scale = max(values, default=0)
    group = 2 * BAR_HEIGHT + 4 + 12
    short_group = FONT_SIZE + 12  # a month not published: one line of text
    parts = [_defs(chart_id), _legend(chart_id)]
    top = 2 * LEGEND_LINE + 8
    for label, income, expense in months:
        if income is None:
            parts.append(
                format_html(
                    '<text x="0" y="{y}" font-weight="bold">{}</text>'
                    '<text x="{}" y="{y}" fill="{}">{}</text>',
                    label,
                    LABEL_WIDTH,
                    MUTED_COLOUR,
                    _("not published"),
                    y=top + FONT_SIZE,
                )
            )
            top += short_group
            continue
        parts.append(
            format_html(
                '<text x="0" y="{}" font-weight="bold">{}</text>', top + BAR_HEIGHT + 4, label
            )
        )
        for offset, kind, value, sign in (
            (0, "income", income, "+"),
            (BAR_HEIGHT + 4, "expense", expense, "−"),
        ):
            y = top + offset
            width = _bar_width(value, scale, room)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}">{}</text>',
                    LABEL_WIDTH,
                    y,
                    width,
                    BAR_HEIGHT,
                    _fill(chart_id, kind),
                    LABEL_WIDTH + width + 4,
                    y + BAR_HEIGHT - 3,
                    signed(value, sign),
                )
            )
        top += group
    return _svg(chart_id, top, title, description, mark_safe("".join(parts)))


def category_bars(rows, *, title, description, kind="expense", chart_id="categories"):
    """One bar per category, largest first: the name and share on a line above the bar,
    the amount at its end.

    rows: [(name, amount, share percent or None)]."""
    room = WIDTH - NUMBER_WIDTH
    scale = max((amount for _name, amount, _share in rows), default=0)
    line = FONT_SIZE + 4
    group = line + BAR_HEIGHT + 12
    parts = [_defs(chart_id)]
    sign = "+" if kind == "income" else "−"
    for index, (name, amount, share) in enumerate(rows):
        top = index * group
        label = f"{name} · {share}%" if share is not None else name
        width = _bar_width(amount, scale, room)
        parts.append(
            format_html(
                '<text x="0" y="{}">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}">{}</text>',
                top + FONT_SIZE,
                label,
                top + line,
                width,
                BAR_HEIGHT,
                _fill(chart_id, kind),
                width + 4,
                top + line + BAR_HEIGHT - 3,
                signed(amount, sign),
            )
        )
    height = max(len(rows) * group, group)
    if not rows:
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}">{}</text>', FONT_SIZE, MUTED_COLOUR, _("None")
            )
        )
    return _svg(chart_id, height, title, description, mark_safe("".join(parts)))


def year_charts(report):
    """The year page's two charts, from a finance.YearReport."""
    year = report.year
    months = [
        (
            MONTHS_AP[row.number],
            row.summary.income if row.summary else None,
            row.summary.expense if row.summary else None,
        )
        for row in report.months
    ]
    by_month = month_bars(
        months,
        title=_("Income and expense of each month of %(year)s") % {"year": year},
        description=_(
            "For each month two bars: income (solid, +) above expense (striped, −), "
            "with the amount in yuan written after each bar. In all, income %(income)s yuan "
            "and expense %(expense)s yuan over %(count)s published months."
        )
        % {
            "income": whole_yuan(report.income),
            "expense": whole_yuan(report.expense),
            "count": len(report.published_months),
        },
        chart_id=f"months-{year}",
    )
    expense = report.breakdown[1]
    by_category = category_bars(
        [(row.category.display_name, row.total, row.share) for row in expense.rows],
        title=_("Expense of %(year)s by category") % {"year": year},
        description=_(
            "One bar per category, largest first, with its share of all expense and its "
            "amount in yuan. In all, %(expense)s yuan."
        )
        % {"expense": whole_yuan(expense.total)},
        chart_id=f"categories-{year}",
    )
    return {"month_chart": by_month, "category_chart": by_category}
