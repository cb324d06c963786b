import io

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tests.villages.test_signs import page_count, page_text


def print_signs(*args):
    out = io.StringIO()
    call_command("print_signs", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(tmp_path):
    return tmp_path / "signs.pdf"


def test_it_prints_the_signs_of_one_township(output, wumiao, dongying, yanjia):
    out = print_signs("--township", "371603201", "--output", str(output))
    assert page_count(output) == 2
    assert "五庙村" in page_text(output, 1)
    assert "东营村" in page_text(output, 2)
    lines = out.splitlines()
    assert lines[0] == "371603201 利国乡: 2 villages"
    assert lines[-1].startswith(f"Wrote 2 signs (2 pages) to {output} in ")
    assert lines[-1].endswith(" s")


def test_it_prints_its_progress(output, monkeypatch, wumiao, dongying, yanjia):
    monkeypatch.setattr("villages.signs.SIGNS_PER_PART", 2)
    out = print_signs("--all", "-o", str(output))
    assert [line for line in out.splitlines() if "laid out" in line] == [
        "2/3 signs laid out",
        "3/3 signs laid out",
    ]
    assert page_count(output) == 3


def test_it_prints_every_township_in_code_order(output, wumiao, dongying, yanjia):
    out = print_signs("--all", "-o", str(output))
    assert out.splitlines()[:2] == ["371603102 黄升镇: 1 village", "371603201 利国乡: 2 villages"]
    assert "Wrote 3 signs (3 pages)" in out
    texts = [page_text(output, page) for page in (1, 2, 3)]
    assert ["闫家村" in texts[0], "五庙村" in texts[1], "东营村" in texts[2]] == [True] * 3


def test_it_prints_one_village(output, wumiao, dongying):
    out = print_signs("--village", "371603201202", "--output", str(output))
    assert page_count(output) == 1
    assert "东营村" in page_text(output, 1)
    assert "Wrote 1 sign (1 page)" in out


def test_it_lists_the_villages_when_verbose(output, settings, wumiao):
    settings.PUBLIC_BASE_URL = "https://cun.example.cn"
    out = print_signs("--township", "371603201", "-o", str(output), "-v", "2")
    assert "371603201201 五庙村  https://cun.example.cn/v/371603201201/" in out


def test_it_says_nothing_at_verbosity_0(output, wumiao):
    assert print_signs("--village", "371603201201", "-o", str(output), "-v", "0") == ""
    assert page_count(output) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--township", "371603999"], "No township has the code '371603999'"),
        (["--village", "371603201999"], "No village has the code '371603201999'"),
        (["--township", "371603103"], "Township 371603103 冯家镇 has no villages."),
        ([], "one of the arguments --township --village --all is required"),
        (["--all", "--village", "371603201201"], "not allowed with argument"),
    ],
)
def test_it_explains_what_it_cannot_print(output, wumiao, args, message):
    factories.make_township("371603103", "冯家镇")
    with pytest.raises(CommandError, match=message):
        print_signs(*args, "--output", str(output))
    assert not output.exists()


def test_it_refuses_an_empty_database(output, db):
    with pytest.raises(CommandError, match="There are no villages to print."):
        print_signs("--all", "--output", str(output))


def test_it_explains_an_unwritable_output(tmp_path, wumiao):
    with pytest.raises(CommandError, match="Cannot write"):
        print_signs("--all", "--output", str(tmp_path / "missing" / "signs.pdf"))
