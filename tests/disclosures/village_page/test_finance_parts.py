"""The finance parts of the public pages (disclosures/caching.finance_parts): the latest
month, the list of months, a month's and a year's content are rendered once per finance
publication. News in another module renders the page around them; anything a finance
page shows renders them again."""

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.affairs.models import Disclosure
from disclosures.finance.models import LedgerCorrection, LedgerMonth
from disclosures.matters.models import MatterStep
from disclosures.publishing import Publishable
from disclosures.sunshine.models import SunshineReport
from tests import factories
from tests.disclosures.affairs.affairs_helpers import make_disclosure
from tests.disclosures.finance.finance_helpers import EXPENSE, INCOME, correction, published_month
from tests.disclosures.questions.question_helpers import ask
from tests.disclosures.village_page.test_village_page import SUMMARY_QUERIES, after_publication
from villages.models import Village

WUMIAO_URL = "/v/371603201201/"
MONTH_URL = f"{WUMIAO_URL}finance/2026-09/"
YEAR_URL = f"{WUMIAO_URL}finance/2026/"
# What a page costs when its parts come from the cache (and the village with its state,
# the village page's views this month: villages.visits.views_this_month_kept): nothing.
AROUND_FINANCE = {WUMIAO_URL: 0, MONTH_URL: 0, YEAR_URL: 0}


@pytest.fixture
def september(wumiao):
    return published_month(
        wumiao,
        2026,
        9,
        [
            (3, "记09-001", "集体土地年度承包费", INCOME, "经营收入", "96000"),
            (12, "记09-003", "村内环境整治费用", EXPENSE, "公益支出", "6500"),
        ],
    )


def forget_pages():
    """What a page's expiry does: the rendered pages are gone, nothing else."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        pages = [key for key in backend._cache if ":public-page:" in key]
        cache.delete_many([key.split(":", 2)[2] for key in pages])  # without ":1:"
    else:  # Redis: the keys carry the cache's prefix and version
        redis = backend._cache.get_client()
        redis.delete(*redis.keys("*:public-page:*") or ["none"])


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("url", list(AROUND_FINANCE))
def test_a_page_expiry_renders_it_around_its_finance_parts(client, september, url):
    after_publication(september.village)
    full, first = queries_of(client, url)
    forget_pages()

    around, again = queries_of(client, url)

    assert around == AROUND_FINANCE[url] < full
    assert again == first


@pytest.mark.parametrize("url", list(AROUND_FINANCE))
def test_news_in_another_module_keeps_the_finance_parts(
    django_capture_on_commit_callbacks, client, september, url
):
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        make_disclosure(september.village, title="关于村内道路硬化的决议")

    count, page = queries_of(client, url)

    # The village page's summary is news: the worker has not rendered it yet, the page
    # computes it. Its finance parts are kept.
    summary = SUMMARY_QUERIES if url == WUMIAO_URL else 0
    assert count == AROUND_FINANCE[url] + summary
    assert "96,000.00" in page
    if url == WUMIAO_URL:  # the news itself is on the village page
        assert "关于村内道路硬化的决议" in page


def test_the_kinds_that_keep_the_finance_parts():
    shown = {model for model in Publishable.__subclasses__() if model.shown_on_finance_pages}
    assert {LedgerMonth, LedgerCorrection, MatterStep} <= shown
    assert not {Disclosure, SunshineReport} & shown


@pytest.mark.parametrize("url", list(AROUND_FINANCE))
def test_a_published_correction_renders_them_again(client, september, url):
    client.get(url)

    correction(
        september,
        "承包费应为95000元",
        [(3, "记09-101", "冲减多记承包费", INCOME, "经营收入", "-1000")],
    )

    page = client.get(url).content.decode()
    assert "95,000.00" in page if url != MONTH_URL else "承包费应为95000元" in page


@pytest.mark.parametrize("url", [WUMIAO_URL, MONTH_URL])
def test_a_question_about_a_line_renders_them_again(client, september, accountant, url):
    client.get(url)
    line = september.entries.get(voucher_number="记09-003")

    question = ask(september.village, "这笔6500元是做什么的？", subject=line)
    assert "这笔6500元是做什么的？" in client.get(url).content.decode()
    question.answer(accountant, "清理村内垃圾的人工费。")
    assert "清理村内垃圾的人工费。" in client.get(url).content.decode()


def test_a_question_about_no_line_keeps_them(client, september):
    village = Village.objects.get(pk=september.village.pk)
    ask(village, "村里什么时候修路？")
    village.refresh_from_db()
    assert village.public_version > village.finance_version


def test_a_new_threshold_renders_them_again(client, september):
    township = september.village.township
    township.major_matter_threshold = 100000
    township.save()
    assert "decision-flag" not in client.get(MONTH_URL).content.decode()

    township.major_matter_threshold = 5000
    township.save()
    forget_pages()  # the township's pages expire; their finance parts must not stay

    assert "decision-flag" in client.get(MONTH_URL).content.decode()


def test_each_language_has_its_own_parts(client, september):
    chinese = client.get(MONTH_URL).content.decode()
    english = client.get(MONTH_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "条目" in chinese or "记09-001" in chinese
    assert "Entries" in english and "Entries" not in chinese


def test_an_answer_renders_the_village_pages_parts_once_it_commits(
    django_capture_on_commit_callbacks, client, september, accountant, pdf_worker
):
    question = ask(september.village, "村里什么时候修路？")
    with django_capture_on_commit_callbacks(execute=True):
        question.answer(accountant, "明年春天。")
    pdf_worker.run()

    count, page = queries_of(client, WUMIAO_URL)
    assert count == 1  # the summary and the month are ready: the views this month


def test_news_for_many_villages_is_rendered_by_the_worker(
    django_capture_on_commit_callbacks, client, pdf_worker, september, liguo
):
    for number in range(4):
        factories.make_village(liguo, f"37160320130{number}", f"新村{number}")
    with django_capture_on_commit_callbacks(execute=True):
        Village.objects.filter(township=liguo).bump_public_version(finance=False)
    assert pdf_worker.queued("render_parts_in_background") == 1
    assert queries_of(client, WUMIAO_URL)[0] > AROUND_FINANCE[WUMIAO_URL]  # not yet

    # Newer news meanwhile: the worker renders the versions as they are when it runs.
    with django_capture_on_commit_callbacks(execute=True):
        Village.objects.filter(township=liguo).bump_public_version(finance=False)
    pdf_worker.run()

    assert queries_of(client, WUMIAO_URL)[0] == AROUND_FINANCE[WUMIAO_URL]
