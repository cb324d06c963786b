"""Generated input against the public pages, the question form, the importer and the
admin as an accountant (Hypothesis). Whatever comes in: no server error, no partial write,
and every stored amount is what the cell meant, or the row was refused.

CI runs the "ci" profile (few examples, under two minutes with the rest of the suite);
`make fuzz` runs the "long" one (HYPOTHESIS_PROFILE=long).
"""

import csv
import datetime
import io
import itertools
import os
import re
import unicodedata
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from disclosures.finance import importing
from disclosures.models import LedgerEntry
from disclosures.money import CENT
from disclosures.questions.models import Question, QuestionEvent
from tests import factories

hypothesis_settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "long",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CODE = "371603201201"
HEADER = ["日期", "凭证号", "摘要", "收支", "科目", "金额"]

# Characters people, programs and attackers send: controls, bidi overrides, full-width
# forms, NUL, surrogates excluded (they cannot travel in UTF-8).
awkward_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(["\x00", "\u202e", "\ufeff", "，", "％", ".", "/", "?", "#", "&", "="]),
    max_size=40,
)


@pytest.fixture
def village(wumiao):
    """A village with a published month of entries, a draft month and a question."""
    factories.make_month(wumiao, 2022, 6, entries=5)
    factories.make_month(wumiao, 2022, 7, entries=2, published=False)
    when = datetime.datetime(2022, 7, 2, tzinfo=datetime.UTC)
    Question.receive(wumiao, "这笔钱是做什么用的？", now=when)
    return wumiao


def browser():
    return Client(raise_request_exception=False, HTTP_USER_AGENT="Mozilla/5.0")


def assert_no_server_error(response, what):
    assert response.status_code < 500, what


# Public pages: paths and query strings

PREFIXES = [
    "/",
    f"/v/{CODE}/",
    f"/v/{CODE}/finance/",
    f"/v/{CODE}/finance/2022-06",
    f"/v/{CODE}/finance/2022-06/poster.pdf",
    f"/v/{CODE}/entries/",
    f"/v/{CODE}/ask/",
    f"/v/{CODE}/questions/",
    f"/v/{CODE}/m/",
    f"/v/{CODE}/d/",
    f"/v/{CODE}/matters/",
    f"/v/{CODE}/powers/",
    f"/v/{CODE}/sunshine/",
    "/q/",
    "/language/",
    "/v/",
]
PARAMETERS = ["q", "next", "sort", "entry", "matter", "disclosure", "code", "page", "size", "qr"]


@given(
    prefix=st.sampled_from(PREFIXES),
    rest=awkward_text,
    query=st.dictionaries(st.sampled_from(PARAMETERS) | awkward_text, awkward_text, max_size=4),
)
def test_public_paths_and_query_strings(village, prefix, rest, query):
    path = prefix + rest.replace("\x00", "%00")
    response = browser().get(path, query)
    assert_no_server_error(response, (path, query))


# The question form


@given(
    text=awkward_text,
    name=awkward_text,
    phone=awkward_text,
    website=st.sampled_from(["", "x"]),
    about=st.dictionaries(st.sampled_from(["entry", "matter", "disclosure"]), awkward_text),
)
def test_question_form_bodies(village, settings, text, name, phone, website, about):
    settings.QUESTIONS_PER_HOUR = 10_000
    before = (Question.objects.count(), QuestionEvent.objects.count())
    data = {"text": text, "name": name, "phone": phone, "website": website, **about}

    response = browser().post(f"/v/{CODE}/ask/", data)

    assert_no_server_error(response, data)
    questions, events = Question.objects.count(), QuestionEvent.objects.count()
    if response.status_code == 302:
        assert (questions, events) == (before[0] + 1, before[1] + 1)
        stored = Question.objects.latest("pk")
        assert "\x00" not in stored.text and "\u202e" not in stored.text
    else:  # refused: nothing written
        assert (questions, events) == before


# Amount cells: what the cell meant, or the row refused

CENTS = st.integers(min_value=1, max_value=10**14 - 1)


def typed_like_people(cents, style):
    """An amount as someone types it, with what it means."""
    amount = Decimal(cents) / 100
    plain = f"{amount:.2f}"
    grouped = f"{amount:,.2f}"
    forms = {
        "plain": plain,
        "grouped": grouped,
        "yuan": f"{plain}元",
        "sign": f"￥{grouped}",
        "integer": f"{int(amount):,}" if cents % 100 == 0 else plain,
        "full-width": unicodedata.normalize("NFKC", plain).translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
        ),
    }
    return forms[style], amount


def parse_one(month, cell, fmt):
    row = ["2022-07-05", "记07-001", "电费", "支出", "管理费用", cell]
    if fmt == "csv":
        output = io.StringIO()
        csv.writer(output).writerows([HEADER, row])
        content = output.getvalue().encode()
    else:
        workbook = Workbook()
        workbook.active.append(HEADER)
        workbook.active.append(row)
        output = io.BytesIO()
        workbook.save(output)
        content = output.getvalue()
    return importing.parse_entries(month, content)


@pytest.fixture
def draft(village):
    return village.ledger_months.get(year=2022, month=7)


@given(
    cents=CENTS,
    style=st.sampled_from(["plain", "grouped", "yuan", "sign", "integer", "full-width"]),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_amounts_typed_as_people_do_mean_what_they_say(draft, cents, style, fmt):
    typed, meant = typed_like_people(cents, style)
    (row,) = parse_one(draft, typed, fmt).rows
    assert row.entry.amount == meant, (typed, row.errors)


def what_junk_means(typed):
    """The only reading of an amount text that is not a guess: digits with at most one
    point, grouped (if at all) by commas or spaces exactly every three digits before it,
    an optional yuan sign or word. None: it means nothing certain."""
    if "，" in typed or "、" in typed:
        return None
    text = unicodedata.normalize("NFKC", typed).strip()
    text = re.sub(r"^(¥|rmb|cny)|(元整?|整|rmb|cny)$", "", text, flags=re.IGNORECASE).strip()
    sign, point = r"[+-]?", r"(\.\d*)?"
    for pattern, separator in [
        (rf"{sign}\d{{1,3}}(,\d{{3}})+{point}", ","),
        (rf"{sign}\d{{1,3}}( \d{{3}})+{point}", " "),
        (rf"{sign}(\d+{point}|\.\d+)", ""),
    ]:
        if re.fullmatch(pattern, text):
            return Decimal(text.replace(separator, "") if separator else text)
    return None


def what_a_number_cell_means(cell):
    meant = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    if isinstance(cell, float) and abs(meant - meant.quantize(CENT)) < Decimal("1e-9"):
        meant = meant.quantize(CENT)  # a formula's binary noise (documented)
    return meant


@given(
    cell=st.text(st.sampled_from("0123456789,.，、 ¥$€元整-+eE１２，"), min_size=1, max_size=16)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**20), max_value=10**20),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_any_amount_cell_is_what_it_meant_or_refused(draft, cell, fmt):
    try:
        result = parse_one(draft, cell, fmt)
    except importing.SpreadsheetError:
        return  # the whole file refused: nothing read
    (row,) = result.rows
    amount = row.entry.amount
    if amount is None:
        return  # refused, with a row error
    if isinstance(cell, str) or fmt == "csv":
        meant = what_junk_means(str(cell) if not isinstance(cell, float) else repr(cell))
    else:
        meant = what_a_number_cell_means(cell)
    assert meant is not None and amount == meant, (cell, amount)


# Whole files: never a crash, all rows or none


def xlsx_mutations():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["2022-07-05", "记07-001", "电费", "支出", "管理费用", "420"])
    output = io.BytesIO()
    workbook.save(output)
    good = output.getvalue()
    return st.builds(
        lambda position, junk: good[:position] + junk + good[position + len(junk) :],
        st.integers(0, len(good)),
        st.binary(min_size=1, max_size=40),
    )


def import_and_count(month, accountant, content):
    """(result or None, entries written); the entries written are removed again."""
    last = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    try:
        result = importing.import_entries(month, accountant, content)
    except importing.SpreadsheetError:
        result = None
    written = LedgerEntry.objects.filter(pk__gt=last)
    count = written.count()
    written.delete()
    return result, count


@given(content=st.binary(max_size=2000) | xlsx_mutations())
def test_import_files_never_crash_and_write_all_or_nothing(draft, accountant, content):
    result, written = import_and_count(draft, accountant, content)

    assert written == (len(result.rows) if result and result.is_valid else 0)


@given(
    cells=st.lists(
        st.tuples(awkward_text, awkward_text, awkward_text, awkward_text, awkward_text),
        min_size=1,
        max_size=4,
    )
)
def test_import_rows_of_awkward_text(draft, accountant, cells):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADER)
    for voucher, description, kind, category, amount in cells:
        writer.writerow(["2022-07-05", voucher, description, kind or "支出", category, amount])
    result, written = import_and_count(draft, accountant, output.getvalue().encode())

    assert written == (len(result.rows) if result and result.is_valid else 0)


# The admin as an accountant: an entry's form


@given(
    fields=st.fixed_dictionaries(
        {
            "date": awkward_text | st.just("2022-07-05"),
            "voucher_number": awkward_text,
            "description": awkward_text,
            "kind": st.sampled_from(["income", "expense", "", "x"]),
            "category": awkward_text | st.just("1"),
            "amount": awkward_text | st.decimals(allow_nan=True).map(str),
            "funding_source": st.sampled_from(["own", "", "x"]),
            "handled_by": awkward_text,
        }
    )
)
def test_admin_entry_form_as_an_accountant(draft, accountant, fields):
    month = draft
    client = browser()
    client.force_login(accountant)
    before = LedgerEntry.objects.count()

    response = client.post(
        f"/admin/disclosures/ledgerentry/add/?ledger={month.pk}",
        {
            "ledger": month.pk,
            **fields,
        },
    )

    assert_no_server_error(response, fields)
    if response.status_code == 302:
        entry = LedgerEntry.objects.latest("pk")
        assert entry.amount == Decimal(fields["amount"].strip())
        entry.delete()
    assert LedgerEntry.objects.count() == before


# What is stored always exports


MONTHS = itertools.count()  # examples share the database: each publishes a month of its own


@hypothesis_settings(max_examples=5)  # a poster each: WeasyPrint takes a while
@given(texts=st.lists(awkward_text.filter(lambda t: t.strip()), min_size=1, max_size=3))
def test_any_stored_text_exports(wumiao, texts, pdf_worker):
    number = next(MONTHS)
    year, month_number = 2000 + number // 12, number % 12 + 1
    month = factories.make_month(wumiao, year, month_number, entries=len(texts), published=False)
    for entry, text in zip(month.entries.all(), texts, strict=True):
        entry.description = text.replace("\x00", "")[:200]
        entry.handled_by = text.replace("\x00", "")[:50]
        entry.save()
    factories.publish(month)
    client = browser()
    for suffix in (".csv", ".xlsx", "/"):
        response = client.get(f"/v/{CODE}/finance/{month.period_slug}{suffix}")
        assert response.status_code == 200, suffix
    assert pdf_worker.get_pdf(client, f"/v/{CODE}/finance/{month.period_slug}/poster.pdf")
