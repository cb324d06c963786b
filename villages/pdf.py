"""HTML to PDF with WeasyPrint, for signs and notice-board posters."""

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
