"""Seed the standard village affairs catalog (村级事务目录) every township follows.

Each item: its supervision module, what must be disclosed, the legal basis, how often and
by when. Periodic items are due by `deadline_day` of the first month after the period
(monthly items by the 10th of the next month, quarterly ones by the 20th of the first
month of the next quarter, yearly ones by the end of January); items disclosed when they
happen are due within `deadline_day` days. Townships add their own items in the admin.

The Organic Law of Villagers' Committees (art. 30) sets the floor: ordinary affairs at
least once a quarter, finance every month where transactions are many, major matters
touching villagers' interests as they happen.
"""

from django.db import migrations

ORGANIC_LAW = "《中华人民共和国村民委员会组织法》"
FINANCE_RULES = "《农村集体经济组织财务公开规定》"
SOCIAL_ASSISTANCE = "《社会救助暂行办法》"

M, Q, Y, E = "monthly", "quarterly", "yearly", "event"

# module, name, what must be disclosed, legal basis, frequency, deadline day, flags
STANDARD = [
    # 党务公开
    (
        "party",
        "党组织年度工作计划和总结",
        "村党组织年度工作目标、重点任务及上一年度完成情况。",
        "《中国共产党农村基层组织工作条例》；《中国共产党党务公开条例（试行）》",
        Y,
        31,
    ),
    (
        "party",
        "“三会一课”开展情况",
        "本季度支部党员大会、支部委员会、党小组会召开情况和党课的时间、主题、参加人数。",
        "《中国共产党支部工作条例（试行）》",
        Q,
        20,
    ),
    (
        "party",
        "发展党员情况",
        "入党积极分子、发展对象、拟接收预备党员和预备党员转正人员的姓名、基本情况，"
        "公示期限和监督电话。",
        "《中国共产党发展党员工作细则》",
        E,
        5,
    ),
    (
        "party",
        "党费收缴情况",
        "本季度党员交纳党费的人数、标准和金额。",
        "《关于中国共产党党费收缴、使用和管理的规定》",
        Q,
        20,
    ),
    (
        "party",
        "民主评议党员结果",
        "年度民主评议党员的时间、参加人数、评议等次及处置情况。",
        "《中国共产党支部工作条例（试行）》",
        Y,
        31,
    ),
    (
        "party",
        "主题党日活动",
        "每月主题党日的主题、时间、参加人员和活动内容。",
        "《中国共产党支部工作条例（试行）》",
        M,
        10,
    ),
    # 村务公开
    (
        "village",
        "村级年度工作计划",
        "经村民代表会议通过的本年度工作计划、重点项目和预算安排。",
        ORGANIC_LAW + "第二十三条、第三十条",
        E,
        5,
    ),
    (
        "village",
        "村民会议、村民代表会议决议",
        "会议时间、应到和实到人数、议题、表决结果和决议内容。",
        ORGANIC_LAW + "第二十四条、第三十条",
        E,
        5,
    ),
    (
        "village",
        "重大事项（投资5万元以上）及进展",
        "按“四议两公开”决策的重大事项：事项名称、投资额、决策过程、实施进展和结果。",
        ORGANIC_LAW + "第二十四条、第三十条",
        E,
        5,
    ),
    (
        "village",
        "宅基地申请审批",
        "申请人姓名、所在村民小组、申请理由、拟用地位置和面积、审查意见，公示期不少于5个工作日。",
        "《中华人民共和国土地管理法》第六十二条；"
        "《农业农村部 自然资源部关于规范农村宅基地审批管理的通知》",
        E,
        5,
    ),
    (
        "village",
        "村规民约和村民自治章程",
        "村规民约、村民自治章程的制定和修改内容及表决情况。",
        ORGANIC_LAW + "第二十七条",
        E,
        7,
    ),
    (
        "village",
        "村务监督委员会工作情况",
        "村务监督委员会本季度监督事项、发现的问题和整改情况。",
        ORGANIC_LAW + "第三十二条",
        Q,
        20,
    ),
    (
        "village",
        "村民委员会协助政府开展工作情况",
        "本季度协助乡镇人民政府开展的工作事项及完成情况。",
        ORGANIC_LAW + "第三十条",
        Q,
        20,
    ),
    # 财务公开
    (
        "finance",
        "月度财务收支明细（财务清单）",
        "本月每笔收入和支出的日期、凭证号、摘要、金额、经手人、审批人，月初余额和月末余额。",
        ORGANIC_LAW + "第三十条；" + FINANCE_RULES,
        M,
        10,
        {"is_finance_list": True},
    ),
    (
        "finance",
        "年度财务预算和决算",
        "村集体年度收支预算、决算及执行情况。",
        FINANCE_RULES,
        Y,
        31,
    ),
    (
        "finance",
        "债权债务情况",
        "村集体应收款、应付款、借款的对象、金额和清收清偿进展。",
        FINANCE_RULES,
        Q,
        20,
    ),
    (
        "finance",
        "非生产性开支",
        "本季度招待费、差旅费、办公费等非生产性开支的明细。",
        FINANCE_RULES,
        Q,
        20,
    ),
    # 资金
    (
        "funds",
        "上级拨付项目资金使用情况",
        "上级财政拨付的项目资金名称、金额、用途、使用进度和结余。",
        ORGANIC_LAW + "第三十条第一款第三项",
        Q,
        20,
    ),
    (
        "funds",
        "一事一议筹资筹劳",
        "筹资筹劳的事项、方案、标准、表决情况和使用结果。",
        "《村民一事一议筹资筹劳管理办法》",
        E,
        5,
    ),
    (
        "funds",
        "集体收益分配方案",
        "村集体年度收益及分配方案、分配对象和标准。",
        ORGANIC_LAW + "第二十四条；" + FINANCE_RULES,
        Y,
        31,
    ),
    (
        "funds",
        "征地补偿费分配使用",
        "征收土地的位置、面积、补偿标准、补偿总额及分配使用方案。",
        "《中华人民共和国土地管理法》第四十七条、第四十八条；" + ORGANIC_LAW + "第二十四条",
        E,
        5,
    ),
    (
        "funds",
        "社会捐赠资金和物资",
        "接受社会捐赠的资金和物资的来源、数量、用途和发放情况。",
        ORGANIC_LAW + "第三十条第一款第三项",
        E,
        7,
    ),
    # 资产
    (
        "assets",
        "集体资产出租出借",
        "出租出借资产的名称、承租方、期限、租金、招标或议价方式和合同签订情况。",
        ORGANIC_LAW + "第二十四条；" + FINANCE_RULES,
        E,
        5,
    ),
    (
        "assets",
        "集体资产清查结果",
        "年度资产清查的固定资产、经营性资产、在建工程等清单及变动情况。",
        "《中共中央 国务院关于稳步推进农村集体产权制度改革的意见》",
        Y,
        31,
    ),
    (
        "assets",
        "集体资产处置",
        "处置资产的名称、原值、处置方式、处置收入和决策程序。",
        ORGANIC_LAW + "第二十四条",
        E,
        5,
    ),
    # 资源
    (
        "resources",
        "集体资源发包合同",
        "发包的土地、林地、水面等资源的位置、面积、承包方、期限、承包费和发包方式。",
        "《中华人民共和国农村土地承包法》；" + ORGANIC_LAW + "第二十四条",
        E,
        5,
    ),
    (
        "resources",
        "承包费收缴情况",
        "本年度应收、实收和欠缴的承包费明细。",
        FINANCE_RULES,
        Y,
        31,
    ),
    (
        "resources",
        "土地征收征用",
        "征收土地的批准文件、范围、面积、用途和补偿安置方案。",
        "《中华人民共和国土地管理法》第四十七条",
        E,
        5,
    ),
    # 上级政策
    (
        "policies",
        "强农惠农政策",
        "上级出台的强农惠农富农政策的内容、补贴标准、申领条件和办理方式。",
        ORGANIC_LAW + "第三十条",
        E,
        7,
    ),
    (
        "policies",
        "城乡居民医保和养老保险政策",
        "本年度城乡居民医疗保险、养老保险的缴费标准、缴费时间和待遇。",
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
        E,
        7,
    ),
    (
        "policies",
        "乡村振兴政策和项目",
        "上级乡村振兴政策、衔接资金项目安排和本村申报情况。",
        "《中华人民共和国乡村振兴促进法》",
        E,
        7,
    ),
    # 民生事项
    (
        "livelihood",
        "农村低保对象名单",
        "低保对象的姓名、村民小组、保障人数和月保障金额；新增和退出情况。",
        SOCIAL_ASSISTANCE + "第十一条；《最低生活保障审核确认办法》",
        Q,
        20,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "特困人员救助供养",
        "特困供养人员的姓名、村民小组、供养方式和供养金额。",
        SOCIAL_ASSISTANCE + "第三章；《特困人员认定办法》",
        Q,
        20,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "残疾人两项补贴",
        "困难残疾人生活补贴和重度残疾人护理补贴的发放对象、标准和金额。",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
        Q,
        20,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "临时救助和慰问金发放",
        "临时救助、节日慰问的对象、事由和金额。",
        SOCIAL_ASSISTANCE + "第十一章；《国务院关于全面建立临时救助制度的通知》",
        Q,
        20,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "耕地地力保护补贴",
        "补贴对象、补贴面积、补贴标准和补贴金额，发放前公示。",
        "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》",
        E,
        7,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "被征地农民养老保险",
        "纳入被征地农民社会保障的人员名单、缴费补贴标准和金额。",
        "《中华人民共和国土地管理法》第四十八条",
        E,
        7,
        {"has_livelihood_table": True},
    ),
    (
        "livelihood",
        "高龄津贴发放",
        "享受高龄津贴的老年人姓名、村民小组、年龄段和发放金额。",
        "《中华人民共和国老年人权益保障法》",
        Q,
        20,
        {"has_livelihood_table": True},
    ),
    # 干部作风
    (
        "cadres",
        "阳光述职评议结果",
        "村干部季度述职的内容、参会人员的提问和答复、确定的任务和测评结果（一述二问三定四评）。",
        ORGANIC_LAW + "第三十三条",
        Q,
        20,
    ),
    (
        "cadres",
        "村干部报酬和补贴",
        "享受误工补贴的人员、补贴标准和本年度发放金额。",
        ORGANIC_LAW + "第二十四条第一款第一项",
        Y,
        31,
    ),
    (
        "cadres",
        "小微权力清单执行情况",
        "本季度按小微权力清单办理的事项、办理结果和群众反映问题的处理情况。",
        "本区村级小微权力清单",
        Q,
        20,
    ),
    (
        "cadres",
        "村干部离任和任期经济责任审计",
        "审计的范围、发现的问题和整改情况。",
        ORGANIC_LAW + "第三十五条",
        E,
        15,
    ),
]


def rows():
    for position, row in enumerate(STANDARD):
        module, name, what, basis, frequency, deadline_day = row[:6]
        flags = row[6] if len(row) > 6 else {}
        yield name, {
            "module": module,
            "what": what,
            "legal_basis": basis,
            "frequency": frequency,
            "deadline_day": deadline_day,
            "is_finance_list": flags.get("is_finance_list", False),
            "has_livelihood_table": flags.get("has_livelihood_table", False),
            "position": position,
        }


def seed(apps, schema_editor):
    CatalogItem = apps.get_model("disclosures", "CatalogItem")
    for name, defaults in rows():
        CatalogItem.objects.update_or_create(name=name, township=None, defaults=defaults)


def unseed(apps, schema_editor):
    CatalogItem = apps.get_model("disclosures", "CatalogItem")
    CatalogItem.objects.filter(
        township=None, name__in=[row[1] for row in STANDARD], disclosures=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0006_permanence_triggers_for_affairs")]

    operations = [migrations.RunPython(seed, unseed)]
