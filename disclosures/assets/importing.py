"""Import a village's existing registers of assets, resources and contracts (三资) from
spreadsheets: one file per register, read and checked row by row with the ledger's
machinery (disclosures/importing.py). Every record becomes a draft of version 1, which
is submitted and reviewed like one entered by hand; one bad row and nothing is imported.

A contract names its asset or resource by its register number (already published), and
a major matter (the approving one, or the one that decided an asset's disposal) by its
title, among the village's matters whose resolution is published.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from disclosures.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Contract,
    Payment,
    Resource,
    ResourceKind,
    Selection,
)
from disclosures.importing import EXAMPLE, Spec, choice_words, parse_sheet, template_workbook
from disclosures.matters.models import MajorMatter
from villages.models import Village

NUMBER = ("number", "编号", ["register number", "台账编号", "资产编号", "资源编号", "合同编号"])
NOTES = ("notes", "备注", ["notes", "说明"])

ASSET_KINDS = {
    AssetKind.BUILDING: "房屋建筑物",
    AssetKind.EQUIPMENT: "机器设备",
    AssetKind.INFRASTRUCTURE: "基础设施",
    AssetKind.VEHICLE: "车辆",
    AssetKind.OTHER: "其他资产",
}
ASSET_STATES = {
    AssetStatus.IN_USE: "自用",
    AssetStatus.LEASED: "出租",
    AssetStatus.IDLE: "闲置",
    AssetStatus.DISPOSED: "已处置",
}
RESOURCE_KINDS = {
    ResourceKind.ARABLE: "耕地",
    ResourceKind.POND: "坑塘水面",
    ResourceKind.FOREST: "林地",
    ResourceKind.GRASSLAND: "草地",
    ResourceKind.WASTELAND: "四荒地",
    ResourceKind.CONSTRUCTION: "集体建设用地",
    ResourceKind.OTHER: "其他资源",
}
PAYMENTS = {
    Payment.ANNUAL: "每年一付",
    Payment.HALF_YEARLY: "半年一付",
    Payment.QUARTERLY: "每季一付",
    Payment.ONCE: "一次付清",
}
SELECTIONS = {
    Selection.BIDDING: "公开招标",
    Selection.NEGOTIATION: "协商",
    Selection.OTHER: "其他",
}


class Register:
    """One register's importer: its model, its columns and how a row becomes a record."""

    model = None
    spec = None
    example = {}

    def __init__(self, village):
        self.village = village

    def lists(self):
        return []

    def load(self):
        """What every row is checked against, loaded once for the whole file."""
        self.taken = set(
            self.model.objects.filter(village=self.village).values_list("number", flat=True)
        )
        self.matters = {}
        for matter in MajorMatter.objects.resolved().filter(village=self.village):
            self.matters.setdefault(matter.title, []).append(matter)

    def parse(self, content):
        """Check every row of the file; write nothing."""
        self.load()
        result = parse_sheet(content, self.spec, self.check)
        seen = {}
        for row in result.rows:
            number = row.record.number
            if not number:
                continue
            if number in seen:
                row.errors.append(
                    _("Number %(number)s is also used in row %(row)d.")
                    % {"number": number, "row": seen[number]}
                )
            elif number in self.taken:
                row.errors.append(
                    _("Number %(number)s is already in the register.") % {"number": number}
                )
            seen.setdefault(number, row.number)
        return result

    def check(self, row):
        record = self.model(village=self.village, number=row.required("number"))
        record.notes = row.text("notes")
        self.fill(record, row)
        row.model_errors(record, exclude=["village"])
        return row.result(record)

    def matter(self, row, name):
        title = row.text(name)
        if not title:
            return None
        found = self.matters.get(title, [])
        if len(found) != 1:
            row.problem(
                name,
                _(
                    "%(column)s: no single major matter of the village titled “%(title)s” "
                    "has its resolution published."
                )
                % {"column": self.spec.headers[name], "title": title},
            )
            return None
        return found[0]

    def import_records(self, user, content):
        """Parse again and create every record as a draft, or none."""
        with transaction.atomic():
            # Lock the village: two imports into one register cannot interleave.
            Village.objects.select_for_update().get(pk=self.village.pk)
            result = self.parse(content)
            if result.is_valid:
                for record in result.records:
                    record.created_by = user
                    record.save()
                    record.record_edit(user, _("Imported from a spreadsheet."))
        return result

    def template(self):
        return template_workbook(self.spec, {**self.example, "number": EXAMPLE}, self.lists())


class AssetRegister(Register):
    model = Asset
    spec = Spec(
        [
            NUMBER,
            ("name", "名称", ["name", "资产名称"]),
            ("kind", "类别", ["kind", "资产类别", "类型"]),
            ("location", "位置", ["location", "坐落", "存放地点"]),
            ("acquired_on", "取得日期", ["acquired on", "购建日期", "购置日期"]),
            ("original_value", "原值", ["original value", "原值（元）", "账面原值"]),
            ("state", "状态", ["status", "state", "使用状态"]),
            ("disposed_on", "处置日期", ["disposed on"]),
            ("disposal_matter", "处置决策事项", ["disposal matter", "处置依据"]),
            NOTES,
        ],
        ["number", "name", "kind", "location", "acquired_on", "original_value", "state"],
        code_columns={"number"},
        example_column="number",
        key_columns=("number", "name"),
    )
    example = {
        "name": "村委会办公楼",
        "kind": ASSET_KINDS[AssetKind.BUILDING],
        "location": "村委会大院",
        "acquired_on": "2012-06-01",
        "original_value": "380000.00",
        "state": ASSET_STATES[AssetStatus.IN_USE],
    }
    kinds = choice_words(AssetKind, ASSET_KINDS)
    states = choice_words(AssetStatus, ASSET_STATES, {"在用": AssetStatus.IN_USE})

    def lists(self):
        return [("类别", self.kinds.labels), ("状态", self.states.labels)]

    def fill(self, asset, row):
        asset.name = row.required("name")
        asset.kind = row.choice("kind", self.kinds)
        asset.location = row.required("location")
        asset.acquired_on = row.date("acquired_on", "2012-06-01")
        asset.original_value = row.amount("original_value")
        asset.state = row.choice("state", self.states)
        asset.disposed_on = row.date("disposed_on", "2024-05-01", required=False)
        asset.disposal_matter = self.matter(row, "disposal_matter")


class ResourceRegister(Register):
    model = Resource
    spec = Spec(
        [
            NUMBER,
            ("name", "名称", ["name", "资源名称"]),
            ("kind", "类别", ["kind", "资源类别", "类型", "地类"]),
            ("area_mu", "面积（亩）", ["area", "area (mu)", "面积", "亩数"]),
            ("location", "坐落", ["location", "位置", "四至"]),
            ("occupant", "现使用人", ["used by", "使用人", "承包人"]),
            NOTES,
        ],
        ["number", "name", "kind", "area_mu", "location"],
        code_columns={"number"},
        example_column="number",
        key_columns=("number", "name"),
    )
    example = {
        "name": "村东机动地",
        "kind": RESOURCE_KINDS[ResourceKind.ARABLE],
        "area_mu": "50.00",
        "location": "村东，南至排水沟",
        "occupant": "李建国",
    }
    kinds = choice_words(ResourceKind, RESOURCE_KINDS, {"水面": ResourceKind.POND})

    def lists(self):
        return [("类别", self.kinds.labels)]

    def fill(self, resource, row):
        resource.name = row.required("name")
        resource.kind = row.choice("kind", self.kinds)
        resource.area_mu = self.area(row)
        resource.location = row.required("location")
        resource.occupant = row.text("occupant")

    def area(self, row):
        text = row.required("area_mu")
        if not text:
            return None
        try:
            area = Decimal(text.removesuffix("亩").strip().replace(",", ""))
        except InvalidOperation:
            area = None
        if area is None or not area.is_finite() or area != area.quantize(Decimal("0.01")):
            row.problem(
                "area_mu",
                _("The area “%(value)s” is not a number of mu with at most two decimals.")
                % {"value": text},
            )
            return None
        return area


class ContractRegister(Register):
    model = Contract
    spec = Spec(
        [
            NUMBER,
            ("counterparty", "承包方", ["counterparty", "承租方", "承包人", "乙方"]),
            ("subject", "标的编号", ["subject", "资产或资源编号", "资源编号", "资产编号"]),
            ("purpose", "用途", ["purpose", "承包用途"]),
            ("start_date", "起始日期", ["start date", "开始日期", "起租日期"]),
            ("end_date", "终止日期", ["end date", "结束日期", "到期日期"]),
            ("annual_rent", "年租金", ["annual rent", "年租金（元）", "每年租金"]),
            ("payment", "付款方式", ["payment", "付款周期"]),
            ("selection", "选定方式", ["selection", "发包方式"]),
            ("approving_matter", "批准的重大事项", ["approving matter", "决策事项"]),
            ("returned_on", "收回日期", ["returned on"]),
            NOTES,
        ],
        [
            "number",
            "counterparty",
            "subject",
            "purpose",
            "start_date",
            "end_date",
            "annual_rent",
            "payment",
            "selection",
        ],
        code_columns={"number", "subject"},
        example_column="number",
        key_columns=("number", "counterparty"),
    )
    example = {
        "counterparty": "李建国",
        "subject": "ZY-001",
        "purpose": "种植小麦玉米",
        "start_date": "2024-03-01",
        "end_date": "2029-03-01",
        "annual_rent": "30000.00",
        "payment": PAYMENTS[Payment.ANNUAL],
        "selection": SELECTIONS[Selection.BIDDING],
    }
    payments = choice_words(Payment, PAYMENTS, {"每年": Payment.ANNUAL, "年付": Payment.ANNUAL})
    selections = choice_words(Selection, SELECTIONS, {"招标": Selection.BIDDING})

    def lists(self):
        return [("付款方式", self.payments.labels), ("选定方式", self.selections.labels)]

    def load(self):
        super().load()
        self.subjects = {}
        for model in (Asset, Resource):
            for record in model.objects.current().filter(village=self.village):
                self.subjects.setdefault(record.number, []).append(record)

    def fill(self, contract, row):
        contract.counterparty = row.required("counterparty")
        number = row.required("subject")
        if number:
            found = self.subjects.get(number, [])
            if len(found) != 1:
                row.problem(
                    "subject",
                    _(
                        "标的编号: “%(number)s” is not the number of one published asset or "
                        "resource of the village."
                    )
                    % {"number": number},
                )
            elif isinstance(found[0], Asset):
                contract.asset = found[0]
            else:
                contract.resource = found[0]
        contract.purpose = row.required("purpose")
        contract.start_date = row.date("start_date", "2024-03-01")
        contract.end_date = row.date("end_date", "2029-03-01")
        contract.annual_rent = row.amount("annual_rent")
        contract.payment = row.choice("payment", self.payments)
        contract.selection = row.choice("selection", self.selections)
        contract.approving_matter = self.matter(row, "approving_matter")
        contract.returned_on = row.date("returned_on", "2025-03-01", required=False)
        if "subject" in row.broken:
            row.broken.update({"asset", "resource"})


REGISTERS = {
    register.model: register for register in (AssetRegister, ResourceRegister, ContractRegister)
}
