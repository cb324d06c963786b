"""Backups: the database (pg_dump -Fc, or a copy of the SQLite file) and the uploaded
files with a manifest of their SHA-256, and the check that a restored copy is whole.

A backup folder holds database.dump (PostgreSQL) or database.sqlite3, media/ (MEDIA_ROOT
less the generated PDFs, which the worker makes again) and manifest.json. Restoring is
pg_restore into a fresh database and copying media/ to MEDIA_ROOT (README, "Backups");
`manage.py verify_backup` then checks every file against the manifest and that every
file the database names is there, and `verify_ledgers` every fingerprint.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import FileField

from disclosures.generated import FOLDER as GENERATED

MANIFEST = "manifest.json"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dump_database(folder):
    """pg_dump -Fc of the portal's PostgreSQL database, or a consistent copy of SQLite."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        target = folder / "database.dump"
        env = {"PGPASSWORD": db["PASSWORD"] or ""}
        command = ["pg_dump", "-Fc", "--no-owner", "-f", str(target)]
        command += ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
        command += ["-U", db["USER"] or "postgres", db["NAME"]]
        subprocess.run(command, check=True, env={"PATH": os.environ.get("PATH", ""), **env})
        return target
    target = folder / "database.sqlite3"
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    return target


def copy_media(folder):
    """Every uploaded file under media/, with its SHA-256 in the manifest."""
    source = Path(settings.MEDIA_ROOT)
    (folder / "media").mkdir(exist_ok=True)  # there even when nothing was uploaded yet
    files = {}
    if source.exists():
        for path in sorted(source.rglob("*")):
            name = path.relative_to(source).as_posix()
            if not path.is_file() or name.startswith(f"{GENERATED}/"):
                continue
            target = folder / "media" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files[name] = sha256_of(target)
    return files


def back_up(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    database = dump_database(folder)
    files = copy_media(folder)
    manifest = {
        "database": {"file": database.name, "sha256": sha256_of(database)},
        "media": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def files_in_database():
    """The name of every uploaded file the database refers to."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                query = model._base_manager.exclude(**{field.name: ""})
                names.update(query.values_list(field.name, flat=True))
    return names


def problems_of(folder):
    """What is wrong with a backup folder, checked against the database in use (the
    restored one): files missing or changed, files the database names but the backup
    lacks."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    problems = []
    database = folder / manifest["database"]["file"]
    if not database.exists() or sha256_of(database) != manifest["database"]["sha256"]:
        problems.append(f"{database.name}: missing or changed")
    for name, digest in manifest["media"].items():
        path = folder / "media" / name
        if not path.exists():
            problems.append(f"media/{name}: missing")
        elif sha256_of(path) != digest:
            problems.append(f"media/{name}: SHA-256 does not match the manifest")
    for name in sorted(files_in_database() - set(manifest["media"])):
        problems.append(f"media/{name}: named by the database, not in the backup")
    return problems
