"""A real server loses its database and gets it back: villagers get the 503 page while
it is gone, and the pages return by themselves, without restarting the server.

PostgreSQL is reached through a TCP relay this test cuts and restores (as a restart or a
network failure would), with kept connections (CONN_MAX_AGE) as in production; the SQLite
file is moved away and back.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import database_url, free_port, get, stop, wait_for


class Relay:
    """Forwards a local port to the database server; cut() drops every connection and
    refuses new ones until restore()."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = free_port()
        self.sockets = []
        self.listener = None
        self.restore()

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def outage(tmp_path, wumiao):
    """(url for the server, cut(), restore())."""
    url = database_url(tmp_path)
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
        url = url.replace(f":{db['PORT'] or 5432}/", f":{relay.port}/")
        yield url, relay.cut, relay.restore
        relay.cut()
        return
    path = tmp_path / "shared.sqlite3"
    away = tmp_path / "moved.sqlite3"
    yield url, lambda: path.rename(away), lambda: away.rename(path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_portal_recovers_by_itself_when_the_database_returns(outage, wumiao):
    url, cut, restore = outage
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": "60", "DEBUG": "false"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        village = f"/v/{wumiao.code}/"
        assert get(port, village)[0] == 200
        assert get(port, "/healthz")[0] == 200
        cut()
        # The page in the cache needs no database: villagers still read it.
        assert get(port, village)[0] == 200
        status, headers, html = get(port, f"{village}matters/")
        html = html.decode()
        assert status == 503, html
        assert headers["Retry-After"] == "30"
        assert "系统暂时无法访问" in html
        assert get(port, "/healthz")[0] == 503
        restore()
        assert get(port, village)[0] == 200
        assert get(port, "/healthz")[0] == 200
    finally:
        stop(server)
