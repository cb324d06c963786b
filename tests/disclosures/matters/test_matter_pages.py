"""The public pages of major matters: /v/<code>/matters/ and /v/<code>/matters/<pk>/."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.attachments import Attachment
from tests import factories
from tests.disclosures.matters.matter_data import (
    correction_with_entries,
    make_matter,
    make_steps,
    month_with_entries,
)

# The village, the public matters with their spending, their published steps (the visit is
# counted in the cache).
LIST_QUERIES = 3
# The village, the matter, its published steps, their attachments, the linked entries, the
# questions about it (their answers only when there are some).
DETAIL_QUERIES = 6


def list_url(village):
    return f"/v/{village.code}/matters/"


def detail_url(matter):
    return f"/v/{matter.village.code}/matters/{matter.pk}/"


@pytest.fixture
def road(wumiao):
    """Resolved and disclosed (steps 1-5 published), the result step still a draft."""
    matter = make_matter(wumiao)
    make_steps(matter, published=5, drafts=1)
    return matter


def test_the_urls_are_named_matters_and_matter(road):
    assert reverse("disclosures:matters", kwargs={"code": "371603201201"}) == list_url(road.village)
    assert road.get_absolute_url() == detail_url(road)


def test_the_list_shows_public_matters_with_their_current_step_and_money(client, wumiao, road):
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", road)])
    internal = make_matter(wumiao, title="尚未公开的事项")
    make_steps(internal, drafts=2)

    response = client.get(list_url(wumiao))

    assert response.status_code == 200
    content = response.content.decode()
    assert "村内主干道硬化工程" in content
    assert detail_url(road) in content
    assert "尚未公开的事项" not in content
    assert "第5步，共6步：决议公开" in content
    assert "预算 180,000.00 元 · 已支出 90,000.00 元（50%）" in content
    assert "剩余 90,000.00 元" in content
    assert 'width="50.0"' in content


def test_the_list_is_empty_without_public_matters(client, wumiao):
    response = client.get(list_url(wumiao))

    assert response.status_code == 200
    assert "还没有公开的重大事项" in response.content.decode()


def test_the_list_does_not_show_another_villages_matters(client, wumiao, yanjia):
    theirs = make_matter(yanjia, title="闫家村的工程")
    make_steps(theirs, published=1)

    assert "闫家村的工程" not in client.get(list_url(wumiao)).content.decode()


def test_a_matter_without_a_published_step_is_404(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, drafts=3)

    assert client.get(detail_url(matter)).status_code == 404


def test_a_matter_is_404_under_another_villages_code(client, road, yanjia):
    assert client.get(f"/v/{yanjia.code}/matters/{road.pk}/").status_code == 404


def test_the_timeline_shows_published_steps_and_only_that_the_rest_is_pending(client, road):
    draft = road.steps.get(step=6)
    draft.record = "草稿：尚未审核的结果记录"
    draft.save()

    content = client.get(detail_url(road)).content.decode()

    assert "草稿：尚未审核的结果记录" not in content
    for step in road.steps.published():
        assert step.record in content
        assert step.short_fingerprint in content
    assert content.count("尚未公开") == 1
    assert "实施结果公开" in content


def test_it_shows_the_meetings_attendance_and_votes(client, road):
    content = client.get(detail_url(road)).content.decode()

    assert "村民代表会议" in content
    assert "到会 23/30" in content
    assert "赞成 20 · 反对 2 · 弃权 1" in content
    assert "赞成 22 · 反对 1 · 弃权 1" in content  # the party members' meeting
    assert "2026-03-23" in content  # the resolution's date


def test_it_says_what_was_decided(client, road):
    response = client.get(detail_url(road))

    assert response.context["resolution"].record == "村民代表会议表决通过实施方案。"
    assert "决议内容" in response.content.decode()


def test_before_the_resolution_it_says_nothing_is_decided(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=3)

    response = client.get(detail_url(matter))

    assert response.context["resolution"] is None
    assert "尚未公开决议" in response.content.decode()


def test_it_counts_only_linked_expenses_of_published_lists(client, wumiao, yanjia, road):
    other = make_matter(wumiao, title="村文化广场建设")
    april = month_with_entries(
        wumiao,
        2026,
        4,
        [("记04-001", "90000.00", road), ("记04-002", "5000.00", other), ("记04-003", "800", None)],
    )
    month_with_entries(wumiao, 2026, 6, [("记06-001", "60000.00", road)])
    month_with_entries(wumiao, 2026, 7, [("记07-001", "26800.00", road)], published=False)
    correction_with_entries(april, [("记04-101", "-1000.00", road)])
    correction_with_entries(april, [("记04-102", "7777.00", road)], published=False)

    response = client.get(detail_url(road))

    spending = response.context["spending"]
    assert str(spending.spent) == "149000.00"
    assert str(spending.remaining) == "31000.00"
    vouchers = [entry.voucher_number for entry in response.context["entries"]]
    assert vouchers == ["记04-001", "记04-101", "记06-001"]
    content = response.content.decode()
    assert "26,800.00" not in content  # the draft month's expense
    assert "7,777.00" not in content  # the draft correction's
    assert "已支出 149,000.00 元（83%）" in content


def test_each_entry_links_to_its_row_on_the_months_page(client, wumiao, road):
    month = month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", road)])
    entry = month.entries.get()

    content = client.get(detail_url(road)).content.decode()

    permalink = f"/v/371603201201/entries/{entry.pk}/"
    assert f'href="{permalink}"' in content
    assert client.get(permalink)["Location"] == f"/v/371603201201/finance/2026-04/#entry-{entry.pk}"


def test_it_shows_an_overrun(client, wumiao, road):
    month_with_entries(
        wumiao, 2026, 4, [("记04-001", "150000.00", road), ("记04-002", "40000.00", road)]
    )

    response = client.get(detail_url(road))

    content = response.content.decode()
    assert "超出预算 10,000.00 元" in content
    assert 'width="100.0"' in content
    assert response.context["matter"].pk == road.pk


def test_it_lists_the_attachments_of_published_steps(client, wumiao, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    matter = make_matter(wumiao)
    first, second = make_steps(matter, drafts=2)
    for step, title in ((first, "会议记录"), (second, "草稿附件")):
        data = b"%PDF-1.4 minutes"
        Attachment.objects.create(
            step=step,
            title=title,
            token=hashlib.md5(title.encode()).hexdigest(),
            extension="pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            file=ContentFile(data, name="x.pdf"),
            summary=f"{title}的摘要",
        )
    factories.publish(first)

    content = client.get(detail_url(matter)).content.decode()

    assert "会议记录" in content
    token = hashlib.md5("会议记录".encode()).hexdigest()
    assert f"/v/371603201201/attachments/{token}" in content
    assert "草稿附件" not in content


def test_it_speaks_english_on_request(client, road):
    content = client.get(detail_url(road), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Present 23/30" in content
    assert "For 20 · against 2 · abstaining 1" in content
    assert "Villager representatives resolve" in content


def test_the_page_is_cached_until_the_village_publishes(client, road, django_assert_num_queries):
    client.get(detail_url(road))
    with django_assert_num_queries(0):  # cached: the village's state and the count in the cache
        client.get(detail_url(road))

    factories.publish(road.steps.get(step=6))

    assert "工程完工，验收合格。" in client.get(detail_url(road)).content.decode()


def test_the_list_makes_the_same_queries_for_1_or_20_matters(client, wumiao, yanjia):
    def build(village, count):
        for number in range(count):
            matter = make_matter(village, title=f"事项{number}")
            make_steps(matter, published=1 + number % 6)

    build(wumiao, 1)
    build(yanjia, 20)
    counts = []
    for village in (wumiao, yanjia):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(list_url(village))
        assert response.status_code == 200
        counts.append(len(queries))

    assert len(response.context["matters"]) == 20
    assert counts == [LIST_QUERIES, LIST_QUERIES]


def test_the_matter_makes_the_same_queries_for_1_or_50_linked_entries(client, wumiao, yanjia):
    small = make_matter(wumiao)
    make_steps(small, published=6)
    month_with_entries(wumiao, 2026, 4, [("记04-001", "1000.00", small)])
    large = make_matter(yanjia)
    make_steps(large, published=6)
    for month in range(1, 6):
        lines = [(f"记{month:02d}-{n:03d}", "100.00", large) for n in range(10)]
        month_with_entries(yanjia, 2026, month, lines)

    counts = []
    for matter in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(detail_url(matter))
        assert response.status_code == 200
        counts.append(len(queries))

    assert len(response.context["entries"]) == 50
    assert counts == [DETAIL_QUERIES, DETAIL_QUERIES]
