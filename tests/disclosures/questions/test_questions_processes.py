"""The rate limit holds across server processes: two real `runserver` processes on one
database share a phone's allowance of questions an hour."""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from disclosures.questions.models import Question

BASE_DIR = Path(settings.BASE_DIR)


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


def start_server(url, port):
    env = {**os.environ, "DATABASE_URL": url, "QUESTIONS_PER_HOUR": "5", "CONN_MAX_AGE": "0"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("runserver did not start")


def send_question(port, code, text):
    """Like a phone's browser: load the form (CSRF cookie and token), post it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form_url = f"http://127.0.0.1:{port}/v/{code}/ask/"
    html = opener.open(form_url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "text": text, "website": ""}
    ).encode()
    request = urllib.request.Request(form_url, data, headers={"Referer": form_url})
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# Committed data, for the servers to see; serialized_rollback so that the flush afterwards
# leaves the role groups to be restored as the other transactional tests expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_share_the_limit(wumiao, tmp_path):
    url = database_url(tmp_path)
    ports = [free_port(), free_port()]
    servers = [start_server(url, port) for port in ports]
    try:
        statuses = [
            send_question(ports[number % 2], wumiao.code, f"第{number}个问题：这笔钱做什么用？")[0]
            for number in range(5)
        ]
        assert statuses == [200] * 5  # Redirected to the tracking page.
        status, html = send_question(ports[1], wumiao.code, "第六个问题：还能问吗？")
        assert status == 429
        assert "第六个问题：还能问吗？" in html
        status, _ = send_question(ports[0], wumiao.code, "第七个问题：换一个进程呢？")
        assert status == 429
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    if connection.vendor == "postgresql":
        assert Question.objects.filter(village=wumiao).count() == 5
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as shared:
            assert shared.execute("SELECT count(*) FROM disclosures_question").fetchone() == (5,)
