"""HTML to PDF with WeasyPrint, for signs, notice-board posters and booklets."""

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class PortalFetcher(URLFetcher):
    """What WeasyPrint may load while laying out a PDF: data: URIs (the QR codes) and the
    portal's own static files, read from disk. No file://, no network: a text typed into
    a published record cannot make the server read a local file or call an address."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",))

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        found = static_file(url)
        if found is None:
            raise ValueError(f"PDFs load only data: URIs and static files, not {url[:200]}")
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})


def static_file(url):
    """The file of one of the portal's static files addressed by `url`, or None."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if parts.scheme not in ("http", "https") or not parts.path.startswith(prefix):
        return None
    try:
        found = finders.find(unquote(parts.path[len(prefix) :]))
    except SuspiciousFileOperation:  # ../ out of the static folders
        return None
    return Path(found) if found else None


def render_pdf(template_name, context, request=None):
    """Render a template to PDF bytes.

    Fonts come from the system through fontconfig; the print stylesheet asks for
    Noto Sans CJK SC, which the README's set-up installs (Debian: fonts-noto-cjk).
    """
    return lay_out(template_name, context, FontConfiguration(), request).write_pdf()


def lay_out(template_name, context, font_config, request=None):
    """A template laid out in pages (a WeasyPrint Document), not yet written."""
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request else settings.PUBLIC_BASE_URL
    document = HTML(string=html, base_url=base_url, url_fetcher=PortalFetcher())
    return document.render(font_config=font_config)


def render_pdf_in_parts(template_name, contexts, progress=None):
    """One PDF from the same template laid out once per context, in that order.

    A long run of similar pages (400 signs) laid out as one document costs time that
    grows faster than the pages (WeasyPrint looks through every element for each page's
    styles) and keeps every element in memory; laid out in parts, it grows with the
    pages, and progress(parts done) can be reported between parts. The parts share one
    font configuration and are written together: each font is embedded (subset) once.
    """
    font_config = FontConfiguration()
    pages, first = [], None
    for done, context in enumerate(contexts, start=1):
        document = lay_out(template_name, context, font_config)
        first = first or document
        pages.extend(document.pages)
        if progress:
            progress(done)
    return first.copy(pages).write_pdf()


def css_string(text):
    """A CSS string literal, safe inside <style>: no quote, backslash or tag can end it.
    For `content:` in the page margins (running titles)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + re.sub(r"\s", " ", escaped) + '"'


def page_counter_css(label):
    """The CSS `content` of a page-number margin box from a translated label holding
    {page} and {pages}: "第 " counter(page) " 页 / 共 " counter(pages) " 页"."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)
