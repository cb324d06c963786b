"""The demo's power lists: the district template, one 利国乡 item and one 五庙村 item.

Called by seed_demo; running it twice changes nothing.
"""

from django.core.management import call_command

from disclosures.powers.models import ListKind, PowerItem, PowerStep
from villages.models import Township, Village

TOWNSHIP_ITEM = {
    "number": 39,
    "name": "冬枣产业扶持资金申报",
    "category": "产业发展",
    "legal_basis": "《中华人民共和国农业法》；《中华人民共和国乡村振兴促进法》",
    "responsible": "村民委员会主任",
    "risk_points": "虚报种植面积、冒领扶持资金\n优亲厚友、只报村干部亲属\n扶持资金截留或抵扣",
    "disclosure": "申报户、面积和扶持金额\n审定结果",
    "steps": [
        ("种植户", "向村民委员会提出申请，提供种植面积和品种改良情况", "每年3月底前"),
        ("村民委员会", "实地核实面积，在村内张榜公示", "公示不少于5日"),
        ("利国乡农业综合服务中心", "抽查复核，汇总报乡人民政府审定", "10个工作日内"),
        ("利国乡人民政府", "审定后通过“一卡通”发放到户", "审定后15日内"),
    ],
}

VILLAGE_ITEM = {
    "number": 40,
    "name": "村集体光伏电站收益分配",
    "category": "集体三资",
    "legal_basis": (
        "《中华人民共和国农村集体经济组织法》；《中华人民共和国村民委员会组织法》第二十四条"
    ),
    "responsible": "五庙村党支部书记（村集体经济组织负责人）",
    "risk_points": "收益不入账、坐收坐支\n分配方案不经村民代表会议决定\n受益名单不公示",
    "disclosure": "年度发电收益\n分配方案和受益名单",
    "steps": [
        ("村集体经济组织", "以供电公司电费结算单为据，核算光伏电站年度收益", "每年1月"),
        (
            "村“两委”联席会议",
            "提出收益分配使用方案：公益岗位、困难户帮扶和村内公益事业",
            "核算后10日内",
        ),
        ("村民代表会议", "表决通过分配方案", "方案提出后15日内"),
        ("村务监督委员会", "监督发放，公示受益名单", "公示不少于7日"),
        ("村报账员", "收益全额入账，按方案支出并纳入月度财务公开", "每月"),
    ],
}


def _local_item(owner, row):
    fields = {key: value for key, value in row.items() if key not in ("number", "steps")}
    item, created = PowerItem.objects.get_or_create(
        **owner, kind=ListKind.POSITIVE, number=row["number"], defaults=fields
    )
    if created:
        PowerStep.objects.bulk_create(
            PowerStep(item=item, order=order, actor=actor, action=action, time_limit=limit)
            for order, (actor, action, limit) in enumerate(row["steps"], start=1)
        )
    return item


def create_demo_power_lists():
    call_command("load_power_list", district="371603", verbosity=0)
    _local_item({"township": Township.objects.get(code="371603201")}, TOWNSHIP_ITEM)
    _local_item({"village": Village.objects.get(code="371603201201")}, VILLAGE_ITEM)
