"""Demo data for Zhanhua District (沾化区), Binzhou: places, people and a year of ledgers.

The township and village codes follow the real 12-digit pattern but are demo values;
the README says so. Running it twice changes nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from disclosures.affairs.demo import create_demo_cadres, create_demo_disclosures
from disclosures.assets.demo import create_demo_registers, rent_lines
from disclosures.compliance.demo import create_demo_rankings
from disclosures.matters.models import Body, MajorMatter, MatterStep
from disclosures.models import Category, Kind, LedgerEntry, LedgerMonth
from disclosures.powers.demo import create_demo_power_lists
from disclosures.questions.demo import create_demo_questions
from disclosures.sunshine.demo import create_demo_sunshine_reports
from villages.models import District, Township, Village
from villages.roles import ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF
from villages.visits import seed_demo_visits

DEMO_PASSWORD = "demo-2026"

TOWNSHIPS = [
    # code, name, supervision phone, villages (code, name)
    (
        "371603201",
        "利国乡",
        "0543-7362201",
        [
            ("371603201201", "五庙村"),
            ("371603201202", "东营村"),
            ("371603201203", "西王村"),
            ("371603201204", "大李村"),
        ],
    ),
    (
        "371603102",
        "黄升镇",
        "0543-7351102",
        [
            ("371603102201", "黄升村"),
            ("371603102202", "刘家村"),
            ("371603102203", "闫家村"),
        ],
    ),
]

# username, role, display name, what they are assigned to
USERS = [
    ("admin", None, "系统管理员", "superuser"),
    (
        "kuaiji",
        ACCOUNTANT,
        "张会计",
        ["371603201201", "371603201202", "371603201203", "371603201204"],
    ),
    ("kuaiji2", ACCOUNTANT, "王会计", ["371603102201", "371603102202", "371603102203"]),
    (
        "shenhe",
        REVIEWER,
        "李监委",
        ["371603201201", "371603201202", "371603201203", "371603201204"],
    ),
    ("shenhe2", REVIEWER, "周监委", ["371603102201", "371603102202", "371603102203"]),
    ("xiangzhen", TOWNSHIP_STAFF, "赵干事", "township:371603201"),
]

# (kind, category, description, low, high, funding source, chance per month)
RECURRING = [
    ("expense", "管理费用", "村干部{month}月份报酬", 9800, 9800, "subsidy", 1.0),
    ("expense", "管理费用", "办公用品（笔、纸、墨盒）", 60, 480, "own", 0.8),
    ("expense", "管理费用", "村委会电费", 180, 620, "own", 1.0),
    ("expense", "管理费用", "公务接待工作餐", 24, 260, "own", 0.4),
    ("expense", "公益支出", "村内道路路灯维修", 350, 2400, "own", 0.3),
    ("expense", "公益支出", "保洁员{month}月份工资", 1500, 1500, "own", 1.0),
    ("expense", "经营支出", "集体机井维修", 800, 3600, "own", 0.2),
    ("expense", "其他支出", "困难群众走访慰问品", 300, 1800, "own", 0.2),
    ("income", "经营收入", "集体土地承包费", 8000, 42000, "own", 0.35),
    ("income", "投资收益", "光伏电站收益分红", 3000, 6000, "own", 0.5),
    ("income", "其他收入", "银行存款利息", 40, 180, "own", 0.3),
]


class Command(BaseCommand):
    help = "Create the Zhanhua demo: two townships, seven villages, a year of ledgers, users."

    def handle(self, *args, **options):
        with transaction.atomic():
            villages = self.create_places()
            self.create_users()
            for village in villages:
                # Before the ledgers, so the months can name the matter they pay for and
                # the contract whose rent they collect (五庙村 and 闫家村).
                create_major_matters(village)
                create_demo_registers(village)
            months = sum(self.create_ledgers(village) for village in villages)
            create_demo_power_lists()
            for village in villages:
                # Catalog disclosures of the last twelve months and the village cadres.
                create_demo_cadres(village)
                create_demo_disclosures(village)
                # After the cadres: each quarter's meeting evaluates them.
                create_demo_sunshine_reports(village)
            # Four months of page views and scans, for the township's visits page.
            seed_demo_visits(villages)
            # Villagers' questions, answered, escalated and hidden, in 五庙村 and 东营村.
            for village in villages[:2]:
                create_demo_questions(village, "kuaiji", "xiangzhen")
            # Last, from everything above: each township's ranking of the last quarter.
            create_demo_rankings(Township.objects.filter(villages__in=villages).distinct())
        if options["verbosity"] >= 1:
            self.print_guide(villages[0])
        self.stdout.write(f"Demo data ready: {len(villages)} villages, {months} new ledger months.")

    def print_guide(self, village):
        self.stdout.write("Demo logins (admin: /admin/), password for each: " + DEMO_PASSWORD)
        for username, role, full_name, _assignment in USERS:
            self.stdout.write(f"  {username:<10} {role or 'Superuser':<15} {full_name}")
        self.stdout.write(f"A village page: {village.public_url}")

    def create_places(self):
        district, _ = District.objects.update_or_create(
            code="371603", defaults={"name": "沾化区", "city": "滨州市", "province": "山东省"}
        )
        villages = []
        for code, name, phone, village_rows in TOWNSHIPS:
            township, _ = Township.objects.update_or_create(
                code=code,
                defaults={"district": district, "name": name, "supervision_phone": phone},
            )
            for village_code, village_name in village_rows:
                village, _ = Village.objects.update_or_create(
                    code=village_code, defaults={"township": township, "name": village_name}
                )
                villages.append(village)
        return villages

    def create_users(self):
        User = get_user_model()
        for username, role, full_name, assignment in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "is_staff": True},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_superuser = assignment == "superuser"
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            if isinstance(assignment, list):
                user.villages.add(*Village.objects.filter(code__in=assignment))
            elif isinstance(assignment, str) and assignment.startswith("township:"):
                Township.objects.get(code=assignment.split(":")[1]).staff.add(user)

    def create_ledgers(self, village):
        """Twelve published months up to last month and a draft of this month."""
        User = get_user_model()
        accountant = User.objects.filter(groups__name=ACCOUNTANT, villages=village).first()
        reviewer = User.objects.filter(groups__name=REVIEWER, villages=village).first()
        today = timezone.localdate()
        periods = [_add_months(today.year, today.month, -offset) for offset in range(12, -1, -1)]
        categories = {(c.kind, c.name): c for c in Category.objects.filter(township=None)}
        rng = random.Random(village.code)
        balance = Decimal(rng.randrange(60_000, 240_000))
        created = 0
        for year, month in periods:
            ledger = LedgerMonth.objects.filter(village=village, year=year, month=month).first()
            if ledger:
                balance = ledger.summarize().closing
                continue
            ledger = LedgerMonth.objects.create(
                village=village,
                year=year,
                month=month,
                opening_balance=balance,
                created_by=accountant,
            )
            entries = _entries_for(village, ledger, rng, categories)
            _link_major_matters(village, entries)
            entries += rent_lines(village, ledger, categories[(Kind.INCOME, "经营收入")])
            entries.sort(key=lambda entry: entry.date)
            LedgerEntry.objects.bulk_create(entries)
            if ledger.summarize(entries).closing < 0:
                ledger.negative_balance_reason = NEGATIVE_BALANCE_REASON
                ledger.save()
            if (year, month) != (today.year, today.month):
                # Through the real workflow, so the demo has review steps and fingerprints.
                ledger.submit(accountant)
                ledger.publish(reviewer, when=_publication_time(year, month))
            balance = ledger.summarize(entries).closing
            created += 1
        return created


# What a village says when it spent ahead of money promised (the demo's random months
# sometimes close below zero).
NEGATIVE_BALANCE_REASON = (
    "本月先行垫付了工程款，乡镇拨付的补助资金尚未到账，由村集体向经管站临时借款周转，"
    "资金到账后归还。"
)


def _entries_for(village, ledger, rng, categories):
    last_day = ledger.last_day.day
    rows = [row for row in RECURRING if rng.random() < row[6]]
    rows += _special_rows(village, ledger)
    entries = []
    for number, (kind, category, text, low, high, source, _chance) in enumerate(rows, start=1):
        amount = Decimal(rng.randint(low, high)) if low != high else Decimal(low)
        if amount >= 100:
            amount = (amount / 10).quantize(Decimal("1")) * 10
        entries.append(
            LedgerEntry(
                ledger=ledger,
                date=datetime.date(ledger.year, ledger.month, rng.randint(1, last_day)),
                voucher_number=f"记{ledger.month:02d}-{number:03d}",
                description=text.format(month=ledger.month),
                kind=kind,
                category=categories[(kind, category)],
                amount=amount,
                funding_source=source,
                handled_by=rng.choice(["刘建国", "王秀兰", "陈立新", "孙海燕"]),
                approved_by=rng.choice(["韩兴和", "闫文明"]) if kind == Kind.EXPENSE else "",
            )
        )
    entries.sort(key=lambda entry: entry.date)
    return entries


def _special_rows(village, ledger):
    """Lines the seed article talks about, so the demo shows them."""
    rows = []
    if village.code == "371603201201" and ledger.month in (3, 9):
        # 五庙村: over 300,000 yuan of collective income a year, much of it land leases
        # (the 480 mu lease's rent comes from its contract: assets/demo.py rent_lines).
        rows.append(("income", "补助收入", "村级组织运转经费补助", 30000, 30000, "subsidy", 1))
    if village.code == "371603102203" and ledger.month == 7:
        rows.append(("expense", "公益支出", "村内环境整治费用", 6500, 6500, "own", 1))
    if village.code == "371603201201":
        today = timezone.localdate()
        offset = (ledger.year * 12 + ledger.month) - (today.year * 12 + today.month)
        if offset in ROAD_MONEY:
            kind, category, text, amount, source = ROAD_MONEY[offset]
            rows.append((kind, category, text, amount, amount, source, 1))
    return rows


def _add_months(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _publication_time(year, month):
    """Most villages publish in the first days of the next month."""
    year, month = _add_months(year, month, 1)
    return timezone.make_aware(datetime.datetime(year, month, 5, 10, 0))


# Major matters of 五庙村, decided by the four discussions, two disclosures (四议两公开):
# a road built and paid for, and a square whose resolution is still to come. Dates are
# (months before this month, day of month).
ROAD = "村内主干道硬化工程"
# The road's money in the village's ledgers: months before this month -> line.
ROAD_MONEY = {
    -9: ("expense", "公益支出", "主干道硬化工程首期工程款", 90000, "own"),
    -8: ("income", "补助收入", "一事一议财政奖补资金（主干道硬化）", 100000, "subsidy"),
    -6: ("expense", "公益支出", "主干道硬化工程进度款", 60000, "own"),
    -3: ("expense", "公益支出", "主干道硬化工程尾款（留质保金）", 26800, "own"),
}
MAJOR_MATTERS = {
    "371603201201": [
        {
            "title": ROAD,
            "budget": "180000.00",
            "purpose": (
                "村内南北主干道约1.2公里仍是土路，雨天泥泞，群众出行和农产品运输困难。"
                "拟硬化为宽5米、厚18厘米的水泥混凝土路面，两侧配套边沟。资金来源："
                "村集体自有资金和一事一议财政奖补资金。"
            ),
            # (months back, day, meeting body, meeting, members, present, votes, record)
            "steps": [
                (
                    -11,
                    6,
                    Body.PARTY_BRANCH,
                    "党支部委员会会议（村委会议室）",
                    5,
                    5,
                    None,
                    "党支部根据群众意见和道路现状，提议对南北主干道进行水泥硬化，"
                    "预算18万元，并听取了村务监督委员会的意见。",
                ),
                (
                    -11,
                    13,
                    Body.TWO_COMMITTEES,
                    "村两委联席会议（村委会议室）",
                    9,
                    9,
                    None,
                    "两委成员逐项商议工程标准、预算和资金来源，形成初步方案："
                    "按宽5米、厚18厘米标准实施，施工单位公开比选产生。",
                ),
                (
                    -11,
                    20,
                    Body.PARTY_MEMBERS,
                    "党员大会（村党群服务中心）",
                    32,
                    27,
                    (25, 1, 1),
                    "党员大会审议初步方案，表决通过，并建议施工期间做好排水、"
                    "由村务监督委员会全程监督。",
                ),
                (
                    -10,
                    4,
                    Body.REPRESENTATIVES,
                    "村民代表会议（村党群服务中心）",
                    35,
                    29,
                    (26, 2, 1),
                    "村民代表会议表决通过《村内主干道硬化工程实施方案》：预算18万元，"
                    "公开比选施工单位，工程款按进度支付，留5%质保金。",
                ),
                (
                    -10,
                    6,
                    None,
                    "",
                    None,
                    None,
                    None,
                    "决议和实施方案在村务公开栏和本平台公示7天，公示期间未收到异议。",
                ),
                (
                    -1,
                    20,
                    None,
                    "",
                    None,
                    None,
                    None,
                    "工程已完工，经乡里组织验收合格。实际支出176,800元（首期工程款90,000元、"
                    "进度款60,000元、尾款26,800元），低于预算3,200元；"
                    "另获一事一议财政奖补资金100,000元。",
                ),
            ],
        },
        {
            "title": "村文化广场建设",
            "budget": "86000.00",
            "purpose": (
                "在村委会东侧闲置集体建设用地（约1,200平方米）建设文化广场，"
                "铺装地面，安装健身器材和照明，方便群众开展文体活动。"
            ),
            "steps": [
                (
                    -2,
                    9,
                    Body.PARTY_BRANCH,
                    "党支部委员会会议（村委会议室）",
                    5,
                    5,
                    None,
                    "党支部提议利用村委会东侧闲置集体建设用地建设文化广场，预算8.6万元。",
                ),
                (
                    -2,
                    16,
                    Body.TWO_COMMITTEES,
                    "村两委联席会议（村委会议室）",
                    9,
                    8,
                    None,
                    "两委商议选址、建设内容和预算，同意提交党员大会审议。",
                ),
                (
                    -1,
                    11,
                    Body.PARTY_MEMBERS,
                    "党员大会（村党群服务中心）",
                    32,
                    26,
                    (23, 2, 1),
                    "党员大会审议建设方案，表决通过，提请村民代表会议决议。",
                ),
            ],
        },
    ],
}


def create_major_matters(village):
    """The village's demo matters with their published steps; nothing if they exist."""
    User = get_user_model()
    accountant = User.objects.filter(groups__name=ACCOUNTANT, villages=village).first()
    reviewer = User.objects.filter(groups__name=REVIEWER, villages=village).first()
    today = timezone.localdate()
    for spec in MAJOR_MATTERS.get(village.code, []):
        matter, created = MajorMatter.objects.get_or_create(
            village=village,
            title=spec["title"],
            defaults={"purpose": spec["purpose"], "budget": Decimal(spec["budget"])},
        )
        if not created:
            continue
        for number, row in enumerate(spec["steps"], start=1):
            back, day, body, meeting, members, present, votes, record = row
            year, month = _add_months(today.year, today.month, back)
            date = datetime.date(year, month, day)
            votes_for, against, abstaining = votes or (None, None, None)
            step = MatterStep(
                matter=matter,
                step=number,
                date=date,
                body=body or "",
                meeting=meeting,
                members_total=members,
                present=present,
                votes_for=votes_for,
                votes_against=against,
                abstaining=abstaining,
                record=record,
                created_by=accountant,
            )
            step.full_clean()
            step.save()
            step.submit(accountant)
            published = datetime.datetime.combine(date + datetime.timedelta(days=1), _TEN)
            step.publish(reviewer, when=timezone.make_aware(published))


_TEN = datetime.time(10, 0)


def _link_major_matters(village, entries):
    """The road's lines in 五庙村's ledgers name the road."""
    descriptions = {line[2] for line in ROAD_MONEY.values()}
    road = MajorMatter.objects.filter(village=village, title=ROAD).first()
    for entry in entries:
        if road and entry.description in descriptions:
            entry.major_matter = road
