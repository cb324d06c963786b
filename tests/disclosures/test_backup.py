"""The restore drill: back up, restore into a fresh database, and find every fingerprint
matching and every uploaded file present."""

import json
import os
import shutil
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from disclosures.finance.photos import attach_receipt
from tests import factories
from tests.disclosures.finance.test_receipts import add_entry, jpeg_with_gps, upload


@pytest.fixture
def month_with_receipt(settings, tmp_path, wumiao):
    settings.MEDIA_ROOT = tmp_path / "media"
    month = factories.make_month(wumiao, 2026, 6, published=False)
    entry = add_entry(month, voucher="记06-001", description="修路材料费")
    photo = attach_receipt(entry, upload(jpeg_with_gps()))
    factories.publish(month)
    return photo


def manage(*args, database_url, media_root):
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def restore(folder, tmp_path):
    """Into a fresh database, as the README says; returns (its URL, how to drop it)."""
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        shutil.copy(folder / "database.sqlite3", target)
        return f"sqlite:///{target}", lambda: None
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    dump = str(folder / "database.dump")
    subprocess.run(["pg_restore", "--no-owner", "-d", url, dump], check=True)

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_whole(month_with_receipt, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", output=str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert month_with_receipt.image.name in manifest["media"]
    assert month_with_receipt.thumbnail.name in manifest["media"]
    assert manifest["media"][month_with_receipt.image.name] == month_with_receipt.sha256

    url, drop = restore(folder, tmp_path)
    try:
        restored_media = tmp_path / "restored-media"
        shutil.copytree(folder / "media", restored_media)
        ledgers = manage("verify_ledgers", database_url=url, media_root=restored_media)
        assert ledgers.returncode == 0, ledgers.stderr
        assert "Checked 1 published items" in ledgers.stdout + ledgers.stderr
        whole = manage("verify_backup", str(folder), database_url=url, media_root=restored_media)
        assert whole.returncode == 0, whole.stderr
        # A damaged or missing file is named.
        (folder / "media" / month_with_receipt.thumbnail.name).write_bytes(b"damaged")
        (folder / "media" / month_with_receipt.image.name).unlink()
        broken = manage("verify_backup", str(folder), database_url=url, media_root=restored_media)
        assert broken.returncode == 1
        assert f"media/{month_with_receipt.image.name}: missing" in broken.stderr
        assert "SHA-256 does not match" in broken.stderr
    finally:
        drop()
