"""The production server as `make serve` starts it: gunicorn with gunicorn.conf.py."""

import gzip
import re

import pytest

from tests.servers import database_url, free_port, get, start_gunicorn, stop


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_serves_pages_static_files_and_logs_each_request(tmp_path, wumiao):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, log, DATABASE_URL=database_url(tmp_path))
    try:
        assert get(port, "/healthz")[0] == 200
        status, headers, body = get(port, f"/v/{wumiao.code}/")
        assert status == 200 and "五庙村" in body.decode()
        stylesheet = re.search(r'href="(/static/portal\.[0-9a-f]{12}\.css)"', body.decode())[1]
        status, headers, body = get(port, stylesheet, {"Accept-Encoding": "gzip"})
        # A hashed name: kept for as long as browsers allow, served pre-compressed.
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert b"box-sizing" in gzip.decompress(body)
        assert (
            "immutable" in headers["Cache-Control"]
            and "max-age=315360000" in headers["Cache-Control"]
        )
    finally:
        stop(server)
    text = log.read_text()
    assert "Booting worker" in text
    assert f'"GET /v/{wumiao.code}/ HTTP/1.1" 200' in text
