import pytest

from common.text import clean_text, has_nul


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("村内环境整治费用", "村内环境整治费用"),
        ("电费\x07\x1b[0m", "电费[0m"),  # C0 controls (a bell, an escape)
        ("收款\x85人", "收款 人"),  # NEL, a C1 control that is a line break
        ("收款\x80\x9f人", "收款人"),  # C1 controls
        ("金额\u202e00,6\u202c", "金额00,6"),  # a right-to-left override
        ("a\u2066b\u2069c\u200fd\u061c", "abcd"),  # isolates and marks
        ("零\u200b宽\ufeff", "零宽"),  # zero-width space, byte order mark
        ("👨\u200d👩", "👨\u200d👩"),  # the zero-width joiner of an emoji stays
        ("一行\r\n两行\t三", "一行 两行 三"),  # one-line fields get spaces
        ("a\x00b", "ab"),  # the last line of defence against PostgreSQL
    ],
)
def test_clean_text_of_a_one_line_field(typed, stored):
    assert clean_text(typed) == stored


def test_a_text_field_keeps_its_lines():
    assert clean_text("第一行\r\n第二行\r第三行\u2028第四行\x0c", multiline=True) == (
        "第一行\n第二行\n第三行\n第四行"
    )


def test_full_width_ascii_becomes_plain_in_codes_only():
    assert clean_text("记０７－００１　Ａ", code=True) == "记07-001 A"
    assert clean_text("记０７－００１") == "记０７－００１"
    assert clean_text("（备注）", code=True) == "(备注)"


def test_none_and_nul():
    assert clean_text(None) is None
    assert has_nul("a\x00") and not has_nul("a") and not has_nul(None)
