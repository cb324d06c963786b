"""The anchored chain: seals and a head signed with CHAIN_SIGNING_KEY (never in the
database), evidence files checked against their SHA-256, pages and posters that warn
instead of showing a fingerprint that no longer matches, and /verify/.

Each attack is what someone with write access to the database (but not the key) could
do behind the portal's back: raw SQL, triggers bypassed."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from disclosures.checks import chain_signing_key
from disclosures.finance.photos import attach_receipt
from disclosures.models import ChainHead, ChainSeal, LedgerMonth
from disclosures.publishing import chain_fingerprint, link_signature
from tests import factories
from tests.disclosures.affairs.affairs_helpers import add_attachment, make_disclosure
from tests.disclosures.finance.test_poster import page_text
from tests.disclosures.finance.test_receipts import jpeg_with_gps
from tests.disclosures.review_helpers import draft_month, published_month, reload
from tests.disclosures.test_fingerprints import tamper, verify, verify_fails

WARNING = "不再与发布时的指纹相符"


@pytest.fixture(autouse=True)
def english_commands():
    """verify_ledgers' messages in English; pages follow the request (Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def august(wumiao):
    return published_month(wumiao, 2026, 8)


@pytest.fixture
def september(wumiao, august):
    return published_month(wumiao, 2026, 9)


def problems(*args):
    _, err = verify_fails(*args)
    return err.strip().splitlines()


def test_each_publication_is_sealed_and_moves_the_signed_head(wumiao, august, september):
    seals = list(ChainSeal.objects.filter(village=wumiao).order_by("position"))
    assert [(s.position, s.fingerprint) for s in seals] == [
        (1, august.fingerprint),
        (2, september.fingerprint),
    ]
    assert all(s.is_genuine for s in seals)
    head = ChainHead.objects.get(village=wumiao)
    assert (head.length, head.fingerprint, head.is_genuine) == (2, september.fingerprint, True)
    out, _ = verify()
    assert "every fingerprint matches" in out


def test_an_edited_amount_is_named(august, september):
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])

    (problem,) = problems()
    assert str(august) in problem
    assert "content no longer matches" in problem


def test_deleting_the_newest_item_is_named(wumiao, august, september):
    """The rest of the chain is consistent; only the signed head knows it was longer."""
    tamper("DELETE FROM disclosures_ledgerentry WHERE ledger_id = %s", [september.pk], rows=2)
    tamper("DELETE FROM disclosures_ledgermonth WHERE id = %s", [september.pk])

    (problem,) = problems()
    assert "item 2 of the chain" in problem
    assert f"#{september.pk}, {september.short_fingerprint}" in problem
    assert "was published and is missing" in problem


def test_deleting_the_newest_item_its_seal_and_rolling_the_head_back_is_caught(
    wumiao, august, september
):
    tamper("DELETE FROM disclosures_ledgerentry WHERE ledger_id = %s", [september.pk], rows=2)
    tamper("DELETE FROM disclosures_ledgermonth WHERE id = %s", [september.pk])
    tamper("DELETE FROM disclosures_chainseal WHERE position = 2 AND village_id = %s", [wumiao.pk])
    # Without the key the head can only be given a signature copied from elsewhere.
    copied = ChainSeal.objects.get(village=wumiao, position=1).signature
    tamper(
        "UPDATE disclosures_chainhead SET length = 1, fingerprint = %s, signature = %s "
        "WHERE village_id = %s",
        [august.fingerprint, copied, wumiao.pk],
    )

    (problem,) = problems()
    assert "head is not signed" in problem


def test_an_edit_with_the_whole_chain_recomputed_is_named(wumiao, august, september):
    """SHA-256 is public: the attacker recomputes every fingerprint after the edit, and
    rewrites the seals' fingerprints too, but cannot sign them."""
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    new_august = chain_fingerprint("", reload(august).canonical_content())
    new_september = chain_fingerprint(new_august, reload(september).canonical_content())
    for month, previous, fingerprint in [
        (august, "", new_august),
        (september, new_august, new_september),
    ]:
        tamper(
            "UPDATE disclosures_ledgermonth SET previous_fingerprint = %s, fingerprint = %s "
            "WHERE id = %s",
            [previous, fingerprint, month.pk],
        )
        tamper(
            "UPDATE disclosures_chainseal SET fingerprint = %s WHERE object_id = %s "
            "AND position = %s",
            [fingerprint, month.pk, month.chain_position],
        )

    lines = problems()
    assert any(str(august) in p and "seal is not signed" in p for p in lines)
    assert any(str(september) in p and "seal is not signed" in p for p in lines)


def test_a_seal_made_with_another_key_is_refused(wumiao, august, settings):
    settings.CHAIN_SIGNING_KEY = "someone-elses-key"
    (problem, head) = problems()
    assert str(august) in problem and "seal is not signed" in problem
    assert "head is not signed" in head


def test_a_replaced_receipt_photo_is_named(wumiao, media_root):
    month = draft_month(wumiao)
    entry = month.entries.order_by("pk").first()
    photo = attach_receipt(entry, SimpleUploadedFile("r.jpg", jpeg_with_gps()))
    factories.publish(month)
    assert "every fingerprint matches" in verify()[0]

    (media_root / photo.image.name).write_bytes(jpeg_with_gps(size=(300, 300)))

    (problem,) = problems()
    assert str(month) in problem
    assert "receipt photo" in problem
    assert "SHA-256" in problem


def test_a_replaced_attachment_is_named(wumiao, media_root):
    disclosure = make_disclosure(wumiao, published=False)
    attachment = add_attachment(disclosure)
    factories.publish(disclosure)

    (media_root / attachment.file.name).write_bytes(b"%PDF-1.4 something else")

    (problem,) = problems()
    assert attachment.title in problem
    assert "SHA-256" in problem


def test_a_missing_file_is_named(wumiao, media_root):
    disclosure = make_disclosure(wumiao, published=False)
    attachment = add_attachment(disclosure)
    factories.publish(disclosure)
    (media_root / attachment.file.name).unlink()

    (problem,) = problems()
    assert "file is missing" in problem


def test_existing_chains_are_sealed_once_after_upgrading(wumiao, dongying, august, september):
    tamper_all = "DELETE FROM disclosures_{} WHERE village_id IN (%s, %s)"
    for table, rows in (("chainseal", 2), ("chainhead", 1)):
        tamper(tamper_all.format(table), [wumiao.pk, dongying.pk], rows=rows)
    lines = problems()
    assert any("has no signed seal" in p for p in lines)

    out = io.StringIO()
    call_command("verify_ledgers", "--seal-existing", stdout=out)
    assert "sealed 2 published items" in out.getvalue()
    assert "every fingerprint matches" in out.getvalue()


def test_a_tampered_chain_is_not_sealed_after_upgrading(wumiao, august):
    tamper("DELETE FROM disclosures_chainseal WHERE village_id = %s", [wumiao.pk])
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])

    problems("--seal-existing")
    assert not ChainSeal.objects.filter(village=wumiao).exists()


# What villagers see


def test_the_public_month_page_warns_instead_of_showing_the_fingerprint(client, august):
    page = client.get(august.get_absolute_url()).content.decode()
    assert august.short_fingerprint in page
    assert WARNING not in page

    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    LedgerMonth.objects.get(pk=august.pk).village.bump_public_version()

    page = client.get(august.get_absolute_url()).content.decode()
    assert WARNING in page
    assert 'class="tampered"' in page
    assert august.short_fingerprint not in page


def test_a_month_with_a_recomputed_fingerprint_still_warns(client, wumiao, august):
    """The content matches the (recomputed) fingerprint, but the seal does not."""
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    recomputed = chain_fingerprint("", reload(august).canonical_content())
    tamper(
        "UPDATE disclosures_ledgermonth SET fingerprint = %s WHERE id = %s",
        [recomputed, august.pk],
    )
    assert WARNING in client.get(august.get_absolute_url()).content.decode()


def test_a_freshly_rendered_poster_warns(client, august, tmp_path, pdf_worker):
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])

    pdf = pdf_worker.get_pdf(client, f"{august.get_absolute_url()}poster.pdf")
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    text = "".join(page_text(path).split())
    assert "警告" in text
    assert august.short_fingerprint not in text


# /verify/


def test_verify_finds_a_printed_fingerprint(client, wumiao, august, django_assert_num_queries):
    with django_assert_num_queries(6):  # seals, the item, its content (3), its seal
        response = client.get("/verify/", {"q": august.short_fingerprint.upper()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "五庙村" in page and "利国乡" in page
    assert august.get_absolute_url() in page
    assert august.fingerprint in page
    assert "仍然相符" in page


def test_verify_says_when_it_no_longer_matches(client, august):
    entry = august.entries.order_by("pk").first()
    tamper("UPDATE disclosures_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    page = client.get("/verify/", {"q": august.short_fingerprint}).content.decode()
    assert "不再相符" in page


def test_verify_says_when_the_item_is_gone(client, wumiao, august, september):
    tamper("DELETE FROM disclosures_ledgerentry WHERE ledger_id = %s", [september.pk], rows=2)
    tamper("DELETE FROM disclosures_ledgermonth WHERE id = %s", [september.pk])
    page = client.get("/verify/", {"q": september.short_fingerprint}).content.decode()
    assert "五庙村" in page
    assert "不再相符" in page


@pytest.mark.parametrize("typed", ["0123456789", "zz", "12345"])
def test_verify_with_nothing_found_or_nonsense(client, august, typed):
    response = client.get("/verify/", {"q": typed}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert august.fingerprint not in page
    assert ("No published item" in page) or ("Type the 10 characters" in page)


def test_the_signature_is_hmac_of_village_position_and_fingerprint(wumiao, august, settings):
    seal = ChainSeal.objects.get(village=wumiao, position=1)
    assert seal.signature == link_signature(wumiao.code, 1, august.fingerprint)
    assert seal.signature != hashlib.sha256(august.fingerprint.encode()).hexdigest()


def test_the_deploy_check_wants_a_real_signing_key(settings):
    assert [w.id for w in chain_signing_key(None)] == ["disclosures.W001"]
    settings.CHAIN_SIGNING_KEY = settings.SECRET_KEY
    assert chain_signing_key(None)
    settings.CHAIN_SIGNING_KEY = "k" * 48
    assert chain_signing_key(None) == []


def test_a_disclosure_page_warns_when_it_no_longer_matches(client, wumiao):
    disclosure = make_disclosure(wumiao)
    url = f"/v/{wumiao.code}/d/{disclosure.pk}/"
    assert disclosure.short_fingerprint in client.get(url).content.decode()

    tamper("UPDATE disclosures_disclosure SET body = '改过的内容' WHERE id = %s", [disclosure.pk])
    wumiao.bump_public_version()

    page = client.get(url).content.decode()
    assert WARNING in page
    assert disclosure.short_fingerprint not in page
