"""Consistent backups of the database while the site keeps serving and writing, their check, their
rotation, and the restore that proves a backup complete.

A backup is a folder ``simpoc-<UTC time>/`` under ``BACKUP_DIR`` holding:

- ``database.sqlite3`` (SQLite's online backup API: one read snapshot, writers never blocked in WAL
  mode) or ``database.pgdump`` (``pg_dump -Fc`` on a snapshot exported from the same transaction
  that counted the rows);
- ``assets.jsonl``: one line per asset with its id, size, sha256 and object-storage key;
- ``manifest.json``: engine, time, table row counts, asset totals, the database file's sha256.

The media bytes are inside the database file unless they live in object storage; then the
manifest's keys say which objects the backup expects to exist.
"""

import contextlib
import hashlib
import json
import logging
import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from simpoc.models import Backup

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ASSETS = "assets.jsonl"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
ASSET_TABLE = "gallery_asset"
CHUNK = 1024 * 1024
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that must not be trusted; the message says why."""


@dataclass
class CheckResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked_assets: int = 0


# --- helpers ------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _folder_size(path: Path) -> int:
    return sum(child.stat().st_size for child in path.iterdir() if child.is_file())


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    """Connection arguments for pg_dump / pg_restore / psql from Django's settings (password in env)."""
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _sqlite_blob_sha256(conn: sqlite3.Connection, row_id: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with conn.blobopen(ASSET_TABLE, "data", row_id, readonly=True) as blob:
        while chunk := blob.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in _sqlite_tables(conn)
    }


def _write_assets_jsonl(path: Path, rows: Iterator[tuple[Any, ...]]) -> tuple[int, int]:
    count = total = 0
    with path.open("w") as handle:
        for asset_id, sha256, size, storage_key in rows:
            handle.write(
                json.dumps({"id": asset_id, "sha256": sha256, "size": size, "key": storage_key or ""}) + "\n"
            )
            count += 1
            total += size or 0
    return count, total


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no {MANIFEST}: not a simpoc backup.") from exc
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"{folder} has backup format {manifest.get('format')!r}; this version reads {FORMAT_VERSION}."
        )
    return manifest


def read_asset_lines(folder: Path) -> Iterator[dict]:
    with (folder / ASSETS).open() as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# --- taking a backup ---------------------------------------------------------------------------------


def _backup_sqlite(folder: Path) -> dict:
    source_path = Path(settings.DATABASES["default"]["NAME"])
    target = folder / SQLITE_FILE
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        destination = sqlite3.connect(target)
        try:
            # pages=-1 copies everything under one read snapshot: consistent, and in WAL mode the
            # site's writers carry on meanwhile.
            source.backup(destination, pages=-1)
            destination.execute("PRAGMA journal_mode=DELETE")
            counts = _sqlite_counts(destination)
            has_assets = ASSET_TABLE in counts
            rows = (
                destination.execute(
                    f"SELECT id, sha256, size_bytes, storage_key FROM {ASSET_TABLE} ORDER BY id"
                )
                if has_assets
                else iter(())
            )
            asset_count, asset_bytes = _write_assets_jsonl(folder / ASSETS, rows)
        finally:
            destination.close()
    finally:
        source.close()
    return {
        "database_file": SQLITE_FILE,
        "tables": counts,
        "asset_count": asset_count,
        "asset_bytes": asset_bytes,
    }


def _backup_postgresql(folder: Path) -> dict:
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian package postgresql-client).")
    target = folder / PG_FILE
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # One snapshot for the counts, the asset list and pg_dump: all three describe the same moment.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
            tables = [name for (name,) in cursor.fetchall()]
            counts = {}
            for name in tables:
                cursor.execute(f'SELECT count(*) FROM "{name}"')
                counts[name] = cursor.fetchone()[0]
            env, args = _pg_env_and_args()
            dump = subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-acl",
                    f"--snapshot={snapshot}",
                    *args,
                    "-f",
                    str(target),
                    str(settings.DATABASES["default"]["NAME"]),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=6 * 3600,
                check=False,
            )
            if dump.returncode != 0:
                raise BackupError(f"pg_dump failed: {dump.stderr.strip()[:2000]}")
            if ASSET_TABLE in counts:
                cursor.execute(f"SELECT id, sha256, size_bytes, storage_key FROM {ASSET_TABLE} ORDER BY id")
                asset_count, asset_bytes = _write_assets_jsonl(folder / ASSETS, iter(cursor.fetchall()))
            else:
                asset_count, asset_bytes = _write_assets_jsonl(folder / ASSETS, iter(()))
        finally:
            cursor.execute("ROLLBACK")
    return {
        "database_file": PG_FILE,
        "tables": counts,
        "asset_count": asset_count,
        "asset_bytes": asset_bytes,
    }


def backup_create(*, destination: Path | None = None, trigger: str = "manual") -> Backup:
    """Take, check and record one backup; a failure is recorded (and logged loudly), then raised."""
    root = Path(destination or settings.BACKUP_DIR)
    engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    record = Backup.objects.create(engine=engine, trigger=trigger)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / f"simpoc-{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=False)
        body = _backup_sqlite(folder) if engine == "sqlite" else _backup_postgresql(folder)
        database_path = folder / body["database_file"]
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "media_storage": settings.MEDIA_STORAGE,
            "database_sha256": _sha256_file(database_path),
            "database_bytes": database_path.stat().st_size,
            **body,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        check = backup_check(folder=folder, sample=settings.BACKUP_SAMPLE_ASSETS)
        if not check.ok:
            raise BackupError("The new backup failed its check: " + "; ".join(check.problems))
    except Exception as exc:
        logger.exception("Backup into %s failed", folder)
        record.status = Backup.Status.FAILED
        record.error = str(exc) or exc.__class__.__name__
        record.finished_at = timezone.now()
        record.path = str(folder)
        record.save()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    record.status = Backup.Status.VERIFIED
    record.finished_at = timezone.now()
    record.path = str(folder)
    record.size_bytes = _folder_size(folder)
    record.table_counts = manifest["tables"]
    record.asset_count = manifest["asset_count"]
    record.checked_assets = check.checked_assets
    record.save()
    logger.info("Backup %s verified: %s bytes, %s assets", folder, record.size_bytes, record.asset_count)
    return record


# --- checking a backup ---------------------------------------------------------------------------------


def _sample(entries: list[dict], sample: int | None) -> list[dict]:
    return entries if sample is None or len(entries) <= sample else random.sample(entries, sample)


def _check_objects(entries: list[dict]) -> tuple[list[str], int]:
    """Re-hash the sampled assets whose bytes live in object storage (the backup lists their keys)."""
    from gallery.storage_backends import object_sha256

    problems = []
    checked = 0
    for entry in entries:
        if not entry["key"]:
            continue
        try:
            digest = object_sha256(key=entry["key"])
        except Exception as exc:  # any storage failure means the backup cannot be trusted
            problems.append(f"asset {entry['id']}: object {entry['key']} cannot be read ({exc})")
            continue
        checked += 1
        if digest != entry["sha256"]:
            problems.append(f"asset {entry['id']}: object {entry['key']} does not match its sha256")
    return problems, checked


def backup_check(*, folder: Path, sample: int | None = None) -> CheckResult:
    """Check a backup without restoring it: the file's hash, integrity, counts, and assets re-hashed.

    ``sample`` re-hashes that many assets chosen at random (None: every asset).
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    database_path = folder / manifest["database_file"]
    problems: list[str] = []
    if not database_path.exists():
        return CheckResult(ok=False, problems=[f"{database_path.name} is missing"])
    if _sha256_file(database_path) != manifest["database_sha256"]:
        problems.append(
            f"{database_path.name} does not match the sha256 in the manifest (corrupted or altered)"
        )
    if manifest["engine"] != "sqlite":
        checked = _check_postgresql_dump(database_path, folder=folder, sample=sample, problems=problems)
    else:
        checked = _check_sqlite_file(
            database_path, folder=folder, manifest=manifest, sample=sample, problems=problems
        )
    return CheckResult(ok=not problems, problems=problems, checked_assets=checked)


def _check_postgresql_dump(
    database_path: Path, *, folder: Path, sample: int | None, problems: list[str]
) -> int:
    """pg_restore can read the dump; the sampled objects re-hash. Returns how many assets were checked."""
    listing = subprocess.run(
        ["pg_restore", "--list", str(database_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if listing.returncode != 0:
        problems.append(f"pg_restore cannot read the dump: {listing.stderr.strip()[:500]}")
    object_problems, checked = _check_objects(_sample(list(read_asset_lines(folder)), sample))
    problems += object_problems
    return checked


def _check_sqlite_file(
    database_path: Path, *, folder: Path, manifest: dict, sample: int | None, problems: list[str]
) -> int:
    """integrity_check, row counts against the manifest, sampled assets re-hashed (BLOBs and objects)."""
    checked = 0
    try:
        conn = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        problems.append(f"cannot open the database: {exc}")
        return 0
    # A damaged page can hold bytes that are not UTF-8 (the schema's text, a table name): read them
    # with replacement characters so the damage is reported, not raised as UnicodeDecodeError.
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if integrity != ["ok"]:
            problems.append("integrity_check: " + "; ".join(integrity[:5]))
        counts = _sqlite_counts(conn)
        if counts != manifest["tables"]:
            different = sorted(
                k for k in set(counts) | set(manifest["tables"]) if counts.get(k) != manifest["tables"].get(k)
            )
            problems.append(f"row counts differ from the manifest in {', '.join(different[:10])}")
        entries = _sample(list(read_asset_lines(folder)), sample)
        object_problems, checked = _check_objects(entries)
        problems += object_problems
        for entry in entries:
            if entry["key"]:
                continue  # checked in object storage above
            try:
                digest, size = _sqlite_blob_sha256(conn, entry["id"])
            except sqlite3.Error as exc:
                problems.append(f"asset {entry['id']}: cannot read its bytes ({exc})")
                continue
            checked += 1
            if digest != entry["sha256"] or size != entry["size"]:
                problems.append(f"asset {entry['id']}: bytes do not match their sha256")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        problems.append(f"the database is damaged: {exc}")
    finally:
        conn.close()
    return checked


# --- rotation ------------------------------------------------------------------------------------------------


def _backup_time(folder: Path) -> datetime | None:
    try:
        return datetime.strptime(folder.name.removeprefix("simpoc-"), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def backup_rotate(
    *, root: Path | None = None, keep_daily: int | None = None, keep_weekly: int | None = None
) -> list[Path]:
    """Keep the newest backup of each of the last N days and of the last M ISO weeks; delete the rest."""
    root = Path(root or settings.BACKUP_DIR)
    keep_daily = settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily
    keep_weekly = settings.BACKUP_KEEP_WEEKLY if keep_weekly is None else keep_weekly
    if not root.exists():
        return []
    dated = sorted(
        ((when, folder) for folder in root.iterdir() if folder.is_dir() and (when := _backup_time(folder))),
        reverse=True,
    )
    keep: set[Path] = set()
    days: list = []
    weeks: list = []
    for when, folder in dated:
        day, week = when.date(), when.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(folder)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(folder)
    removed = []
    for _, folder in dated:
        if folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            Backup.objects.filter(path=str(folder)).update(status=Backup.Status.DELETED)
            removed.append(folder)
    return removed


# --- restore ---------------------------------------------------------------------------------------------------


def _sqlite_target_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return all(count == 0 for name, count in _sqlite_counts(conn).items() if name != "django_migrations")


def _verify_restored_sqlite(path: Path, folder: Path, manifest: dict) -> CheckResult:
    problems: list[str] = []
    checked = 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        counts = _sqlite_counts(conn)
        if counts != manifest["tables"]:
            problems.append("restored row counts differ from the manifest")
        stored = (
            {row[0]: row[1:] for row in conn.execute(f"SELECT id, sha256, size_bytes FROM {ASSET_TABLE}")}
            if ASSET_TABLE in counts
            else {}
        )
        for entry in read_asset_lines(folder):
            if entry["id"] not in stored:
                problems.append(f"asset {entry['id']} is missing after the restore")
                continue
            if entry["key"]:
                continue
            digest, size = _sqlite_blob_sha256(conn, entry["id"])
            checked += 1
            if digest != entry["sha256"] or size != entry["size"]:
                problems.append(f"asset {entry['id']}: restored bytes do not match the manifest")
        if len(stored) != manifest["asset_count"]:
            problems.append(f"{len(stored)} assets restored, the manifest lists {manifest['asset_count']}")
    return CheckResult(ok=not problems, problems=problems, checked_assets=checked)


def _verify_restored_postgresql(database: str, folder: Path, manifest: dict) -> CheckResult:
    import psycopg

    db = settings.DATABASES["default"]
    problems: list[str] = []
    checked = 0
    with psycopg.connect(
        dbname=database,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    ) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            ).fetchall()
        ]
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        if counts != manifest["tables"]:
            problems.append("restored row counts differ from the manifest")
        hashed = (
            {
                row[0]: (row[1], row[2])
                for row in conn.execute(
                    f"SELECT id, encode(sha256(data), 'hex'), octet_length(data) FROM {ASSET_TABLE}"
                )
            }
            if ASSET_TABLE in counts
            else {}
        )
        for entry in read_asset_lines(folder):
            if entry["id"] not in hashed:
                problems.append(f"asset {entry['id']} is missing after the restore")
                continue
            if entry["key"]:
                continue
            checked += 1
            if hashed[entry["id"]] != (entry["sha256"], entry["size"]):
                problems.append(f"asset {entry['id']}: restored bytes do not match the manifest")
    return CheckResult(ok=not problems, problems=problems, checked_assets=checked)


def _restore_sqlite(source: Path, *, folder: Path, manifest: dict, force: bool) -> CheckResult:
    target = Path(settings.DATABASES["default"]["NAME"])
    if not force and not _sqlite_target_is_empty(target):
        raise BackupError(f"{target} already holds data; restore into an empty deployment (or pass --force).")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return _verify_restored_sqlite(target, folder, manifest)


def _restore_postgresql(source: Path, *, folder: Path, manifest: dict, force: bool) -> CheckResult:
    database = str(settings.DATABASES["default"]["NAME"])
    env, args = _pg_env_and_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        existing = cursor.fetchone()[0]
    connection.close()
    if existing and not force:
        raise BackupError(
            f"Database {database} already has tables; restore into an empty database (or pass --force)."
        )
    restore = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--clean",
            "--if-exists",
            "--single-transaction",
            *args,
            "-d",
            database,
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=6 * 3600,
        check=False,
    )
    if restore.returncode != 0:
        raise BackupError(f"pg_restore failed: {restore.stderr.strip()[:2000]}")
    return _verify_restored_postgresql(database, folder, manifest)


def backup_restore(*, folder: Path, force: bool = False) -> CheckResult:
    """Restore a backup into this deployment's (empty) database and prove it against the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    engine = "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "sqlite"
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; this deployment uses {engine}."
        )
    pre = backup_check(folder=folder, sample=0)
    if not pre.ok:
        raise BackupError("The backup is damaged: " + "; ".join(pre.problems))
    source = folder / manifest["database_file"]
    connection.close()
    restore = _restore_sqlite if engine == "sqlite" else _restore_postgresql
    result = restore(source, folder=folder, manifest=manifest, force=force)
    if not result.ok:
        raise BackupError(
            "The restored database does not match the backup: " + "; ".join(result.problems[:10])
        )
    return result


def last_backup() -> Backup | None:
    return Backup.objects.exclude(status=Backup.Status.RUNNING).first()
