"""Demo disclosures against the affairs catalog, and the village cadres (for seed_demo).

Every demo village discloses the periodic items of the standard catalog for the last
twelve months, through the real review (so each has its fingerprint): mostly on time,
some late, a few never, each village with its own habits, so the township's compliance
dashboard has something to show. Livelihood lists carry rows of names with identity and
phone numbers, which the model keeps only masked. Plus a couple of disclosures of things
that happened, and each village's cadres (五庙村's party secretary is 韩兴和, as in the
seed article).

Decisions are drawn from a random generator seeded by village, item and period, and
nothing is created twice: running it again the same day changes nothing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from disclosures.affairs.models import (
    MONTHS_PER_PERIOD,
    Cadre,
    CatalogItem,
    Disclosure,
    Frequency,
    LivelihoodRow,
    add_months,
)
from villages.roles import accountant_and_reviewer

# (on time, late) chances per village; the rest of the periods are never disclosed.
HABITS = {
    "371603201201": (0.92, 0.06),  # 五庙村, the example of the seed article
    "371603201202": (0.84, 0.11),
    "371603201203": (0.80, 0.13),
    "371603201204": (0.64, 0.22),  # 大李村 struggles
    "371603102201": (0.86, 0.10),
    "371603102202": (0.72, 0.18),
    "371603102203": (0.82, 0.12),
}
DEFAULT_HABIT = (0.8, 0.12)

GROUPS = ["第一村民小组", "第二村民小组", "第三村民小组", "第四村民小组", "第五村民小组"]
SURNAMES = "王张李刘陈杨赵孙高马韩闫周吴郭"
GIVEN = [
    "秀英",
    "桂兰",
    "玉珍",
    "凤英",
    "淑芬",
    "建国",
    "志强",
    "保田",
    "长海",
    "德胜",
    "金凤",
    "洪亮",
    "春生",
    "立军",
    "秀梅",
    "广福",
    "兰芝",
    "学文",
]

# What each periodic item says, by item name: {village} and {period} are filled in.
TEXTS = {
    "党组织年度工作计划和总结": (
        "{period}村党支部围绕基层组织建设、乡村振兴和为民服务开展工作：召开支部党员大会"
        "{n}次，发展党员1名，完成村内主干道硬化等实事{m}件。下一年度重点：壮大村集体经济、"
        "规范“三会一课”、推进人居环境整治。"
    ),
    "“三会一课”开展情况": (
        "{period}共召开支部党员大会{n}次、支部委员会{m}次、党小组会{k}次，"
        "书记讲党课1次，主题为学习贯彻党的二十届四中全会精神。应参加党员32名，平均参加27名。"
    ),
    "党费收缴情况": (
        "{period}应交党费党员32名，实交32名，合计{amount}元，已全部上缴乡党委，无拖欠。"
    ),
    "民主评议党员结果": (
        "{period}民主评议党员于年初召开，参加评议党员30名，评为优秀党员6名、"
        "合格党员24名，无不合格党员。"
    ),
    "主题党日活动": (
        "{period}主题党日：组织党员学习上级文件、开展志愿服务（清理村内垃圾、走访慰问"
        "困难群众），参加党员{n}名。"
    ),
    "村务监督委员会工作情况": (
        "{period}村务监督委员会列席两委会议{n}次，审核财务票据{m}张，对1笔超过1000元的"
        "支出提出补充审批意见，已整改。未发现违规问题。"
    ),
    "村民委员会协助政府开展工作情况": (
        "{period}协助乡政府完成城乡居民医保缴费动员、秸秆禁烧巡查、防汛值班和人口信息"
        "核对等工作，均按时完成。"
    ),
    "年度财务预算和决算": (
        "{period}村集体收入决算{amount}元，支出决算{amount2}元；下一年度预算经村民代表"
        "会议通过，重点用于道路维护和公益事业。"
    ),
    "债权债务情况": (
        "截至{period}末，村集体应收款{amount}元（主要为土地承包费欠款），应付款{amount2}元，"
        "无新增借款。本季度清收欠款{small}元。"
    ),
    "非生产性开支": (
        "{period}非生产性开支合计{amount}元：办公用品、公务接待工作餐和报刊订阅，"
        "明细见月度财务清单；无公款旅游和违规发放补贴。"
    ),
    "上级拨付项目资金使用情况": (
        "{period}上级拨付项目资金：一事一议财政奖补资金和村级组织运转经费，已按计划使用"
        "{amount}元，结余{small}元，专款专用。"
    ),
    "集体收益分配方案": (
        "{period}村集体经营收益{amount}元，经村民代表会议通过：提取公积公益金30%，"
        "其余用于村内公益事业和困难群众救助，不向个人分配现金。"
    ),
    "集体资产清查结果": (
        "{period}资产清查完成：固定资产（村委办公楼、机井、光伏电站等）原值{amount}元，"
        "经营性资产{amount2}元；新增主干道硬化工程在建转固定资产，无资产流失。"
    ),
    "承包费收缴情况": (
        "{period}集体土地承包费应收{amount}元，实收{amount2}元，欠缴{small}元"
        "（2户，已签订缴费计划）。"
    ),
    "农村低保对象名单": (
        "{period}本村农村低保对象如下，保障标准按县民政局规定执行，如有异议请在公示期内"
        "向村务监督委员会或乡民政办反映。"
    ),
    "特困人员救助供养": "{period}本村特困供养人员如下，均为分散供养，由村委会落实照料服务。",
    "残疾人两项补贴": "{period}困难残疾人生活补贴和重度残疾人护理补贴发放对象如下。",
    "临时救助和慰问金发放": "{period}临时救助和节日慰问发放情况如下。",
    "高龄津贴发放": "{period}享受高龄津贴的老年人如下，按月打卡发放。",
    "阳光述职评议结果": (
        "{period}阳光述职会上，党支部书记、村委会主任等5名村干部述职，党员和村民代表提问"
        "{n}个，当场答复{m}个，其余限期答复；满意度测评：满意率{rate}%。"
    ),
    "村干部报酬和补贴": (
        "{period}享受报酬的村干部5名，按县定标准发放，全年合计{amount}元，"
        "资金来源为上级补助和村集体自有资金。"
    ),
    "小微权力清单执行情况": (
        "{period}按小微权力清单办理事项{n}件（用章{m}次、开具证明{k}次、低保申请初审1件），"
        "均按流程办理并留痕；群众反映问题{small_n}件，已全部答复。"
    ),
}

# Livelihood lists: (what for, monthly amount per person or per row, rows low..high).
LISTS = {
    "农村低保对象名单": ("农村低保（{persons}人）", Decimal("640"), 4, 7),
    "特困人员救助供养": ("分散供养", Decimal("1050"), 1, 2),
    "残疾人两项补贴": ("困难残疾人生活补贴", Decimal("120"), 3, 5),
    "临时救助和慰问金发放": ("临时救助（因病）", Decimal("1500"), 1, 3),
    "高龄津贴发放": ("80–89周岁高龄津贴", Decimal("100"), 3, 6),
}

# Things that happened: (item, months back, day, title, text, days to publish).
EVENTS = [
    (
        "强农惠农政策",
        -7,
        12,
        "2026年耕地地力保护补贴政策",
        "补贴对象为拥有耕地承包权的农户，补贴标准每亩115元，按确权面积发放到户，"
        "请于本月底前核对承包面积，有异议向村委会反映。",
        3,
    ),
    (
        "村民会议、村民代表会议决议",
        -4,
        18,
        "关于调整集体机井灌溉收费标准的决议",
        "村民代表会议应到35人，实到30人，表决同意27票、反对2票、弃权1票，通过：集体机井"
        "灌溉电费按实际用电量分摊，管理费每亩每年5元。",
        4,
    ),
]


def _period_text(item, start):
    """The period as the title says it, in Chinese whatever language is active: it is
    part of the published (fingerprinted) text."""
    if item.frequency == Frequency.MONTHLY:
        return f"{start.year}年{start.month}月"
    if item.frequency == Frequency.QUARTERLY:
        return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"
    return f"{start.year}年度"


def _publication(item, start, rng, habit, now):
    """When the village publishes this period (local time), or None if it never does."""
    on_time, late = habit
    draw = rng.random()
    period_end = add_months(start, MONTHS_PER_PERIOD[item.frequency])
    deadline = item.deadline_for(start)
    if draw < on_time:
        day = period_end + datetime.timedelta(days=rng.randint(0, (deadline - period_end).days))
    elif draw < on_time + late:
        day = deadline + datetime.timedelta(days=rng.randint(1, 24))
    else:
        return None
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17))))
    return when if when <= now else None


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng):
    birth = datetime.date(1938, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 60))
    body = f"371603{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _rows(village, item, start):
    """The list of a livelihood item: the same households all year, one more from the
    second quarter of this year."""
    what, amount, low, high = LISTS[item.name]
    rng = random.Random(f"{village.code}|{item.name}|people")
    count = rng.randint(low, high)
    people = []
    for _index in range(count + 1):
        persons = rng.randint(1, 4)
        people.append(
            {
                "name": _person(rng),
                "villager_group": rng.choice(GROUPS),
                "item": what.format(persons=persons),
                "amount": amount * (persons if "{persons}" in what else 1),
                "id_number": _id_number(rng),
                "phone": f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            }
        )
    newcomer_from = datetime.date(timezone.localdate().year, 4, 1)
    return people if start >= newcomer_from else people[:count]


def _text(village, item, start, rng):
    template = TEXTS.get(item.name, "{period}" + item.what)
    return template.format(
        village=village.name,
        period=_period_text(item, start),
        n=rng.randint(2, 6),
        m=rng.randint(3, 12),
        k=rng.randint(2, 8),
        small_n=rng.randint(0, 3),
        rate=rng.randint(88, 99),
        amount=f"{rng.randint(8, 400) * 100:,}",
        amount2=f"{rng.randint(5, 300) * 100:,}",
        small=f"{rng.randint(5, 90) * 100:,}",
    )


def _publish(village, item, start, title, body, rows, when, accountant, reviewer):
    disclosure = Disclosure.objects.create(
        village=village,
        item=item,
        period_start=start,
        title=title,
        body=body,
        created_by=accountant,
    )
    for row in rows:
        LivelihoodRow(disclosure=disclosure, **row).save()
    disclosure.submit(accountant)
    disclosure.publish(reviewer, when=when)
    return disclosure


def create_demo_disclosures(village, today=None):
    """The village's disclosures of the last twelve months; returns how many are new."""
    today = today or timezone.localdate()
    now = timezone.now()
    accountant, reviewer = accountant_and_reviewer(village)
    habit = HABITS.get(village.code, DEFAULT_HABIT)
    items = list(
        CatalogItem.objects.filter(township__isnull=True, is_finance_list=False).order_by(
            "position"
        )
    )
    first_day = add_months(today.replace(day=1), -11)
    existing = set(village.disclosures.values_list("item_id", "period_start"))
    titles = set(village.disclosures.values_list("item_id", "title"))
    created = 0
    for item in items:
        if not item.is_periodic:
            continue
        for start in item.periods_between(first_day, today):
            if add_months(start, MONTHS_PER_PERIOD[item.frequency]) > today:
                continue  # The period is not over yet.
            if (item.pk, start) in existing:
                continue
            rng = random.Random(f"{village.code}|{item.name}|{start.isoformat()}")
            when = _publication(item, start, rng, habit, now)
            if when is None:
                continue
            title = f"{village.name}{_period_text(item, start)}{item.name}"
            rows = _rows(village, item, start) if item.name in LISTS else []
            body = _text(village, item, start, rng)
            _publish(village, item, start, title, body, rows, when, accountant, reviewer)
            created += 1
    by_name = {item.name: item for item in items}
    for name, back, day, title, body, days in EVENTS:
        item = by_name.get(name)
        if item is None:
            continue
        if (item.pk, title) in titles:
            continue
        start = add_months(today.replace(day=1), back).replace(day=day)
        rng = random.Random(f"{village.code}|{name}|{start.isoformat()}")
        # Most villages publish within days; a careless one later than allowed.
        delay = days if rng.random() < habit[0] + habit[1] / 2 else item.deadline_day + 6
        moment = datetime.datetime.combine(start + datetime.timedelta(days=delay), _TEN)
        when = timezone.make_aware(moment)
        if when > now:
            continue
        _publish(village, item, start, title, body, [], when, accountant, reviewer)
        created += 1
    return created


_TEN = datetime.time(10, 0)


# The cadres: (post, responsibilities). 五庙村's names follow the seed and its ledgers.
POSTS = [
    ("党支部书记", "主持村党支部全面工作，负责党建、重大事项“四议两公开”的提议和组织实施。"),
    ("村委会主任", "主持村民委员会日常工作，负责村级事务管理、集体资产资源管理和项目建设。"),
    ("会计", "负责村级财务报账、凭证整理和财务公开资料的准备，配合乡经管站代理记账。"),
    ("妇联主席", "负责妇女儿童工作、计生服务、困难家庭走访和低保、救助对象的初审。"),
    ("村务监督委员会主任", "主持村务监督委员会工作，审核财务支出，监督村务公开和小微权力运行。"),
]
WUMIAO_CADRES = ["韩兴和", "闫文明", "刘建国", "王秀兰", "李振华"]
TERM_START = datetime.date(2026, 3, 20)
TERM_END = datetime.date(2031, 3, 19)


def create_demo_cadres(village):
    """The village's five cadres; nothing if they are listed already."""
    if village.code == "371603201201":
        names = WUMIAO_CADRES
    else:
        rng = random.Random(f"{village.code}|cadres")
        names = [_person(rng) for _post in POSTS]
    created = 0
    for position, ((post, duties), name) in enumerate(zip(POSTS, names, strict=True)):
        _cadre, new = Cadre.objects.get_or_create(
            village=village,
            post=post,
            defaults={
                "name": name,
                "responsibilities": duties,
                "term_start": TERM_START,
                "term_end": TERM_END,
                "position": position,
            },
        )
        created += new
    if created:
        village.bump_public_version()
    return created
