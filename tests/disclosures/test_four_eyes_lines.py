"""Four eyes per line: whoever typed, imported or changed any line of a list (or a
photo of a line, or a disclosure's rows and attachments) cannot publish it, even when
someone else created and submitted it. both_roles keeps and reviews 五庙村's books."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from disclosures.finance.importing import import_entries
from disclosures.models import LedgerEntry, ReviewEvent, Status
from tests import factories
from tests.disclosures.affairs.affairs_helpers import PDF_BYTES, make_disclosure
from tests.disclosures.affairs.test_attachments import attachment_post
from tests.disclosures.finance.test_import import GOOD, csv_bytes
from tests.disclosures.finance.test_ledger_admin import change_data, change_url, entry_data
from tests.disclosures.finance.test_receipts import jpeg_with_gps, upload
from tests.disclosures.review_helpers import draft_month, reload
from villages.roles import ACCOUNTANT, REVIEWER


@pytest.fixture
def both_roles(wumiao):
    user = factories.make_user("both_roles", ACCOUNTANT, villages=[wumiao])
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(wumiao, accountant):
    return draft_month(wumiao, created_by=accountant)


def refused(item, user):
    with pytest.raises(PermissionDenied, match="双人把关"):
        item.publish(user)
    return reload(item).status == Status.SUBMITTED


def test_someone_who_did_not_touch_it_may_publish_it(draft, accountant, both_roles):
    draft.submit(accountant)
    draft.publish(both_roles)
    assert reload(draft).status == Status.PUBLISHED


def test_a_line_added_in_the_admin_records_its_typist_who_cannot_publish(
    draft, accountant, both_roles, client_for
):
    data = change_data(draft)
    data.update(entry_data(2, "2026-09-20", "记09-099", "补记一笔", "expense", "管理费用", "9.00"))
    data["entries-TOTAL_FORMS"] = "3"
    response = client_for(both_roles).post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    added = LedgerEntry.objects.get(voucher_number="记09-099")
    assert (added.entered_by, added.changed_by) == (both_roles, both_roles)
    draft.submit(accountant)
    assert refused(draft, both_roles)


def test_a_line_changed_in_the_admin_records_who_changed_it(
    draft, accountant, both_roles, client_for
):
    first = draft.entries.order_by("pk").first()
    response = client_for(both_roles).post(
        change_url(draft), change_data(draft, **{"entries-0-description": "改过的摘要"})
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    first.refresh_from_db()
    assert (first.description, first.entered_by, first.changed_by) == (
        "改过的摘要",
        None,
        both_roles,
    )
    draft.submit(accountant)
    assert refused(draft, both_roles)


def test_a_line_whose_change_was_later_overwritten_still_counts(
    draft, accountant, both_roles, client_for
):
    """The review log keeps every editor, not only the last one a line names."""
    client_for(both_roles).post(
        change_url(draft), change_data(draft, **{"entries-0-description": "第一次"})
    )
    client_for(accountant).post(
        change_url(draft), change_data(draft, **{"entries-0-description": "第二次"})
    )
    assert draft.entries.order_by("pk").first().changed_by == accountant
    draft.submit(accountant)
    assert refused(draft, both_roles)


def test_saving_the_form_unchanged_is_not_an_edit(draft, accountant, both_roles, client_for):
    # The draft's lines name no handler; change_data fills one in unless told otherwise.
    unchanged = change_data(draft, **{"entries-0-handled_by": "", "entries-1-handled_by": ""})
    response = client_for(both_roles).post(change_url(draft), unchanged)
    assert response.status_code == 302
    draft.submit(accountant)
    draft.publish(both_roles)
    assert reload(draft).status == Status.PUBLISHED


def test_an_importer_cannot_publish_what_they_imported(wumiao, accountant, both_roles):
    month = factories.make_month(wumiao, 2022, 7, published=False, opening="85210.40")
    month.created_by = accountant
    month.save()
    result = import_entries(month, both_roles, csv_bytes(GOOD))
    assert result.is_valid

    assert {(e.entered_by, e.changed_by) for e in month.entries.all()} == {(both_roles, both_roles)}
    assert (
        ReviewEvent.for_subject(month)
        .filter(user=both_roles, action=ReviewEvent.Action.EDIT)
        .exists()
    )
    month.submit(accountant)
    assert refused(month, both_roles)


def test_a_line_typed_outside_the_admin_is_still_seen_on_the_line(draft, accountant, both_roles):
    entry = draft.entries.first()
    entry.stamp(both_roles)
    entry.save()
    draft.submit(accountant)
    assert refused(draft, both_roles)


def test_whoever_adds_a_receipt_photo_cannot_publish_the_month(
    draft, accountant, both_roles, client_for, media_root
):
    entry = draft.entries.first()
    response = client_for(both_roles).post(
        "/admin/disclosures/receiptphoto/add/",
        {"entry": entry.pk, "upload": upload(jpeg_with_gps())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.submit(accountant)
    assert refused(draft, both_roles)


def test_whoever_adds_an_attachment_cannot_publish_the_disclosure(
    wumiao, accountant, both_roles, client_for, media_root
):
    disclosure = make_disclosure(wumiao, published=False)
    disclosure.created_by = accountant
    disclosure.save()
    response = client_for(both_roles).post(
        f"/admin/disclosures/disclosure/{disclosure.pk}/change/",
        attachment_post(
            wumiao,
            disclosure,
            [("会议记录", upload(PDF_BYTES, "a.pdf", "application/pdf"), "摘要")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    disclosure.submit(accountant)
    assert refused(disclosure, both_roles)
