"""Several app servers: two gunicorn servers, as `make serve` starts them, on one
PostgreSQL database, one Redis cache and one media folder."""

import time
import uuid

import pytest
from django.db import connection

from disclosures.finance.photos import attach_receipt
from disclosures.generated import GeneratedFile
from portal.settings import caches
from tests import factories
from tests.conftest import WECHAT_USER_AGENT
from tests.disclosures.finance.test_receipts import add_entry, jpeg_with_gps, upload
from tests.disclosures.questions.test_questions_processes import send_question
from tests.pdf_worker import Worker
from tests.redis_cache import REDIS_URL, keys, redis_client
from tests.servers import database_url, free_port, get, start_gunicorn, stop
from villages.visits import flush_visits, views_this_month

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="app servers share PostgreSQL, not SQLite"
)


@pytest.fixture
def two_servers(tmp_path, settings, monkeypatch, wumiao):
    """(port, port) of two gunicorn servers sharing the test database, Redis and media.
    This process shares them too, as a third server would."""
    client = redis_client()
    prefix = f"village-portal-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("CACHE_KEY_PREFIX", prefix)
    settings.CACHES = caches(REDIS_URL)
    settings.MEDIA_ROOT = tmp_path / "media"
    environment = {
        "DATABASE_URL": database_url(tmp_path),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "QUESTIONS_PER_HOUR": "3",
        "WEB_CONCURRENCY": "1",
    }
    ports = [free_port(), free_port()]
    servers = [
        start_gunicorn(port, tmp_path / f"server{number}.log", **environment)
        for number, port in enumerate(ports)
    ]
    try:
        yield ports, (client, prefix)
    finally:
        for server in servers:
            stop(server)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_servers_share_pages_limits_pdfs_and_files(two_servers, wumiao):
    (a, b), (redis, prefix) = two_servers
    village = f"/v/{wumiao.code}/"
    factories.make_month(wumiao, 2026, 9, entries=2)
    for port in (a, b):
        assert "2026年9月财务清单" in get(port, village)[2].decode()
    assert keys(redis, prefix, "*public-page*")  # the page is in the shared cache

    # A publication (here by a third process, on the shared database and cache) shows on
    # both at once.
    factories.make_month(wumiao, 2026, 10, entries=2)
    for port in (b, a):
        assert "2026年10月财务清单" in get(port, village)[2].decode()

    # Views on both are counted in the shared cache; any process writes them.
    phone = {"User-Agent": WECHAT_USER_AGENT}
    etag = get(a, village, phone)[1]["ETag"]
    for port in (a, b, a, b):
        get(port, village, phone)
        assert get(port, village, {**phone, "If-None-Match": etag})[0] == 304
    # Each server sends its counts on to Redis within a second.
    deadline = time.monotonic() + 30
    while views_this_month(wumiao) < 9 and time.monotonic() < deadline:
        time.sleep(0.2)
        flush_visits()
    assert views_this_month(wumiao) == 9

    # The question rate limit holds across both.
    statuses = [send_question((a, b)[n % 2], wumiao.code, f"第{n}个问题？")[0] for n in range(4)]
    assert statuses == [200, 200, 200, 429]

    # A PDF asked for on both is queued once.
    poster = f"{village}finance/2026-10/poster.pdf?size=a3"
    assert get(a, poster)[0] == 202 and get(b, poster)[0] == 202
    assert GeneratedFile.objects.filter(key__contains="-2026-10-a3-").count() == 1
    assert Worker().queued("make_month_poster") == 3  # two A4 at publication, this A3
    Worker().run()
    pdf_a, pdf_b = get(a, poster), get(b, poster)
    assert pdf_a[0] == pdf_b[0] == 200 and pdf_a[2] == pdf_b[2]
    assert pdf_a[2].startswith(b"%PDF")

    # An uploaded file is served by both.
    month = factories.make_month(wumiao, 2026, 11, published=False)
    photo = attach_receipt(add_entry(month, voucher="记11-001"), upload(jpeg_with_gps()))
    factories.publish(month)
    photo_url = f"{village}receipts/{photo.token}.jpg"
    served = [get(port, photo_url) for port in (a, b)]
    assert served[0][0] == served[1][0] == 200 and served[0][2] == served[1][2]
