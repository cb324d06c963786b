"""No content in a PDF only (issue 11): WeChat on Android cannot open a PDF, so an
uploaded PDF's text is read when it is uploaded and shown as HTML on the public page; a PDF
without text (a scan) needs a summary before it can be saved, submitted or published. The
text is part of the record: fingerprinted and permanent with its disclosure."""

import hashlib

import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from disclosures.attachments import SHOWN_TEXT_CHARS, Attachment
from disclosures.matters.models import MatterStep
from disclosures.powers.demo import create_demo_power_lists
from disclosures.publishing import PublishedRecordError, Status
from disclosures.uploads import new_token, pdf_text
from tests import factories
from tests.disclosures.affairs.affairs_helpers import add_attachment, make_disclosure
from tests.disclosures.affairs.test_attachments import attachment_post
from tests.disclosures.matters.matter_data import make_matter, make_steps
from tests.disclosures.matters.test_matter_pages import detail_url

MINUTES = [
    "五庙村村民代表会议记录",
    "经村民代表会议表决，同意硬化村东道路一千二百米。",
    "预算六万五千元，由村集体经营收入支付。<script>alert(1)</script>",
]


def pdf_of(paragraphs):
    """A real PDF made by WeasyPrint, one paragraph each (with the text in it)."""
    body = "".join(f"<p>{p.replace('<', '&lt;')}</p>" for p in paragraphs)
    return weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def scanned_pdf():
    """A PDF of a picture only, like a scanned sheet: no text to read."""
    return weasyprint.HTML(
        string='<div style="width: 10cm; height: 14cm; background: #888"></div>'
    ).write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content, name="会议记录.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_text_of_a_pdf_is_read_paragraph_by_paragraph():
    text = pdf_text(pdf_of(MINUTES))
    assert text.split("\n\n") == MINUTES
    assert pdf_text(scanned_pdf()) == ""
    assert pdf_text(b"%PDF-1.4 broken") == ""


def test_an_uploaded_pdf_shows_its_text_on_the_published_page(
    wumiao, accountant, client_for, client
):
    draft = make_disclosure(wumiao, published=False)
    response = client_for(accountant).post(
        f"/admin/disclosures/disclosure/{draft.pk}/change/",
        attachment_post(wumiao, draft, [("会议记录", upload(pdf_of(MINUTES)))]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    # Stored when uploaded, before publication: the reviewer publishes what was read.
    assert attachment.text.split("\n\n") == MINUTES
    factories.publish(draft)
    client.logout()

    html = client.get(draft.get_absolute_url()).content.decode()

    assert "<p>经村民代表会议表决，同意硬化村东道路一千二百米。</p>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert f'href="/v/{wumiao.code}/attachments/{attachment.token}"' in html
    assert "点右上角「…」" in html  # how to open the PDF in WeChat


def test_the_text_is_in_the_fingerprint_and_permanent(wumiao):
    disclosure = make_disclosure(wumiao, published=False)
    attachment = add_attachment(disclosure, pdf_of(MINUTES), summary="")
    attachment.text = pdf_text(pdf_of(MINUTES))
    attachment.save()
    factories.publish(disclosure)
    assert disclosure.canonical_content()["attachment_texts"] == {
        attachment.sha256: [attachment.text, ""]
    }

    attachment.text = "预算六十五万元"
    with pytest.raises(PublishedRecordError):
        attachment.save()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE disclosures_attachment SET text = %s WHERE id = %s",
            ["预算六十五万元", attachment.pk],
        )
    stored = type(disclosure).objects.get(pk=disclosure.pk)
    assert stored.fingerprint_broken


def test_an_attachment_without_text_keeps_the_fingerprints_of_old(wumiao):
    """Attachments from before texts were read add nothing to the canonical content."""
    disclosure = make_disclosure(wumiao, published=False)
    add_attachment(disclosure, summary="")
    assert set(disclosure.canonical_content()) >= {"attachments"}
    assert "attachment_texts" not in disclosure.canonical_content()


def test_a_scanned_pdf_needs_a_summary(wumiao, accountant, client_for, client):
    draft = make_disclosure(wumiao, published=False)
    url = f"/admin/disclosures/disclosure/{draft.pk}/change/"
    staff = client_for(accountant)

    refused = staff.post(url, attachment_post(wumiao, draft, [("签到表", upload(scanned_pdf()))]))

    assert refused.status_code == 200
    assert "这个PDF读不出文字" in refused.content.decode()
    assert not Attachment.objects.exists()

    summary = "参会村民代表32人签到，应到35人。"
    accepted = staff.post(
        url, attachment_post(wumiao, draft, [("签到表", upload(scanned_pdf()), summary)])
    )
    assert accepted.status_code == 302
    factories.publish(draft)
    client.logout()
    html = client.get(draft.get_absolute_url()).content.decode()
    assert f"<p>{summary}</p>" in html


def test_a_textless_pdf_without_a_summary_is_neither_submitted_nor_published(wumiao, accountant):
    """However it got there (stored before the rule, or by a script)."""
    draft = make_disclosure(wumiao, published=False)
    add_attachment(draft, scanned_pdf(), title="签到表", summary="")
    with translation.override("en"), pytest.raises(ValidationError, match="「签到表」"):
        draft.submit(accountant)

    type(draft).objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    draft.refresh_from_db()
    enterer, reviewer = factories.workflow_users()
    with pytest.raises(ValidationError, match="签到表"):
        draft.publish(reviewer)
    assert draft.status == Status.SUBMITTED


def test_the_reviewer_is_told_why_such_a_pdf_is_not_published(wumiao, reviewer, client_for):
    draft = make_disclosure(wumiao, published=False)
    add_attachment(draft, scanned_pdf(), title="签到表", summary="")
    type(draft).objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)

    response = client_for(reviewer).post(
        f"/admin/disclosures/disclosure/{draft.pk}/review/", {"action": "publish"}, follow=True
    )

    assert "PDF 「签到表」 读不出文字" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_pdf_stored_before_the_rule_has_its_text_read_at_submission(wumiao, accountant):
    draft = make_disclosure(wumiao, published=False)
    attachment = add_attachment(draft, pdf_of(MINUTES), summary="")
    assert attachment.text == ""
    draft.submit(accountant)
    attachment.refresh_from_db()
    assert attachment.text.startswith("五庙村村民代表会议记录")


def test_the_admin_reads_the_text_of_a_pdf_stored_before_the_rule(wumiao, accountant, client_for):
    """Saving the draft again does not ask for a summary of a PDF that has text."""
    draft = make_disclosure(wumiao, published=False)
    attachment = add_attachment(draft, pdf_of(MINUTES), summary="")
    data = attachment_post(wumiao, draft, [])
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-disclosure": str(draft.pk),
            "attachments-0-title": "会议记录（更正标题）",
            "attachments-0-summary": "",
        }
    )
    response = client_for(accountant).post(
        f"/admin/disclosures/disclosure/{draft.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment.refresh_from_db()
    assert attachment.title == "会议记录（更正标题）"
    assert attachment.text.startswith("五庙村村民代表会议记录")


def test_a_long_text_is_cut_on_the_page_with_the_pdf_linked(wumiao, client):
    disclosure = make_disclosure(wumiao, published=False)
    line = "第三村民小组东洼地块发包，面积一百二十亩，租期一年，租金每亩八百元。"
    paragraphs = [f"{number}. {line}" for number in range(200)]
    attachment = add_attachment(disclosure, pdf_of(paragraphs), summary="")
    attachment.text = pdf_text(pdf_of(paragraphs))
    attachment.save()
    assert len(attachment.text) > SHOWN_TEXT_CHARS
    factories.publish(disclosure)

    html = client.get(disclosure.get_absolute_url()).content.decode()

    assert "0. 第三村民小组" in html and "199. 第三村民小组" not in html
    assert "全文见PDF" in html
    assert f"/attachments/{attachment.token}" in html


def test_a_step_of_a_major_matter_shows_its_pdf_text(wumiao, client):
    matter = make_matter(wumiao)
    (first,) = make_steps(matter, drafts=1)
    content = pdf_of(MINUTES)
    Attachment.objects.create(
        step=first,
        title="会议记录",
        token=new_token(),
        extension="pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        file=ContentFile(content, name="x.pdf"),
        text=pdf_text(content),
    )
    factories.publish(MatterStep.objects.get(pk=first.pk))

    html = client.get(detail_url(matter)).content.decode()

    assert "<p>经村民代表会议表决，同意硬化村东道路一千二百米。</p>" in html
    assert "点右上角「…」" in html


def test_every_pdf_link_says_how_to_open_it_in_wechat(client, wumiao):
    """The month's posters and the power list's booklet, besides the attachments above."""
    august = factories.make_month(wumiao, 2026, 8, entries=2)
    month = client.get(august.get_absolute_url()).content.decode()
    assert "poster.pdf" in month and "点右上角「…」" in month
    create_demo_power_lists()
    powers = client.get(f"/v/{wumiao.code}/powers/").content.decode()
    assert "booklet.pdf" in powers and "点右上角「…」" in powers
