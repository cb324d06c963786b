"""The import pages in the admin, shared by every importer: upload → preview of every row
and every error → confirm. This module imports no feature.

The preview page carries the uploaded file back to the server in a hidden field, signed
(django.core.signing, HMAC with SECRET_KEY, salted with what is imported into and the
user, compressed, valid for an hour) and parsed again on confirm, so nothing is stored
between the two steps: no temporary files or session data to clean up, two tabs cannot
mix their uploads, and the checks against what already exists are done again at the
moment of import. That is why uploads are limited to 1 MB (a 2,000-line ledger is about
150 KB): the signed copy must fit Django's 2.5 MB limit on a form post.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosures import importing

PAYLOAD_MAX_AGE = 60 * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": importing.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _salt(scope, user):
    return f"disclosures.import:{scope}:{user.pk}"


def sign_upload(scope, user, name, content):
    """`scope` names what the file is imported into (a month's id, a register and a
    village): a preview signed for one cannot be confirmed into another."""
    data = {"name": name, "data": base64.b64encode(content).decode("ascii")}
    return signing.dumps(data, salt=_salt(scope, user), compress=True)


def unsign_upload(scope, user, payload):
    """(name, content), or raise signing.BadSignature (also when it has expired)."""
    data = signing.loads(payload, salt=_salt(scope, user), max_age=PAYLOAD_MAX_AGE)
    return data["name"], base64.b64decode(data["data"])


@dataclass
class ImportFlow:
    """One importer's part in the pages: `parse(content)` checks without writing,
    `run(content)` imports all or nothing (both return an ImportResult), `preview(result)`
    gives the template what it shows of the rows, and `done(result, name)` is called after
    a successful import and returns the success message."""

    scope: str
    parse: Callable
    run: Callable
    preview: Callable
    done: Callable


def import_page(request, flow, template, context, done_url):
    """The upload, preview and confirm steps of one import page."""
    form = UploadForm()
    if request.method == "POST" and "payload" in request.POST:
        try:
            name, content = unsign_upload(flow.scope, request.user, request.POST["payload"])
        except (signing.BadSignature, ValueError, KeyError, TypeError):
            messages.error(
                request, _("The preview has expired or was changed. Upload the file again.")
            )
            return redirect(request.get_full_path())
        try:
            result = flow.run(content)
        except importing.SpreadsheetError as error:
            form.add_error(None, error.messages)
        else:
            if result.is_valid:
                message = f"{flow.done(result, name)} {result.row_counts}"
                messages.success(request, message)
                return redirect(done_url)
            # Something changed since the preview (a record added meanwhile).
            context.update(_preview(flow, result, name))
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                result = flow.parse(content)
            except importing.SpreadsheetError as error:
                form.add_error("file", error.messages)
            else:
                context.update(_preview(flow, result, upload.name))
                if result.is_valid:
                    context["payload"] = sign_upload(flow.scope, request.user, upload.name, content)
                    form = None
    context.update(
        {
            "form": form,
            "max_rows": importing.MAX_ROWS,
            "max_megabytes": importing.MAX_BYTES // (1024 * 1024),
        }
    )
    return TemplateResponse(request, template, context)


def _preview(flow, result, name):
    return {
        "result": result,
        "file_name": name,
        "errors": result.errors,
        "skipped": result.skipped,
        **flow.preview(result),
    }
