"""Capital Chinese numerals (大写金额), as a voucher or the notice board writes amounts."""

from decimal import Decimal

import pytest

from disclosures.money import capital_yuan


@pytest.mark.parametrize(
    "amount, capital",
    [
        # The examples of the standard financial writing.
        ("6500", "陆仟伍佰元整"),
        ("6500.00", "陆仟伍佰元整"),
        ("6500.50", "陆仟伍佰元伍角"),
        ("6500.05", "陆仟伍佰元零伍分"),
        ("6500.55", "陆仟伍佰元伍角伍分"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("24", "贰拾肆元整"),
        ("4295", "肆仟贰佰玖拾伍元整"),
        ("222801", "贰拾贰万贰仟捌佰零壹元整"),
        # 壹 is written before 拾, also at the start.
        ("10", "壹拾元整"),
        ("11", "壹拾壹元整"),
        ("1", "壹元整"),
        ("100000", "壹拾万元整"),
        ("110000", "壹拾壹万元整"),
        # Only jiao and fen: no 元, no 零 in front.
        ("0.5", "伍角"),
        ("0.50", "伍角"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        # Zeros in the middle: one 零 for a run of zeros, none for trailing zeros.
        ("1000.01", "壹仟元零壹分"),
        ("1001", "壹仟零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1100", "壹仟壹佰元整"),
        ("101", "壹佰零壹元整"),
        ("100", "壹佰元整"),
        ("1000.10", "壹仟元壹角"),
        ("2005.06", "贰仟零伍元零陆分"),
        # Around 万: zeros between the groups.
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10010", "壹万零壹拾元整"),
        ("10100", "壹万零壹佰元整"),
        ("11000", "壹万壹仟元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("100100.10", "壹拾万零壹佰元壹角"),
        ("101000", "壹拾万壹仟元整"),
        ("1001000", "壹佰万壹仟元整"),
        ("1000001", "壹佰万零壹元整"),
        ("10001000", "壹仟万壹仟元整"),
        ("10000100", "壹仟万零壹佰元整"),
        ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        # Around 亿: a group of zeros in between is read as a single 零.
        ("100000000", "壹亿元整"),
        ("100000001", "壹亿零壹元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("100010000", "壹亿零壹万元整"),
        ("101000000", "壹亿零壹佰万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1000000000", "壹拾亿元整"),
        ("120034005678", "壹仟贰佰亿叁仟肆佰万伍仟陆佰柒拾捌元整"),
        ("120003405678", "壹仟贰佰亿零叁佰肆拾万伍仟陆佰柒拾捌元整"),
        ("100000000.01", "壹亿元零壹分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1000000000000", "壹万亿元整"),
        # Negative amounts (a correction reversing part of a line).
        ("-6500", "负陆仟伍佰元整"),
        ("-0.05", "负伍分"),
        ("-100010.50", "负壹拾万零壹拾元伍角"),
    ],
)
def test_capital_yuan(amount, capital):
    assert capital_yuan(Decimal(amount)) == capital


def test_it_rounds_to_the_fen_first():
    assert capital_yuan(Decimal("6500.005")) == "陆仟伍佰元零壹分"
    assert capital_yuan(Decimal("0.004")) == "零元整"


def test_it_accepts_integers_and_strings():
    assert capital_yuan(6500) == "陆仟伍佰元整"
    assert capital_yuan("1000.01") == "壹仟元零壹分"
