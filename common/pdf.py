"""HTML to PDF with WeasyPrint, for signs, notice-board posters and booklets."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration


def render_pdf(template_name, context, request=None):
    """Render a template to PDF bytes.

    Fonts come from the system through fontconfig; the print stylesheet asks for
    Noto Sans CJK SC, which the README's set-up installs (Debian: fonts-noto-cjk).
    """
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request else settings.PUBLIC_BASE_URL
    return HTML(string=html, base_url=base_url).write_pdf(font_config=FontConfiguration())


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
