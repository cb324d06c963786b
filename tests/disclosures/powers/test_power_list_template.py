"""The district's template of the small and micro power lists and `load_power_list`."""

import io

import pytest
from django.core.management import CommandError, call_command

from disclosures.powers import list_template as template
from disclosures.powers.demo import create_demo_power_lists
from disclosures.powers.models import DisciplineArea, ListKind, PowerItem, PowerStep
from villages.models import District

SEED_POWERS = [
    "集体资产租赁",
    "小型工程项目招标",
    "印章使用",
    "低保",
    "宅基地",
    "出具证明",
    "用工",
    "集体土地发包",
    "资金支出审批",
    "补贴发放",
    "发展党员",
    "临时救助",
    "物资采购",
    "资产处置",
]


def load(*args):
    out = io.StringIO()
    call_command("load_power_list", "--district", "371603", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def district(liguo):
    return District.objects.get(code="371603")


def test_it_has_38_positive_and_30_negative_items():
    assert [row["number"] for row in template.POSITIVE] == list(range(1, 39))
    assert [row["number"] for row in template.NEGATIVE] == list(range(1, 31))


def test_it_marks_8_party_and_9_village_disciplinary_matters():
    areas = [row["discipline"] for row in template.POSITIVE]
    assert areas.count(DisciplineArea.PARTY) == 8
    assert areas.count(DisciplineArea.VILLAGE) == 9
    assert set(areas) == {DisciplineArea.PARTY, DisciplineArea.VILLAGE, DisciplineArea.NONE}


def test_every_positive_item_has_steps_a_legal_basis_and_risk_points():
    for row in template.POSITIVE:
        assert 3 <= len(row["steps"]) <= 6, row["name"]
        assert all(actor and action and limit for actor, action, limit in row["steps"]), row
        assert "《" in row["legal_basis"], row["name"]
        assert row["responsible"], row["name"]
        assert row["risk_points"] and all(row["risk_points"]), row["name"]
        assert row["disclosure"] and all(row["disclosure"]), row["name"]


def test_every_negative_item_states_the_act_and_its_consequence():
    for row in template.NEGATIVE:
        assert row["act"].startswith("严禁"), row
        assert row["consequence"], row


def test_it_covers_the_powers_the_seed_names():
    names = " ".join(row["name"] for row in template.POSITIVE)
    assert [power for power in SEED_POWERS if power not in names] == []


def test_it_loads_the_template_for_the_district(district):
    output = load()

    assert "38 positive, 30 negative; 68 created, 0 updated, 0 unchanged." in output
    items = PowerItem.objects.filter(district=district)
    assert items.filter(kind=ListKind.POSITIVE).count() == 38
    assert items.filter(kind=ListKind.NEGATIVE).count() == 30
    assert items.filter(discipline=DisciplineArea.PARTY).count() == 8
    assert items.filter(discipline=DisciplineArea.VILLAGE).count() == 9
    leasing = items.get(name="村集体资产租赁")
    assert leasing.discipline == DisciplineArea.VILLAGE
    assert list(leasing.steps.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert leasing.risk_points.splitlines()[0] == "暗箱操作、内定承租人"


def test_the_loaded_items_pass_model_validation(district):
    # SQLite does not enforce max_length; full_clean does.
    load()
    for item in PowerItem.objects.filter(district=district).prefetch_related("steps"):
        item.full_clean()
        for step in item.steps.all():
            step.full_clean()


def test_loading_twice_changes_nothing(district):
    load()
    before = {item.pk: str(item) for item in PowerItem.objects.all()}
    steps = list(PowerStep.objects.values_list("pk", "order", "actor"))

    output = load()

    assert "0 created, 0 updated, 68 unchanged." in output
    assert {item.pk: str(item) for item in PowerItem.objects.all()} == before
    assert list(PowerStep.objects.values_list("pk", "order", "actor")) == steps


def test_loading_again_restores_what_was_edited(district):
    load()
    item = PowerItem.objects.get(district=district, kind=ListKind.POSITIVE, number=34)
    item.name = "改过的名称"
    item.save()
    item.steps.filter(order=1).update(actor="别人")

    output = load()

    assert "0 created, 1 updated, 67 unchanged." in output
    item.refresh_from_db()
    assert item.name == "村级印章使用"
    assert item.steps.get(order=1).actor == "用章人"
    assert item.steps.count() == 4


def test_it_leaves_township_and_village_items_alone(district, liguo, wumiao):
    create_demo_power_lists()
    local = set(PowerItem.objects.exclude(district=district).values_list("pk", "name"))
    assert len(local) == 2

    load()

    assert set(PowerItem.objects.exclude(district=district).values_list("pk", "name")) == local


def test_a_dry_run_writes_nothing(district, wumiao):
    version = wumiao.public_version

    output = load("--dry-run")

    assert output.startswith("Dry run, nothing written")
    assert "68 created" in output
    assert not PowerItem.objects.exists()
    assert not PowerStep.objects.exists()
    wumiao.refresh_from_db()
    assert wumiao.public_version == version


def test_a_dry_run_reports_changes_without_making_them(district):
    load()
    PowerItem.objects.filter(number=1, kind=ListKind.NEGATIVE).update(name="改过")

    assert "1 updated, 67 unchanged" in load("--dry-run")
    assert PowerItem.objects.get(number=1, kind=ListKind.NEGATIVE).name == "改过"


def test_it_refuses_an_unknown_district(db):
    with pytest.raises(CommandError, match="No district with code 371603"):
        load()


def test_it_has_a_help_line(capsys):
    with pytest.raises(SystemExit):
        call_command("load_power_list", "--help")
    assert "Load the template power lists" in capsys.readouterr().out


def test_the_demo_adds_a_township_item_and_a_village_item(liguo, wumiao, dongying, yanjia):
    create_demo_power_lists()
    create_demo_power_lists()  # twice: nothing more

    def positive_names(village):
        return [i.name for i in PowerItem.objects.for_village(village) if i.kind == "positive"]

    assert len(positive_names(wumiao)) == 40
    assert "村集体光伏电站收益分配" in positive_names(wumiao)
    assert "冬枣产业扶持资金申报" in positive_names(dongying)
    assert "村集体光伏电站收益分配" not in positive_names(dongying)
    assert len(positive_names(yanjia)) == 38
