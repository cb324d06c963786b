"""Public pages of the affairs catalog: a module's disclosures, one disclosure, its
attachments and its livelihood list as CSV, and the village's cadres.

Only published disclosures are reachable: a draft's page, attachment or export is a 404.
"""

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.downloads import csv_response
from disclosures.affairs.models import Module
from disclosures.affairs.opendata import disclosure_document, module_document
from disclosures.affairs.public import masked_rows, module_sections, module_url
from disclosures.attachments import Attachment
from disclosures.caching import public_village, public_village_page
from disclosures.opendata import json_response
from disclosures.questions.models import public_questions
from disclosures.uploads import thumbnail_name

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
# What is published never changes: a browser may keep it for a year.
PUBLIC_CACHE = "public, max-age=31536000, immutable"


@require_safe
def module_json(request, code, module):
    """The module page's JSON twin: three queries, the village, the items, the
    disclosures."""
    if module not in Module.values:
        raise Http404
    village = public_village(code)
    return json_response(module_document(village, module, module_sections(village, module)))


@public_village_page
def module_page(request, village, module):
    """One supervision module: every catalog item of it with what the village has
    published against it, newest first. Three queries (four for cadre conduct)."""
    if module not in Module.values:
        raise Http404
    context = {
        "village": village,
        "module": Module(module),
        "sections": module_sections(village, module),
        "cadres": list(village.cadres.all()) if module == Module.CADRES else None,
    }
    return render(request, "disclosures/affairs/module.html", context)


def disclosure_context(village, pk):
    disclosure = get_object_or_404(village.disclosures.published().select_related("item"), pk=pk)
    disclosure.village = village
    attachments = list(disclosure.attachments.all())
    return {
        "village": village,
        "disclosure": disclosure,
        "module_url": module_url(village, disclosure.item.module),
        "attachments": attachments,
        "images": [a for a in attachments if not a.is_pdf],
        "pdfs": [a for a in attachments if a.is_pdf],
        "rows": masked_rows(disclosure) if disclosure.item.has_livelihood_table else [],
    }


@public_village_page
def disclosure_page(request, village, pk):
    context = disclosure_context(village, pk)
    context["questions"] = public_questions(context["disclosure"].questions.all())
    return render(request, "disclosures/affairs/disclosure.html", context)


@require_safe
def disclosure_json(request, code, pk):
    """The disclosure page's JSON twin: the livelihood rows masked as on the page."""
    context = disclosure_context(public_village(code), pk)
    return json_response(
        disclosure_document(context["disclosure"], context["attachments"], context["rows"])
    )


def disclosure_csv(request, code, pk):
    """A published livelihood list as CSV (UTF-8 with a BOM, for Excel): masked."""
    village = public_village(code)
    disclosure = get_object_or_404(village.disclosures.published().select_related("item"), pk=pk)
    if not disclosure.item.has_livelihood_table:
        raise Http404
    headers = [
        _("Name"),
        _("Villager group"),
        _("What for"),
        _("Amount (yuan)"),
        _("Identity number"),
        _("Phone"),
    ]
    rows = (
        [row.name, row.villager_group, row.item, row.amount, row.id_number, row.phone]
        for row in masked_rows(disclosure)
    )
    return csv_response(headers, rows, f"{village.code}-{disclosure.pk}.csv")


def attachment_response(attachment, *, thumbnail=False, public=True):
    """Serve an attachment's file (or its thumbnail) under its generated name."""
    name = attachment.file.name
    content_type = CONTENT_TYPES.get(attachment.extension, "application/octet-stream")
    if (
        thumbnail
        and attachment.extension != "pdf"
        and default_storage.exists(thumbnail_name(attachment))
    ):
        name, content_type = thumbnail_name(attachment), "image/jpeg"
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=content_type,
        filename=f"{attachment.token}.{attachment.extension}",
        # A PDF may hold script or forms: downloaded, never rendered in the portal's origin.
        as_attachment=attachment.extension == "pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway: no script, no plug-in, no same-origin access.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = PUBLIC_CACHE if public else "private, no-store"
    return response


def attachment(request, code, token, thumbnail=False):
    """An attachment of a published disclosure or a published step of a major matter of
    this village; anything else is a 404. One query."""
    of_village = Q(disclosure__village__code=code) | Q(step__matter__village__code=code)
    found = get_object_or_404(Attachment.objects.published().filter(of_village), token=token)
    return attachment_response(found, thumbnail=thumbnail)


def cadre_photo(request, code, pk):
    village = public_village(code)
    cadre = get_object_or_404(village.cadres.exclude(photo=""), pk=pk)
    try:
        handle = cadre.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = cadre.photo.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(extension, "image/jpeg"))
    response["X-Content-Type-Options"] = "nosniff"
    # Photos may be replaced: kept for a day, not for good.
    response["Cache-Control"] = "public, max-age=86400"
    return response
