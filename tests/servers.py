"""Real servers for the tests that need more than one process: free ports, the test
database as another process reaches it, gunicorn with the repository's gunicorn.conf.py."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path):
    """The test database, as another process can reach it."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    # SQLite's test database lives in this process's memory: copy it to a file.
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}"


def wait_for(port, server, log=None):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text() if log else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def start_gunicorn(port, log, **environment):
    """gunicorn as `make serve` starts it; its output (the access log) goes to `log`."""
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", **environment}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"  # production's, not the tests' own
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    wait_for(port, server, log)
    return server


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def get(port, path, headers=None):
    """(status, headers, body bytes), whatever the status."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
