"""Evidence files: uploaded PDFs are downloads, never pages of the portal's origin; PDFs
the portal renders load nothing but data: URIs and its own static files."""

import base64
import io
import subprocess

import pytest
from django.template import engines
from PIL import Image
from weasyprint import HTML

from common.pdf import PortalFetcher, render_pdf
from tests.disclosures.affairs.affairs_helpers import PDF_BYTES, add_attachment, make_disclosure
from tests.factories import publish


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_uploaded_pdf_is_served_as_a_download_in_a_sandbox(client, wumiao):
    disclosure = make_disclosure(wumiao, published=False)
    attachment = add_attachment(disclosure, PDF_BYTES)
    publish(disclosure)

    response = client.get(f"/v/{wumiao.code}/attachments/{attachment.token}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{attachment.token}.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert b"".join(response.streaming_content) == PDF_BYTES


def png(color):
    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, "PNG")
    return out.getvalue()


def images_in(pdf, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.strip().splitlines()) - 2  # two header lines


def test_weasyprint_loads_data_uris_but_no_local_file_and_no_network(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png((255, 0, 0)))
    data_uri = "data:image/png;base64," + base64.b64encode(png((0, 0, 255))).decode()
    html = (
        f'<img src="{data_uri}">'
        f'<img src="file://{secret}">'
        '<img src="http://127.0.0.1:9/x.png">'
        '<img src="https://example.com/x.png">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )
    pdf = HTML(string=html, base_url="http://127.0.0.1:8000/", url_fetcher=PortalFetcher())
    assert images_in(pdf.write_pdf(), tmp_path) == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8000/static/../../portal/settings.py",
        "ftp://example.com/x",
    ],
)
def test_the_fetcher_refuses(url):
    with pytest.raises(ValueError):
        PortalFetcher().fetch(url)


def test_the_fetcher_serves_the_portals_static_files_from_disk():
    response = PortalFetcher().fetch("http://127.0.0.1:8000/static/portal.css")
    assert b".tampered" in response.read()


def test_render_pdf_uses_the_restricted_fetcher(tmp_path, settings, monkeypatch):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png((255, 0, 0)))
    template = engines["django"].from_string(f'<p>x</p><img src="file://{secret}">')
    monkeypatch.setattr("common.pdf.render_to_string", lambda *a, **k: template.render({}))
    assert images_in(render_pdf("unused.html", {}), tmp_path) == 0
