"""The reviewer sees a month's totals against last month, the flags and every line with
its receipts on the page where they publish or send it back (disclosures/finance/review.py)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from disclosures.finance.models import Kind
from disclosures.finance.photos import attach_receipt
from disclosures.finance.review import month_review
from tests.disclosures.review_helpers import draft_month, line


@pytest.fixture
def august(wumiao, accountant, reviewer):
    july = draft_month(wumiao, 2026, 7, created_by=accountant)
    july.submit(accountant)
    july.publish(reviewer)
    august = draft_month(wumiao, 2026, 8, created_by=accountant, lines=3)
    # 60,000: above the major-matter threshold, and no matter decided it.
    line(august, 20, "记08-009", Kind.EXPENSE, "公益支出", "60000.00", description="修村路")
    line(august, 21, "记08-010", Kind.EXPENSE, "管理费用", "1500.00", approved_by="")
    august.opening_balance = Decimal("99.00")  # not July's closing
    august.opening_reason = "7月底的现金已交乡经管站代管"
    august.negative_balance_reason = "修路款先由乡里垫付，下月拨回"
    august.save()
    august.submit(accountant)
    return august


def test_the_totals_compare_with_last_month(august):
    review = month_review(august)

    assert review.summary.income == Decimal("4500.00")
    assert review.summary.expense == Decimal("386.50") + Decimal("1200.00") + Decimal("61500.00")
    assert review.previous_summary.expense == Decimal("386.50")
    assert review.expense_change == review.summary.expense - Decimal("386.50")
    assert review.income_change == Decimal("0.00")


def test_it_flags_what_needs_attention(august):
    with translation.override("en"):
        flags = [
            (f.text, f.entry.voucher_number if f.entry else None)
            for f in month_review(august).flags
        ]

    assert ("Large expense without a published decision (四议两公开)", "记08-009") in flags
    assert ("No approver named", "记08-010") in flags
    vouchers = [voucher for _text, voucher in flags]
    # 1,200, 60,000 and 1,500 have no receipt photo; 1,500 has no approver.
    assert vouchers.count("记08-010") == 2
    assert "记08-003" in vouchers
    assert "记08-002" not in vouchers  # 386.50 is under the threshold
    assert None in vouchers  # the opening balance


def test_a_receipt_clears_its_flag(august, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = august.entries.get(voucher_number="记08-003")
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, format="JPEG")

    attach_receipt(entry, SimpleUploadedFile("r.jpg", image.getvalue(), "image/jpeg"))

    flagged = [f.entry.voucher_number for f in month_review(august).flags if f.entry]
    assert "记08-003" not in flagged


def test_the_reviewer_page_shows_it_all_with_the_buttons(client_for, reviewer, august):
    html = (
        client_for(reviewer)
        .get(reverse("admin:disclosures_ledgermonth_change", args=[august.pk]))
        .content.decode()
    )

    assert 'id="month-review"' in html
    assert "修村路" in html
    assert "63,086.50" in html  # this month's expense
    assert 'id="month-review-flags"' in html
    assert 'value="publish"' in html and 'value="send_back"' in html


def test_the_review_costs_a_fixed_number_of_queries(august, django_assert_num_queries):
    with django_assert_num_queries(4):
        review = month_review(august)
        list(review.flags)
        assert review.previous_summary is not None
