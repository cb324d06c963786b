"""QR codes for signs, notice-board posters and the bare /qr.svg, and the absolute
addresses they carry."""

import base64
import io
import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from PIL import Image

# A printed code opens its page with ?qr: the page counts one scan and redirects to the
# clean address (villages/visits.py counts, disclosures/caching.py redirects).
SCAN_MARKER = "qr"


def public_url(path):
    """The absolute address of a public page, as printed: PUBLIC_BASE_URL + path. Signs
    hang for years, so every printed address is built here and nowhere else."""
    return settings.PUBLIC_BASE_URL + path


def scan_url(path):
    """What a printed QR code encodes: the public address with the scan marker."""
    return f"{public_url(path)}?{SCAN_MARKER}"


_FIXED_SIZE = re.compile(r' width="[\d.]+mm" height="[\d.]+mm"')


def _qr(data, **kwargs):
    # Error correction M survives a sign that is a little dirty or sun-faded; the border
    # of 4 modules is the quiet zone the QR standard asks for.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, **kwargs)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data):
    """The code as a single SVG <path> without a fixed size, for browsers."""
    svg = _qr(data, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    svg = _FIXED_SIZE.sub(' shape-rendering="crispEdges"', svg.to_string(encoding="unicode"))
    # Several codes may share a page: an id would be defined twice.
    return svg.replace(' id="qr-path"', "")


def qr_png_data_uri(data):
    """The code as a PNG of one pixel per module, for print.

    The page scales it up with `image-rendering: pixelated`, which WeasyPrint writes as a
    non-interpolated image: sharp edges at any size, and about ten times cheaper to lay
    out than the same code as an SVG path.
    """
    matrix = _qr(data).get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
