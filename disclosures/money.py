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


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_YI, _WAN = 10**8, 10**4


def _capital_below_10000(number):
    """1010 -> 壹仟零壹拾: one 零 for any run of zeros between two digits; none at the end."""
    text, zero_pending = "", False
    for power in (3, 2, 1, 0):
        digit = number // 10**power % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += _DIGITS[digit] + _SMALL_UNITS[power]
    return text


def _capital_integer(number):
    """A positive whole number in capitals: groups of four digits under 万 and 亿.

    A 零 stands for the zeros between two groups (壹拾万零壹拾, 壹亿零壹佰万) and 亿 is
    repeated for amounts of a 万亿 or more (壹万亿)."""
    for unit, name in ((_YI, "亿"), (_WAN, "万")):
        if number >= unit:
            high, low = divmod(number, unit)
            text = _capital_integer(high) + name
            if low:
                # Zeros between the groups: the lower group does not fill all its places.
                text += ("零" if low < unit // 10 else "") + _capital_integer(low)
            return text
    return _capital_below_10000(number)


def capital_yuan(value):
    """An amount in capital Chinese numerals (大写金额), as written on vouchers and cheques.

    6500 -> 陆仟伍佰元整, 6500.50 -> 陆仟伍佰元伍角, 6500.05 -> 陆仟伍佰元零伍分,
    100010 -> 壹拾万零壹拾元整, 0.5 -> 伍角, a negative amount starts with 负.
    Rounded to the fen (cent) first; 整 closes an amount without fen.
    """
    amount = to_yuan(value)
    sign = "负" if amount < 0 else ""
    cents = int(abs(amount) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if not cents:
        return "零元整"
    text = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "" if jiao else "整"
    return sign + text
