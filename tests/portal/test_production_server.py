"""The production server as `make serve` starts it: gunicorn with gunicorn.conf.py."""

import pytest

from tests.servers import database_url, free_port, get, start_gunicorn, stop


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_static_files_and_logs_each_request(tmp_path, wumiao):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, log, DATABASE_URL=database_url(tmp_path))
    try:
        assert get(port, "/healthz")[0] == 200
        status, headers, body = get(port, f"/v/{wumiao.code}/")
        assert status == 200 and "五庙村" in body.decode()
        status, headers, body = get(port, "/static/portal.css")
        assert status == 200 and b"box-sizing" in body
    finally:
        stop(server)
    text = log.read_text()
    assert "Booting worker" in text
    assert f'"GET /v/{wumiao.code}/ HTTP/1.1" 200' in text
