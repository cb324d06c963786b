"""Money as villagers read it: yuan with two decimals, never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_yuan(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value):
    """6500 -> '6,500.00'; negative balances keep their sign: '-1,200.50'."""
    if value is None:
        return ""
    return f"{to_yuan(value):,.2f}"
