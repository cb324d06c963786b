"""Receipt photos appear as thumbnails on the published month's page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from disclosures.finance.photos import attach_receipt
from tests import factories
from tests.disclosures.matters.matter_data import add_entry


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("发票.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_it_shows_the_receipts_of_a_published_month(client, wumiao):
    month = factories.make_month(wumiao, 2026, 7, published=False)
    entry = add_entry(month, "记07-003", "6500.00")
    photo = attach_receipt(entry, jpeg())
    factories.publish(month)

    content = client.get("/v/371603201201/finance/2026-07/").content.decode()

    thumbnail = f"/v/371603201201/receipts/{photo.token}-thumb.jpg"
    assert f'src="{thumbnail}"' in content
    assert f'href="/v/371603201201/receipts/{photo.token}.jpg"' in content
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"


def test_its_queries_do_not_grow_with_the_photos(client, wumiao, django_assert_num_queries):
    month = factories.make_month(wumiao, 2026, 7, published=False)
    for number in range(6):
        attach_receipt(add_entry(month, f"记07-{number:03d}", "120.00"), jpeg())
    factories.publish(month)

    # Village, month, neighbours, entries, receipt photos, the visit's count, the questions,
    # what the village's corrections changed, the seals.
    with django_assert_num_queries(8):  # FINANCE_MONTH_QUERIES
        client.get("/v/371603201201/finance/2026-07/")
