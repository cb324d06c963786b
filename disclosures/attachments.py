"""Files published with a disclosure or a step of a major matter: images re-encoded and
PDFs checked (uploads.py), stored under generated names, permanent once published.

WeChat on Android cannot show a PDF, so no content may live in a PDF only: a PDF's text is
read out when it is uploaded and shown on the public page, and a PDF without text (a scan)
needs a short summary from whoever uploads it. The text and the summary are part of the
record: in the owner's fingerprint and permanent with it."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disclosures.publishing import PublishedRecordError, Status
from disclosures.uploads import clean_upload, new_token, pdf_text, thumbnail_name

# The public page shows this much of a PDF's text; the rest is in the linked PDF.
SHOWN_TEXT_CHARS = 3000


def attachment_path(attachment, filename):
    # The uploaded name may carry a person's name: stored under a generated one.
    return f"attachments/{attachment.token}.{attachment.extension}"


class AttachmentQuerySet(models.QuerySet):
    def published(self):
        """Files of a published disclosure or a published step: the only ones served
        publicly."""
        return self.filter(
            Q(disclosure__status=Status.PUBLISHED) | Q(step__status=Status.PUBLISHED)
        )


class Attachment(models.Model):
    """An image or PDF published with a disclosure or a major matter's step."""

    disclosure = models.ForeignKey(
        "disclosures.Disclosure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("disclosure"),
    )
    step = models.ForeignKey(
        "disclosures.MatterStep",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("step of a major matter"),
    )
    title = models.CharField(_("title"), max_length=120)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=4, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path)
    sha256 = models.CharField(max_length=64, editable=False)
    text = models.TextField(_("text of the PDF"), blank=True, editable=False)
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Needed for a PDF whose text cannot be read (a scan): say in a few sentences "
            "what it shows. Villagers whose phone cannot open a PDF read this instead."
        ),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(disclosure__isnull=False, step__isnull=True)
                | Q(disclosure__isnull=True, step__isnull=False),
                name="attachment_belongs_to_one_thing",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.owner.is_published:
            raise PublishedRecordError(_("Attachments of published items are permanent."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.owner.is_published:
            raise PublishedRecordError(_("Attachments of published items are permanent."))
        return super().delete(*args, **kwargs)

    @property
    def owner(self):
        return self.disclosure or self.step

    @property
    def is_pdf(self):
        return self.extension == "pdf"

    @property
    def needs_summary(self):
        return self.is_pdf and not self.text.strip() and not self.summary.strip()

    @property
    def shown_text(self):
        """The beginning of the PDF's text for the page, cut at a line's end."""
        if not self.text_is_cut:
            return self.text
        cut = self.text[:SHOWN_TEXT_CHARS]
        return cut[: cut.rfind("\n")] if "\n" in cut else cut

    @property
    def text_is_cut(self):
        return len(self.text) > SHOWN_TEXT_CHARS


def attachments_content(attachments):
    """The attachments' part of their owner's canonical content: each file's SHA-256,
    and the text read from it and its summary. Attachments from before texts were read
    have neither, and add nothing: the fingerprints published then still match."""
    attachments = list(attachments)
    content = {"attachments": sorted(a.sha256 for a in attachments)}
    texts = {a.sha256: [a.text, a.summary] for a in attachments if a.text or a.summary}
    if texts:
        content["attachment_texts"] = texts
    return content


def stored_text(attachment):
    """The text of a stored PDF; "" if its file cannot be read (verify_ledgers names it)."""
    try:
        with attachment.file.open("rb") as handle:
            return pdf_text(handle.read())
    except OSError:
        return ""


def require_attachment_texts(attachments):
    """Refuse to submit or publish a PDF that the public page cannot show as text. A PDF
    uploaded before texts were read has its text read now, while it can still change."""
    missing = []
    for attachment in attachments:
        if attachment.needs_summary and not attachment.owner.is_published:
            attachment.text = stored_text(attachment)
            if attachment.text:
                attachment.save(update_fields=["text"])
        if attachment.needs_summary:
            missing.append(attachment.title)
    if missing:
        raise ValidationError(
            _(
                "No text can be read from the PDF %(titles)s (is it a scan?). Write a short "
                "summary of what it shows in the attachment's summary box, for villagers "
                "whose phone cannot open a PDF."
            )
            % {"titles": "、".join(f"「{title}」" for title in missing)}
        )


class AttachmentForm(forms.ModelForm):
    """The form of an attachment inline (disclosures and steps of major matters): checks
    and cleans the upload, names it by a new token, records its SHA-256 and a PDF's text,
    and asks for a summary of a PDF without text."""

    class Meta:
        model = Attachment
        fields = ["title", "file", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2, "cols": 30})}

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not isinstance(uploaded, UploadedFile):
            return uploaded  # unchanged
        cleaned = clean_upload(uploaded)
        self._cleaned_upload = cleaned
        self.instance.token = new_token()
        self.instance.extension = cleaned.extension
        self.instance.sha256 = cleaned.sha256
        self.instance.text = cleaned.text
        # upload_to names the stored file by the token: the uploaded name is dropped.
        return ContentFile(cleaned.content, name=f"upload.{cleaned.extension}")

    def clean(self):
        cleaned_data = super().clean()
        self.instance.summary = (cleaned_data.get("summary") or "").strip()
        if self.instance.needs_summary and self.instance.pk and not self.has_new_upload:
            # Uploaded before texts were read: read it now rather than ask for a summary.
            self.instance.text = stored_text(self.instance)
        if self.instance.needs_summary and not self.errors:
            self.add_error(
                "summary",
                _(
                    "No text can be read from this PDF (is it a scan?). Write a short summary "
                    "of what it shows: villagers whose phone cannot open a PDF read it instead."
                ),
            )
        return cleaned_data

    @property
    def has_new_upload(self):
        return hasattr(self, "_cleaned_upload")

    def save(self, commit=True):
        attachment = super().save(commit)
        cleaned = getattr(self, "_cleaned_upload", None)
        if cleaned and cleaned.thumbnail:
            default_storage.save(thumbnail_name(attachment), ContentFile(cleaned.thumbnail))
        return attachment
