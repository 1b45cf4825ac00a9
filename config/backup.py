"""Backups of the database and the private documents, and their restore (issue #12).

A backup is one folder: ``db.sqlite3`` (SQLite's online backup API: consistent while the
site keeps serving) or ``db.dump`` (``pg_dump --format=custom``), ``documents.tar.gz``
(the private uploads), and ``manifest.json`` with the row count of every table, which
``restore`` checks after putting the data back: a restore that lost a row says so."""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def table_counts() -> dict[str, int]:
    counts = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed or table in counts:
                continue
            if table not in existing:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _media_root() -> Path | None:
    location = getattr(default_storage, "location", None)
    return Path(location) if location else None


def _pg_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def backup_create(*, destination: Path) -> Path:
    """Write a backup folder under ``destination`` and return its path."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(destination) / f"mustafid-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(destination) / f"mustafid-{stamp}-{suffix}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)  # every personal record is in here: owner only
    old_umask = os.umask(0o077)
    try:
        return _write_backup(folder)
    finally:
        os.umask(old_umask)


def _write_backup(folder: Path) -> Path:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / "db.sqlite3")
        with target:
            connection.connection.backup(target)
        target.close()
        database = "db.sqlite3"
    elif connection.vendor == "postgresql":
        database = "db.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / database)]
            + _pg_args()
            + [connection.settings_dict["NAME"]]
        )
    else:  # pragma: no cover - the project supports these two
        raise BackupError(f"No backup method for {connection.vendor}.")
    media = _media_root()
    with tarfile.open(folder / "documents.tar.gz", "w:gz") as archive:
        if media and media.exists():
            archive.add(media, arcname="documents")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": database,
        "tables": table_counts(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def backup_restore(*, folder: Path) -> dict[str, tuple[int, int]]:
    """Put a backup back in place of the current database and documents.

    Returns the tables whose row count differs from the manifest (empty when nothing
    was lost)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{folder} is not a Mustafid backup (no manifest.json).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; the configured one is "
            f"{connection.vendor}."
        )
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(folder / manifest["database"])
        with source:
            source.backup(connection.connection)
        source.close()
    else:
        connection.close()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
            + _pg_args()
            + ["--dbname", connection.settings_dict["NAME"], str(folder / manifest["database"])]
        )
    media = _media_root()
    archive_path = folder / "documents.tar.gz"
    if media and archive_path.exists():
        with tarfile.open(archive_path, "r:gz") as archive:
            staging = media.parent / f".{media.name}.restoring"
            shutil.rmtree(staging, ignore_errors=True)
            archive.extractall(staging, filter="data")
            restored = staging / "documents"
            if restored.exists():
                shutil.rmtree(media, ignore_errors=True)
                restored.rename(media)
            shutil.rmtree(staging, ignore_errors=True)
    now = table_counts()
    return {
        table: (count, now.get(table, 0))
        for table, count in manifest["tables"].items()
        if now.get(table, 0) != count
    }


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def default_destination() -> Path:
    return Path(getattr(settings, "MUSTAFID_BACKUP_DIR", settings.BASE_DIR / "backups"))
