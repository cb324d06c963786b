"""Files published with a disclosure or a step of a major matter: images re-encoded and
PDFs checked (uploads.py), stored under generated names, permanent once published."""

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disclosures.publishing import PublishedRecordError, Status
from disclosures.uploads import clean_upload, new_token, thumbnail_name


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


class AttachmentForm(forms.ModelForm):
    """The form of an attachment inline (disclosures and steps of major matters): checks
    and cleans the upload, names it by a new token and records its SHA-256."""

    class Meta:
        model = Attachment
        fields = ["title", "file"]

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not isinstance(uploaded, UploadedFile):
            return uploaded  # unchanged
        cleaned = clean_upload(uploaded)
        self._cleaned_upload = cleaned
        self.instance.token = new_token()
        self.instance.extension = cleaned.extension
        self.instance.sha256 = cleaned.sha256
        # upload_to names the stored file by the token: the uploaded name is dropped.
        return ContentFile(cleaned.content, name=f"upload.{cleaned.extension}")

    def save(self, commit=True):
        attachment = super().save(commit)
        cleaned = getattr(self, "_cleaned_upload", None)
        if cleaned and cleaned.thumbnail:
            default_storage.save(thumbnail_name(attachment), ContentFile(cleaned.thumbnail))
        return attachment
