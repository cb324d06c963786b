"""Demo registers (三资) for seed_demo: 五庙村 and 闫家村.

Each village gets a dozen or more assets, its land and ponds, and contracts that show what
the registers are for: one whose latest rent never arrived (逾期未收), one past its end
date with the tenant still there, and one approved by a major matter that is linked.
Dates are relative to the day the demo is built, so the flags are the same whenever it
runs. `rent_lines` gives the finance lines that collect the rent, for the ledgers that
seed_demo builds after the registers; the overdue instalment simply has none.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from disclosures.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Contract,
    Payment,
    Resource,
    ResourceKind,
    Selection,
    add_months,
)
from disclosures.finance.models import Kind, LedgerEntry
from disclosures.matters.models import Body, MajorMatter, MatterStep, Step
from villages.roles import accountant_and_reviewer

WUMIAO, YANJIA = "371603201201", "371603102203"

# number, name, kind, location, acquired (years ago), original value, status
ASSETS = {
    WUMIAO: [
        (
            "ZC-001",
            "村委会办公楼",
            AssetKind.BUILDING,
            "村委会大院",
            14,
            "380000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-002",
            "村党群服务中心",
            AssetKind.BUILDING,
            "村委会大院东侧",
            6,
            "520000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-003",
            "原砖厂厂房",
            AssetKind.BUILDING,
            "村北砖厂旧址",
            28,
            "96000",
            AssetStatus.LEASED,
        ),
        (
            "ZC-004",
            "村卫生室",
            AssetKind.BUILDING,
            "村委会大院西侧",
            9,
            "160000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-005",
            "1号机井",
            AssetKind.INFRASTRUCTURE,
            "村东地头",
            12,
            "28000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-006",
            "2号机井",
            AssetKind.INFRASTRUCTURE,
            "村西地头",
            12,
            "28000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-007",
            "南北主干道（水泥路面1.2公里）",
            AssetKind.INFRASTRUCTURE,
            "村内南北主干道",
            0,
            "176800",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-008",
            "村内路灯（48盏）",
            AssetKind.INFRASTRUCTURE,
            "村内主要街道",
            5,
            "62400",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-009",
            "光伏电站（100千瓦）",
            AssetKind.EQUIPMENT,
            "村委会楼顶及车棚",
            4,
            "420000",
            AssetStatus.IN_USE,
        ),
        ("ZC-010", "东方红拖拉机", AssetKind.VEHICLE, "村委会车库", 19, "45000", AssetStatus.IDLE),
        ("ZC-011", "垃圾清运车", AssetKind.VEHICLE, "村委会车库", 3, "38000", AssetStatus.IN_USE),
        (
            "ZC-012",
            "健身器材（12件）",
            AssetKind.EQUIPMENT,
            "村委会广场",
            7,
            "18600",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-013",
            "扩音广播设备",
            AssetKind.EQUIPMENT,
            "村委会办公楼",
            8,
            "6800",
            AssetStatus.IN_USE,
        ),
    ],
    YANJIA: [
        (
            "ZC-001",
            "村委会办公室",
            AssetKind.BUILDING,
            "村中心大街北侧",
            16,
            "260000",
            AssetStatus.IN_USE,
        ),
        ("ZC-002", "原闫家小学校舍", AssetKind.BUILDING, "村南", 31, "120000", AssetStatus.LEASED),
        ("ZC-003", "集体仓库", AssetKind.BUILDING, "村东场院", 22, "54000", AssetStatus.IDLE),
        (
            "ZC-004",
            "扬水站",
            AssetKind.INFRASTRUCTURE,
            "村北干渠",
            15,
            "136000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-005",
            "1号机井",
            AssetKind.INFRASTRUCTURE,
            "村北地头",
            10,
            "26000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-006",
            "2号机井",
            AssetKind.INFRASTRUCTURE,
            "村南地头",
            10,
            "26000",
            AssetStatus.IN_USE,
        ),
        ("ZC-007", "3号机井", AssetKind.INFRASTRUCTURE, "村西地头", 4, "31000", AssetStatus.IN_USE),
        (
            "ZC-008",
            "田间生产路（2.6公里）",
            AssetKind.INFRASTRUCTURE,
            "村北、村东农田",
            6,
            "210000",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-009",
            "村内排水沟",
            AssetKind.INFRASTRUCTURE,
            "村内东西大街两侧",
            8,
            "74000",
            AssetStatus.IN_USE,
        ),
        ("ZC-010", "小型挖掘机", AssetKind.VEHICLE, "集体仓库", 5, "168000", AssetStatus.IN_USE),
        (
            "ZC-011",
            "办公电脑及打印机",
            AssetKind.EQUIPMENT,
            "村委会办公室",
            2,
            "9800",
            AssetStatus.IN_USE,
        ),
        (
            "ZC-012",
            "太阳能路灯（36盏）",
            AssetKind.INFRASTRUCTURE,
            "村内主要街道",
            3,
            "57600",
            AssetStatus.IN_USE,
        ),
    ],
}

# number, name, kind, area (mu), location, used now by
RESOURCES = {
    WUMIAO: [
        (
            "ZY-001",
            "村东集体耕地",
            ResourceKind.ARABLE,
            "480",
            "村东，东至沾利路，南至排水沟",
            "沾化区丰源种植专业合作社",
        ),
        ("ZY-002", "村南鱼塘", ResourceKind.POND, "35", "村南，原取土坑", "王海"),
        ("ZY-003", "村北坑塘", ResourceKind.POND, "12", "村北砖厂旧址南侧", "村集体（闲置）"),
        (
            "ZY-004",
            "村委会东侧集体建设用地",
            ResourceKind.CONSTRUCTION,
            "1.8",
            "村委会东侧",
            "村集体（拟建文化广场）",
        ),
        ("ZY-005", "西沟四荒地", ResourceKind.WASTELAND, "26", "村西排碱沟两侧", "村集体（闲置）"),
    ],
    YANJIA: [
        (
            "ZY-001",
            "村北集体耕地",
            ResourceKind.ARABLE,
            "200",
            "村北，北至干渠",
            "沾化区兴农家庭农场",
        ),
        ("ZY-002", "村东坑塘", ResourceKind.POND, "20", "村东场院东侧", "孙立平"),
        ("ZY-003", "护路林", ResourceKind.FOREST, "45", "村北干渠两侧", "村集体"),
        ("ZY-004", "村西机动地", ResourceKind.ARABLE, "18", "村西，原场院", "村集体"),
    ],
}

# The contracts. `start` and `end` are (months from this month, day); `unpaid_from` (in
# months from this month) leaves the instalments due from then on without a rent line.
CONTRACTS = {
    WUMIAO: [
        {
            "number": "HT-001",
            "resource": "ZY-001",
            "counterparty": "沾化区丰源种植专业合作社",
            "purpose": "种植小麦、玉米",
            "start": "march",  # 1 March six years ago, for fifteen years
            "years": 15,
            "rent": "192000",
            "payment": Payment.HALF_YEARLY,
            "selection": Selection.BIDDING,
            "matter": "村东480亩集体耕地公开发包",
            "description": "集体土地（480亩）年度承包费",
        },
        {
            "number": "HT-002",
            "resource": "ZY-002",
            "counterparty": "王海",
            "purpose": "水产养殖",
            "start": (-26, 1),
            "years": 5,
            "rent": "9000",
            "payment": Payment.ANNUAL,
            "selection": Selection.NEGOTIATION,
            "unpaid_from": -2,
            "description": "王海村南鱼塘承包费",
        },
        {
            "number": "HT-003",
            "asset": "ZC-003",
            "counterparty": "刘建军",
            "purpose": "存放农资",
            "start": (-100, 1),
            "end": (-4, 1),
            "rent": "6000",
            "payment": Payment.ANNUAL,
            "selection": Selection.NEGOTIATION,
            "description": "刘建军租用原砖厂厂房租金",
        },
    ],
    YANJIA: [
        {
            "number": "HT-001",
            "resource": "ZY-001",
            "counterparty": "沾化区兴农家庭农场",
            "purpose": "种植冬枣、小麦",
            "start": (-40, 1),
            "years": 10,
            "rent": "110000",
            "payment": Payment.ANNUAL,
            "selection": Selection.BIDDING,
            "matter": "村北200亩集体耕地公开发包",
            "description": "兴农家庭农场集体耕地承包费",
        },
        {
            "number": "HT-002",
            "resource": "ZY-002",
            "counterparty": "孙立平",
            "purpose": "水产养殖",
            "start": (-21, 1),
            "years": 5,
            "rent": "8000",
            "payment": Payment.QUARTERLY,
            "selection": Selection.NEGOTIATION,
            "unpaid_from": -3,
            "description": "孙立平村东坑塘承包费",
        },
        {
            "number": "HT-003",
            "asset": "ZC-002",
            "counterparty": "王立新",
            "purpose": "蔬菜分拣仓储",
            "start": (-90, 1),
            "end": (-6, 1),
            "rent": "5000",
            "payment": Payment.ANNUAL,
            "selection": Selection.NEGOTIATION,
            "description": "王立新租用原小学校舍租金",
        },
    ],
}


def this_month():
    return timezone.localdate().replace(day=1)


def contract_dates(spec):
    month = this_month()
    if spec["start"] == "march":
        start = datetime.date(month.year - 6, 3, 1)
    else:
        start = add_months(month, spec["start"][0]).replace(day=spec["start"][1])
    if "end" in spec:
        end = add_months(month, spec["end"][0]).replace(day=spec["end"][1])
    else:
        end = add_months(start, 12 * spec["years"])
    return start, end


def create_demo_registers(village):
    """The village's registers, published through review; nothing if it has any."""
    if village.code not in ASSETS or Asset.objects.filter(village=village).exists():
        return
    accountant, reviewer = accountant_and_reviewer(village)
    today = timezone.localdate()

    def publish(record, when):
        record.created_by = accountant
        record.full_clean()
        record.save()
        record.submit(accountant)
        record.publish(reviewer, when=timezone.make_aware(datetime.datetime.combine(when, TEN)))
        return record

    entered = today - datetime.timedelta(days=200)
    assets = {}
    for number, name, kind, location, years, value, state in ASSETS[village.code]:
        acquired = datetime.date(today.year - years, 4 + len(name) % 6, 10)
        assets[number] = publish(
            Asset(
                village=village,
                number=number,
                name=name,
                kind=kind,
                location=location,
                acquired_on=min(acquired, entered),
                original_value=Decimal(value),
                state=state,
            ),
            entered,
        )
    resources = {}
    for number, name, kind, area, location, occupant in RESOURCES[village.code]:
        resources[number] = publish(
            Resource(
                village=village,
                number=number,
                name=name,
                kind=kind,
                area_mu=Decimal(area),
                location=location,
                occupant=occupant,
            ),
            entered,
        )
    for spec in CONTRACTS[village.code]:
        start, end = contract_dates(spec)
        matter = None
        if "matter" in spec:
            matter = create_decision(village, spec, start, accountant, reviewer)
        publish(
            Contract(
                village=village,
                number=spec["number"],
                resource=resources.get(spec.get("resource")),
                asset=assets.get(spec.get("asset")),
                counterparty=spec["counterparty"],
                purpose=spec["purpose"],
                start_date=start,
                end_date=end,
                annual_rent=Decimal(spec["rent"]),
                payment=spec["payment"],
                selection=spec["selection"],
                approving_matter=matter,
            ),
            entered,
        )


TEN = datetime.time(10, 0)

# The four discussions and two disclosures of a lease, days before the contract starts.
DECISION_STEPS = [
    (Step.PROPOSAL, 70, Body.PARTY_BRANCH, "党支部委员会会议", 5, 5, None),
    (Step.COMMITTEES, 63, Body.TWO_COMMITTEES, "村两委联席会议", 9, 9, None),
    (Step.PARTY_MEMBERS, 56, Body.PARTY_MEMBERS, "党员大会", 30, 26, (24, 1, 1)),
    (Step.RESOLUTION, 49, Body.REPRESENTATIVES, "村民代表会议", 33, 28, (26, 1, 1)),
    (Step.RESOLUTION_DISCLOSED, 47, None, "", None, None, None),
    (Step.RESULT_DISCLOSED, 10, None, "", None, None, None),
]
DECISION_RECORDS = {
    Step.PROPOSAL: "党支部提议将{land}公开发包，底价每亩每年{floor}元，期限{years}年。",
    Step.COMMITTEES: "两委商议发包方式、底价和期限，同意通过公开招标确定承包方。",
    Step.PARTY_MEMBERS: "党员大会审议发包方案，表决通过。",
    Step.RESOLUTION: (
        "村民代表会议表决通过{land}公开发包方案：公开招标，期限{years}年，租金按合同支付。"
    ),
    Step.RESOLUTION_DISCLOSED: "决议和发包方案在村务公开栏公示7天，未收到异议。",
    Step.RESULT_DISCLOSED: "经公开招标，{who}中标，年租金{rent}元，合同已签订并在公开栏公示。",
}


def create_decision(village, spec, start, accountant, reviewer):
    """The major matter that approved the lease, its six steps published before it."""
    resource = RESOURCES[village.code][0]
    area = Decimal(resource[3])
    rent = Decimal(spec["rent"])
    matter = MajorMatter.objects.create(
        village=village,
        title=spec["matter"],
        purpose=f"{resource[1]}{resource[3]}亩对外发包，增加村集体收入。",
        budget=Decimal("0"),
    )
    words = {
        "land": f"{resource[1]}{resource[3]}亩",
        "floor": f"{(rent / area * Decimal('0.9')).quantize(Decimal('1'))}",
        "years": spec["years"],
        "who": spec["counterparty"],
        "rent": f"{rent:,.0f}",
    }
    for step, days, body, meeting, members, present, votes in DECISION_STEPS:
        votes_for, against, abstaining = votes or (None, None, None)
        record = MatterStep(
            matter=matter,
            step=step,
            date=start - datetime.timedelta(days=days),
            body=body or "",
            meeting=meeting,
            members_total=members,
            present=present,
            votes_for=votes_for,
            votes_against=against,
            abstaining=abstaining,
            record=DECISION_RECORDS[step].format(**words),
            created_by=accountant,
        )
        record.full_clean()
        record.save()
        record.submit(accountant)
        when = datetime.datetime.combine(record.date + datetime.timedelta(days=1), TEN)
        record.publish(reviewer, when=timezone.make_aware(when))
    return matter


def rent_lines(village, ledger, category):
    """The finance lines of `ledger`'s month that collect the village's demo contracts:
    each instalment due that month, paid within a fortnight, except those left unpaid."""
    lines = []
    specs = {spec["number"]: spec for spec in CONTRACTS.get(village.code, [])}
    contracts = Contract.objects.current().filter(village=village, number__in=specs)
    rng = random.Random(f"{village.code}-{ledger.year}-{ledger.month}")
    for contract in contracts.order_by("number"):
        spec = specs[contract.number]
        unpaid_from = spec.get("unpaid_from")
        cutoff = add_months(this_month(), unpaid_from) if unpaid_from is not None else None
        for instalment in contract.instalments():
            due = instalment.due
            if (due.year, due.month) != (ledger.year, ledger.month):
                continue
            if cutoff and due >= cutoff:
                continue
            lines.append(
                LedgerEntry(
                    ledger=ledger,
                    date=due + datetime.timedelta(days=rng.randint(0, 14)),
                    voucher_number=f"记{ledger.month:02d}-Z{len(lines) + 1:02d}",
                    description=spec["description"],
                    kind=Kind.INCOME,
                    category=category,
                    amount=instalment.amount,
                    handled_by="刘建国",
                    contract=contract,
                )
            )
    return lines
