"""Settings that refuse to be unsafe: each case starts the real `manage.py` with the
environment an administrator would give it."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from portal.settings import DEVELOPMENT_SECRET_KEY, secret_key

BASE_DIR = settings.BASE_DIR
# What a production machine has, less the secret: DEBUG off, behind a TLS proxy.
PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "cun.example.cn",
    "CHAIN_SIGNING_KEY": secrets.token_urlsafe(40),
}


def manage(*args, **environment):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "portal.sqlite3"
    path.touch()
    return f"sqlite:///{path}"


def test_without_a_real_secret_key_the_portal_does_not_start(sqlite_file):
    result = manage("check", **PRODUCTION, DATABASE_URL=sqlite_file)
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a long random value" in result.stderr


def test_commands_that_only_read_the_code_need_no_secret_key(sqlite_file):
    """CI's and a developer's migration check: it serves and signs nothing."""
    result = manage(
        "makemigrations", "--check", "--dry-run", **PRODUCTION, DATABASE_URL=sqlite_file
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("key", ["", DEVELOPMENT_SECRET_KEY, "short", "ab" * 30])
def test_only_a_long_random_key_will_do_with_debug_off(key, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ImproperlyConfigured):
        secret_key(debug=False)
    good = secrets.token_urlsafe(50)
    monkeypatch.setenv("SECRET_KEY", good)
    assert secret_key(debug=False) == good


def test_the_development_key_is_only_for_debug(monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    assert secret_key(debug=True) == DEVELOPMENT_SECRET_KEY


def test_check_deploy_passes_with_the_production_environment(sqlite_file):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=sqlite_file,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Without HTTPS=true the same check names what is missing.
    without_https = {**PRODUCTION, "HTTPS": "false"}
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **without_https,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=sqlite_file,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_a_missing_sqlite_file_is_an_error_not_a_new_database(tmp_path):
    path = tmp_path / "moved-away.sqlite3"
    environment = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    environment["DATABASE_URL"] = f"sqlite:///{path}"
    result = manage("migrate", "--no-input", **environment)
    assert result.returncode != 0
    assert f"The SQLite database file {path} does not exist" in result.stderr
    assert f"touch {path}" in result.stderr
    # Even a command that skips the checks cannot create it.
    shell = "from django.db import connection; connection.ensure_connection()"
    result = manage("shell", "-c", shell, **environment)
    assert result.returncode != 0
    assert "unable to open database file" in result.stderr
    assert not path.exists()
    # With DEBUG on (a developer's machine) a new database is created as before.
    result = manage(
        "migrate", "--no-input", "-v", "0", DEBUG="true", DATABASE_URL=f"sqlite:///{path}"
    )
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_https_settings_are_off_by_default():
    assert not settings.SESSION_COOKIE_SECURE
    assert not getattr(settings, "SECURE_SSL_REDIRECT", False)


@pytest.mark.django_db
def test_pages_may_load_only_from_the_portal_itself(client, wumiao, superuser):
    response = client.get(reverse("disclosures:village", args=[wumiao.code]))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert "unsafe-inline" not in policy
    # The admin's templates carry style attributes: inline styles there, never scripts.
    client.force_login(superuser)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src" not in policy
