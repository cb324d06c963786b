"""A province-sized database for the scale benchmark (`make bench-scale`, issue 14).

    DATABASE_URL=postgres://…/village_portal_province \
        manage.py make_province --villages 500 --years 10

Adds districts of ten townships of 25 villages, each village with `--years` years of
published monthly finance lists (about 40 lines a month), a correction now and then, its
catalog disclosures (most on time, some late, a few missing), villagers' questions with
answers, two years of daily visit counts, and one accountant, reviewer and township
staff user per township (password `demo-2026`, like the demo).

Fast: rows are written with PostgreSQL's COPY, ten villages to a transaction, with ids
taken in advance. Nothing bypasses the permanence rules: a published month and its lines
are written in the same transaction, the lines first (foreign keys are checked at
commit), so the month appears already published with all its lines and no trigger ever
sees a line added to, or a row changed in, a published list. Every fingerprint is
computed by the same functions publishing uses, chained and sealed with
CHAIN_SIGNING_KEY, so `verify_ledgers` passes on the result.

PostgreSQL only. Running it again adds further districts after those already there.
"""

import datetime
import queue
import random
import sys
import threading
import time
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from disclosures.affairs.models import CatalogItem, Disclosure, Frequency
from disclosures.finance.models import (
    Category,
    LedgerCorrection,
    LedgerMonth,
)
from disclosures.money import to_yuan
from disclosures.publishing import chain_fingerprint, head_signature, link_signature
from disclosures.questions.models import TRACKING_ALPHABET, TRACKING_LENGTH
from villages.models import District, Township, Village
from villages.roles import ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF

PASSWORD = "demo-2026"
TOWNSHIPS_PER_DISTRICT = 10
VILLAGES_PER_TOWNSHIP = 25
VILLAGES_PER_TRANSACTION = 10
VISIT_DAYS = 730
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
PLACE_SYLLABLES = "东西南北前后大小新旧王李张刘高马杨河沟庄屯营寨店集洼"

# (kind, category name (2023 and earlier, from 2024), description, low, high, per month)
LINES = [
    ("expense", "管理费用", "管理费用", "村干部{month}月份报酬", 9800, 9800, 1),
    ("expense", "管理费用", "管理费用", "办公用品", 60, 480, 4),
    ("expense", "管理费用", "管理费用", "村委会电费", 180, 620, 1),
    ("expense", "管理费用", "管理费用", "公务接待工作餐", 24, 260, 5),
    ("expense", "管理费用", "管理费用", "报刊订阅", 80, 400, 1),
    ("expense", "其他支出", "公益支出", "村内道路路灯维修", 350, 2400, 4),
    ("expense", "其他支出", "公益支出", "保洁员工资", 1500, 1500, 2),
    ("expense", "其他支出", "公益支出", "垃圾清运费", 300, 900, 3),
    ("expense", "经营支出", "经营支出", "集体机井维修", 800, 3600, 3),
    ("expense", "经营支出", "经营支出", "光伏电站维护", 200, 1200, 2),
    ("expense", "其他支出", "其他支出", "困难群众走访慰问品", 300, 1800, 3),
    ("expense", "其他支出", "其他支出", "绿化苗木", 120, 3000, 3),
    ("expense", "管理费用", "管理费用", "电话网络费", 100, 300, 2),
    ("expense", "经营支出", "经营支出", "农机租赁", 400, 2500, 2),
    ("income", "发包及上交收入", "经营收入", "集体土地承包费", 8000, 42000, 2),
    ("income", "投资收益", "投资收益", "光伏电站收益分红", 3000, 6000, 2),
    ("income", "其他收入", "其他收入", "银行存款利息", 40, 180, 2),
    ("income", "补助收入", "补助收入", "上级转移支付", 5000, 30000, 2),
]
# Each township's users: kj371650101 (accountant of its villages), sh… (reviewer), xz… (staff).
ROLES = [(ACCOUNTANT, "kj", "会计"), (REVIEWER, "sh", "监委"), (TOWNSHIP_STAFF, "xz", "干事")]
FUNDING = ["own", "own", "own", "subsidy", "special"]


def add_months(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def local_time(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class NoPhotos:
    """What entries_content asks of a line's photos: the generated lines have none."""

    @staticmethod
    def all():
        return ()


class Ids:
    """The next free id of each table, taken once at the start (one writer)."""

    def __init__(self, cursor, tables):
        self.next = {}
        for table in tables:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            self.next[table] = cursor.fetchone()[0]

    def take(self, table):
        value = self.next[table]
        self.next[table] = value + 1
        return value


COLUMNS = {
    "disclosures_ledgerentry": (
        "id date voucher_number description kind amount funding_source handled_by "
        "approved_by category_id ledger_id correction_id entered_by_id changed_by_id"
    ),
    "disclosures_ledgercorrection": (
        "id status created_at submitted_at published_at chain_position previous_fingerprint "
        "fingerprint reason created_by_id ledger_id published_by_id submitted_by_id"
    ),
    "disclosures_ledgermonth": (
        "id year month opening_balance status created_at published_at created_by_id "
        "published_by_id village_id chain_position fingerprint previous_fingerprint "
        "submitted_at submitted_by_id negative_balance_reason opening_reason"
    ),
    "disclosures_disclosure": (
        "id status created_at submitted_at published_at chain_position previous_fingerprint "
        "fingerprint period_start title body created_by_id item_id published_by_id "
        "submitted_by_id village_id"
    ),
    "disclosures_chainseal": (
        "id position object_id fingerprint signature sealed_at content_type_id village_id"
    ),
    "disclosures_chainhead": "village_id length fingerprint signature updated_at",
    "disclosures_question": (
        "id tracking_code text asker_name asker_phone page received_at due_on status "
        "first_answered_at escalated_at escalation_reason not_resolved_at closed_at "
        "hidden_at hidden_reason disclosure_id entry_id matter_id village_id unmasked_text"
    ),
    "disclosures_answer": "id text by_township at answered_by_id question_id",
    "villages_villagevisitday": "id day views scans village_id",
}
# The order of writing within a transaction: lines before the lists that hold them.
ORDER = list(COLUMNS)


class Command(BaseCommand):
    help = (
        "Add a province-sized set of districts, townships and villages with years of "
        "published history, for the scale benchmark (PostgreSQL only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=500)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=14)

    def handle(self, *args, villages, years, seed, verbosity=1, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make_province writes with COPY: PostgreSQL only.")
        self.verbosity = verbosity
        started = time.monotonic()
        builder = Province(villages, years, random.Random(seed))
        places = builder.create_places_and_users()
        self.progress(0, len(places), started, builder.counts)
        # The database writes one batch while Python computes the next (psycopg lets go
        # of the GIL while it waits): about half the time on two cores.
        with Writer() as writer:
            for first in range(0, len(places), VILLAGES_PER_TRANSACTION):
                batch = places[first : first + VILLAGES_PER_TRANSACTION]
                writer.put(builder.rows(batch))
                self.progress(first + len(batch), len(places), started, builder.counts)
        builder.finish()
        if verbosity:
            sys.stderr.write("\n")
            self.stdout.write(
                f"Added {len(places)} villages × {years} years in "
                f"{time.monotonic() - started:.0f} s: "
                + ", ".join(f"{count:,} {name}" for name, count in builder.counts.items())
            )

    def progress(self, done, total, started, counts):
        if not self.verbosity:
            return
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0
        width = 30
        bar = "#" * (width * done // max(total, 1))
        sys.stderr.write(
            f"\r[{bar:<{width}}] {done}/{total} villages · {counts['entries']:,} entries · "
            f"{elapsed:.0f} s, about {left:.0f} s left "
        )
        sys.stderr.flush()


class Writer:
    """A thread that writes each batch of rows with COPY, one transaction a batch, on its
    own connection, while the caller computes the next (at most two wait)."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=2)
        self.failure = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def put(self, rows):
        if self.failure:
            raise self.failure
        self.queue.put(rows)

    def __exit__(self, *exc):
        self.queue.put(None)
        self.thread.join()
        if self.failure and not exc[0]:
            raise self.failure

    def run(self):
        try:
            while (rows := self.queue.get()) is not None:
                with transaction.atomic():
                    copy_rows(rows)
        except Exception as failure:  # reported by the caller's next put() or at the end
            self.failure = failure
            while self.queue.get() is not None:  # let the caller finish putting
                pass
        finally:
            connection.close()


def copy_rows(rows):
    with connection.cursor() as cursor:
        for table in ORDER:
            if rows[table]:
                columns = ", ".join(COLUMNS[table].split())
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)


class Province:
    def __init__(self, villages, years, rng):
        self.village_count, self.years, self.rng = villages, years, rng
        self.today = timezone.localdate()
        self.counts = dict.fromkeys(
            ["entries", "months", "corrections", "disclosures", "questions", "visit days"], 0
        )
        # What entries_content reads of a category: the standard ones have no parent.
        self.categories = {
            (c.kind, c.name): SimpleNamespace(pk=c.pk, full_name=c.name)
            for c in Category.objects.filter(township=None, parent=None)
        }
        self.items = list(
            CatalogItem.objects.filter(township=None, is_finance_list=False).exclude(
                frequency=Frequency.AS_IT_HAPPENS
            )
        )
        self.events = list(CatalogItem.objects.filter(township=None, frequency="event"))
        types = ContentType.objects.get_for_models(LedgerMonth, LedgerCorrection, Disclosure)
        self.type_ids = {model: ct.pk for model, ct in types.items()}
        with connection.cursor() as cursor:
            self.ids = Ids(cursor, [t for t in ORDER if t != "disclosures_chainhead"])

    # Places and people, through the ORM: a few hundred rows.

    def create_places_and_users(self):
        taken = District.objects.filter(code__startswith="3716").count()
        townships_needed = -(-self.village_count // VILLAGES_PER_TOWNSHIP)
        districts_needed = -(-townships_needed // TOWNSHIPS_PER_DISTRICT)
        password = make_password(PASSWORD)  # hashed once: hashing is slow on purpose
        groups = {
            name: Group.objects.get(name=name) for name in (ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF)
        }
        User = get_user_model()
        places = []
        for d in range(districts_needed):
            number = 50 + taken + d
            district = District.objects.create(
                code=f"3716{number:02d}", name=f"第{number}区", city="滨州市", province="山东省"
            )
            for t in range(TOWNSHIPS_PER_DISTRICT):
                if len(places) >= self.village_count:
                    break
                township = Township.objects.create(
                    district=district,
                    code=f"{district.code}{101 + t:03d}",
                    name=self.place_name("镇"),
                    supervision_phone=f"0543-73{number:02d}{t:03d}",
                )
                count = min(VILLAGES_PER_TOWNSHIP, self.village_count - len(places))
                villages = Village.objects.bulk_create(
                    Village(
                        township=township,
                        code=f"{township.code}{201 + v:03d}",
                        name=self.place_name("村"),
                    )
                    for v in range(count)
                )
                people = {}
                for role, prefix, title in ROLES:
                    user = User.objects.create(
                        username=f"{prefix}{township.code}",
                        first_name=self.rng.choice(SURNAMES) + title,
                        is_staff=True,
                        password=password,
                    )
                    user.groups.add(groups[role])
                    people[role] = user
                people[ACCOUNTANT].villages.add(*villages)
                people[REVIEWER].villages.add(*villages)
                township.staff.add(people[TOWNSHIP_STAFF])
                for village in villages:
                    village.township = township
                    places.append((village, people[ACCOUNTANT].pk, people[REVIEWER].pk))
        return places

    def place_name(self, suffix):
        return "".join(self.rng.choices(PLACE_SYLLABLES, k=2)) + suffix

    def rows(self, batch):
        """The rows of one transaction's villages, by table."""
        rows = {table: [] for table in ORDER}
        for village, accountant, reviewer in batch:
            self.village_rows(rows, village, accountant, reviewer)
        return rows

    def village_rows(self, rows, village, accountant, reviewer):
        rng = random.Random(f"{village.code}-{self.rng.random()}")
        # (published_at, table, row as a list, canonical content, model); chained below.
        links = []
        self.ledger_rows(rows, links, village, accountant, reviewer, rng)
        self.disclosure_rows(links, village, accountant, reviewer, rng)
        links.sort(key=lambda link: (link[0], link[1], link[2][0]))
        previous = ""
        for position, (published_at, table, row, content, model) in enumerate(links, start=1):
            fingerprint = chain_fingerprint(previous, content)
            # chain_position, previous_fingerprint, fingerprint: where each table keeps them.
            row[row.index(CHAIN)] = position
            row[row.index(PREVIOUS)] = previous
            row[row.index(FINGERPRINT)] = fingerprint
            rows[table].append(row)
            rows["disclosures_chainseal"].append(
                [
                    self.ids.take("disclosures_chainseal"),
                    position,
                    row[0],
                    fingerprint,
                    link_signature(village.code, position, fingerprint),
                    published_at,
                    self.type_ids[model],
                    village.pk,
                ]
            )
            previous = fingerprint
        if links:
            rows["disclosures_chainhead"].append(
                [
                    village.pk,
                    len(links),
                    previous,
                    head_signature(village.code, len(links), previous),
                    links[-1][0],
                ]
            )
        self.question_rows(rows, village, accountant, rng)
        self.visit_rows(rows, village, rng)

    def ledger_rows(self, rows, links, village, accountant, reviewer, rng):
        balance = Decimal(rng.randrange(60_000, 240_000))
        last_year, last_month = add_months(self.today.year, self.today.month, -1)
        first = add_months(last_year, last_month, -(12 * self.years - 1))
        for offset in range(12 * self.years + 1):
            year, month = add_months(*first, offset)
            draft = offset == 12 * self.years  # this month: still being entered
            month_id = self.ids.take("disclosures_ledgermonth")
            lines = self.month_lines(village, year, month, balance, month_id, rng, draft)
            for line in lines:
                rows["disclosures_ledgerentry"].append(
                    self.entry_row(line, month_id, None, accountant)
                )
            income = sum(line.amount for line in lines if line.kind == "income")
            expense = sum(line.amount for line in lines if line.kind == "expense")
            closing = balance + income - expense
            published_on = datetime.date(*add_months(year, month, 1), rng.randint(3, 12))
            published_at = None if draft else local_time(published_on, rng.randint(9, 17))
            created = local_time(datetime.date(year, month, 1), 8)
            ledger = LedgerMonth(village=village, year=year, month=month, opening_balance=balance)
            row = [
                month_id, year, month, balance,
                "draft" if draft else "published",
                created, published_at, accountant, None if draft else reviewer, village.pk,
                None if draft else CHAIN, FINGERPRINT if not draft else "",
                PREVIOUS if not draft else "",
                published_at, None if draft else accountant,
                "" if closing >= 0 else "上级补助资金尚未到账，临时垫付。", "",
            ]  # fmt: skip
            if row[15]:
                ledger.negative_balance_reason = row[15]
            self.counts["entries"] += len(lines)
            self.counts["months"] += 1
            if draft:
                rows["disclosures_ledgermonth"].append(row)
                break
            links.append((published_at, "disclosures_ledgermonth", row,
                          ledger.canonical_content(entries=lines), LedgerMonth))  # fmt: skip
            balance = closing
            if rng.random() < 1 / 12:  # about one correction a year
                balance += self.correction(rows, links, ledger, month_id, lines, published_at,
                                           accountant, reviewer, rng)  # fmt: skip

    def month_lines(self, village, year, month, opening, month_id, rng, draft):
        first = datetime.date(year, month, 1)
        last = (datetime.date(*add_months(year, month, 1), 1)) - datetime.timedelta(days=1)
        if draft:
            last = min(last, self.today)
        lines = []
        for kind, old, new, text, low, high, times in LINES:
            for _ in range(times):
                if len(lines) and rng.random() < 0.15:
                    continue
                amount = Decimal(rng.randint(low * 100, high * 100)) / 100
                lines.append((kind, old if year <= 2023 else new, text, amount))
        if draft:
            lines = lines[: len(lines) // 2]
        expense = sum(amount for kind, *_, amount in lines if kind == "expense")
        income = sum(amount for kind, *_, amount in lines if kind == "income")
        if opening + income - expense < 20_000:  # the township tops up a village's cash
            lines.append(("income", "补助收入", "村级组织运转经费", expense - income + 20_000))
        days = sorted(first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                      for _ in lines)  # fmt: skip
        rng.shuffle(lines)
        result = []
        for number, ((kind, category, text, amount), day) in enumerate(
            zip(lines, days, strict=True), 1
        ):
            result.append(self.line(
                self.ids.take("disclosures_ledgerentry"), day, f"记{month:02d}-{number:03d}",
                text.format(month=month), kind, self.categories[(kind, category)],
                to_yuan(amount), rng.choice(FUNDING), rng.choice(SURNAMES) + "会计",
                rng.choice(SURNAMES) + "书记" if kind == "expense" else "",
            ))  # fmt: skip
        return result

    @staticmethod
    def line(pk, day, voucher, text, kind, category, amount, funding, handled, approved):
        return SimpleNamespace(
            pk=pk, date=day, voucher_number=voucher, description=text, kind=kind,
            category=category, amount=amount, funding_source=funding, handled_by=handled,
            approved_by=approved, major_matter_id=None, contract_id=None, photos=NoPhotos,
        )  # fmt: skip

    @staticmethod
    def entry_row(line, month_id, correction_id, accountant):
        return [
            line.pk, line.date, line.voucher_number, line.description, line.kind, line.amount,
            line.funding_source, line.handled_by, line.approved_by, line.category.pk,
            month_id, correction_id, accountant, accountant,
        ]  # fmt: skip

    def correction(self, rows, links, ledger, month_id, lines, published_at, accountant,
                   reviewer, rng):  # fmt: skip
        """Reverse part of one expense line, a week after the month was published."""
        wrong = rng.choice([line for line in lines if line.kind == "expense"])
        correction_id = self.ids.take("disclosures_ledgercorrection")
        amount = -to_yuan(wrong.amount * Decimal("0.1"))
        if amount == 0:
            return Decimal("0")
        adjusting = self.line(
            self.ids.take("disclosures_ledgerentry"), ledger.last_day, "更-001",
            f"冲销：{wrong.voucher_number} {wrong.description}多记部分", "expense",
            wrong.category, amount, wrong.funding_source, wrong.handled_by, wrong.approved_by,
        )  # fmt: skip
        rows["disclosures_ledgerentry"].append(
            self.entry_row(adjusting, month_id, correction_id, accountant)
        )
        at = published_at + datetime.timedelta(days=7)
        reason = f"{wrong.voucher_number}金额多记{-amount}元，按票据更正。"
        correction = LedgerCorrection(ledger=ledger, reason=reason)
        row = [correction_id, "published", at, at, at, CHAIN, PREVIOUS, FINGERPRINT, reason,
               accountant, month_id, reviewer, accountant]  # fmt: skip
        content = correction.canonical_content(entries=[adjusting])
        links.append((at, "disclosures_ledgercorrection", row, content, LedgerCorrection))
        self.counts["entries"] += 1
        self.counts["corrections"] += 1
        return -amount  # an expense made smaller: the balance goes up

    def disclosure_rows(self, links, village, accountant, reviewer, rng):
        first_day = datetime.date(self.today.year - self.years, self.today.month, 1)
        for item in self.items:
            for start in item.periods_between(first_day, self.today):
                deadline = item.deadline_for(start)
                if deadline >= self.today or rng.random() < 0.08:  # not due yet, or missing
                    continue
                late = rng.random() < 0.12
                day = deadline + datetime.timedelta(
                    days=rng.randint(1, 40) if late else -rng.randint(0, 8)
                )
                self.disclosure(links, village, item, start, min(day, self.today), accountant,
                                reviewer, rng)  # fmt: skip
        for _ in range(4 * self.years):
            item = rng.choice(self.events)
            start = self.today - datetime.timedelta(days=rng.randint(20, 365 * self.years))
            day = start + datetime.timedelta(days=rng.randint(1, item.deadline_day + 5))
            self.disclosure(links, village, item, start, day, accountant, reviewer, rng)

    def disclosure(self, links, village, item, start, day, accountant, reviewer, rng):
        pk = self.ids.take("disclosures_disclosure")
        at = local_time(day, rng.randint(9, 17))
        title = f"{item.name}（{start:%Y年%m月}）"
        body = (
            f"{village.name}{start:%Y年%m月}{item.name}：详见村务公开栏。"
            f"经手人{rng.choice(SURNAMES)}某。"
        )
        content = {
            # Disclosure.canonical_content, for a disclosure without attachments or rows.
            "type": "disclosure",
            "village": village.code,
            "item": item.name,
            "period": start.isoformat(),
            "title": title,
            "body": body,
            "attachments": [],
            "rows": [],
        }
        row = [pk, "published", at, at, at, CHAIN, PREVIOUS, FINGERPRINT, start, title, body,
               accountant, item.pk, reviewer, accountant, village.pk]  # fmt: skip
        links.append((at, "disclosures_disclosure", row, content, Disclosure))
        self.counts["disclosures"] += 1

    def question_rows(self, rows, village, accountant, rng):
        for _ in range(6 * self.years):
            pk = self.ids.take("disclosures_question")
            received = local_time(
                self.today - datetime.timedelta(days=rng.randint(0, 365 * self.years)),
                rng.randint(7, 21),
            )
            due = timezone.localdate(received) + datetime.timedelta(days=20)
            answered = received + datetime.timedelta(days=rng.randint(1, 25))
            open_ = answered > timezone.now()
            code = "".join(rng.choices(TRACKING_ALPHABET, k=TRACKING_LENGTH))
            rows["disclosures_question"].append(
                [
                    pk,
                    code,
                    f"请问{received:%Y年%m月}的{rng.choice(LINES)[3]}是做什么用的？",
                    "",
                    "",
                    "",
                    received,
                    due,
                    "received" if open_ else "answered",
                    None if open_ else answered,
                    None,
                    "",
                    None,
                    None,
                    None,
                    "",
                    None,
                    None,
                    None,
                    village.pk,
                    "",
                ]  # fmt: skip
            )
            if not open_:
                rows["disclosures_answer"].append(
                    [
                        self.ids.take("disclosures_answer"),
                        "已核实，票据在村委会可查，欢迎监督。",
                        False,
                        answered,
                        accountant,
                        pk,
                    ]  # fmt: skip
                )
            self.counts["questions"] += 1

    def visit_rows(self, rows, village, rng):
        for back in range(VISIT_DAYS):
            views = rng.randint(0, 60)
            rows["villages_villagevisitday"].append(
                [
                    self.ids.take("villages_villagevisitday"),
                    self.today - datetime.timedelta(days=back),
                    views,
                    rng.randint(0, views // 2),
                    village.pk,
                ]  # fmt: skip
            )
        self.counts["visit days"] += VISIT_DAYS

    def finish(self):
        """Move every sequence past the ids taken, and leave the tables as a running
        portal's would be after autovacuum: their visibility maps set (index-only scans)
        and the planner's statistics fresh."""
        with connection.cursor() as cursor:
            for table, value in self.ids.next.items():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, value]
                )
            cursor.execute("VACUUM (ANALYZE)")


# Placeholders in a row, filled in when the village's links are put in chain order.
CHAIN, PREVIOUS, FINGERPRINT = object(), object(), object()
