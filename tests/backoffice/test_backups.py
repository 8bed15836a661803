"""Backups taken while the site writes, checked, rotated, and restored into an empty deployment."""

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django_q.models import Schedule

from backoffice import backups
from backoffice.schedules import BACKUP_SCHEDULE, ensure_backup_schedule
from gallery.models import Asset
from simpoc.models import Backup
from tests.factories import UserFactory
from tests.gallery.conftest import s3, s3_server  # noqa: F401 - the S3-compatible server fixtures

ROOT = Path(__file__).resolve().parents[2]
sqlite_only = pytest.mark.skipif("os.environ.get('DATABASE_URL')", reason="SQLite backup path")
postgres_only = pytest.mark.skipif("not os.environ.get('DATABASE_URL')", reason="PostgreSQL backup path")


def make_asset(owner, payload: bytes) -> Asset:
    return Asset.objects.create(
        owner=owner,
        kind=Asset.Kind.IMAGE,
        content_type="image/png",
        size_bytes=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        data=payload,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "simpoc.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def owner(transactional_db):
    return UserFactory()


def test_daily_schedule_exists_after_migrate(db):
    schedule = Schedule.objects.get(name=BACKUP_SCHEDULE)
    assert schedule.func == "backoffice.tasks.backup_run"
    assert schedule.schedule_type == Schedule.DAILY


def test_a_schedule_made_before_backups_moved_runs_the_moved_task(db):
    Schedule.objects.filter(name=BACKUP_SCHEDULE).update(func="simpoc.tasks.backup_run")
    ensure_backup_schedule()
    assert Schedule.objects.get(name=BACKUP_SCHEDULE).func == "backoffice.tasks.backup_run"


@sqlite_only
def test_backup_taken_while_writers_are_active_restores_to_an_identical_set(owner, tmp_path):
    for n in range(20):
        make_asset(owner, os.urandom(2048) + bytes([n]))
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                written.append(make_asset(owner, os.urandom(4096)).pk)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        record = backups.backup_create(destination=tmp_path / "backups")
    finally:
        stop.set()
        thread.join()
    assert record.status == Backup.Status.VERIFIED
    assert written, "the writer never ran during the backup"
    folder = Path(record.path)
    manifest = json.loads((folder / "manifest.json").read_text())
    backed_up = {entry["id"]: entry["sha256"] for entry in backups.read_asset_lines(folder)}
    assert len(backed_up) == manifest["asset_count"] >= 20
    # Everything in the backup is exactly what the live database holds for those ids.
    live = dict(Asset.objects.filter(pk__in=backed_up).values_list("pk", "sha256"))
    assert live == backed_up

    target = tmp_path / "fresh" / "restored.sqlite3"
    result = run_manage(
        "restore_backup", str(folder), env={"DATABASE_PATH": str(target), "DATA_DIR": str(tmp_path / "fresh")}
    )
    assert result.returncode == 0, result.stderr
    assert "Restored and verified" in result.stdout
    with sqlite3.connect(target) as restored:
        rows = restored.execute("SELECT id, sha256, data FROM gallery_asset").fetchall()
    assert {row[0]: row[1] for row in rows} == backed_up
    assert all(hashlib.sha256(row[2]).hexdigest() == row[1] for row in rows)


@sqlite_only
def test_a_corrupted_backup_is_detected_and_never_restored(owner, tmp_path):
    for _ in range(5):
        make_asset(owner, os.urandom(50_000))
    folder = Path(backups.backup_create(destination=tmp_path).path)
    database = folder / "database.sqlite3"
    raw = bytearray(database.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    database.write_bytes(bytes(raw))

    check = run_manage("backup", "--check", str(folder), env={"DATA_DIR": str(tmp_path / "d")})
    assert check.returncode != 0
    assert "does not match the sha256" in check.stderr

    target = tmp_path / "fresh.sqlite3"
    restore = run_manage(
        "restore_backup", str(folder), env={"DATABASE_PATH": str(target), "DATA_DIR": str(tmp_path / "d")}
    )
    assert restore.returncode != 0
    assert "damaged" in restore.stderr
    assert (
        not target.exists()
        or target.stat().st_size == 0
        or "gallery_asset" not in target.read_bytes().decode("latin1")
    )


@sqlite_only
def test_rotten_asset_bytes_are_found_even_when_the_file_hash_was_rewritten(owner, tmp_path):
    asset = make_asset(owner, b"\x89PNG" + os.urandom(1000))
    folder = Path(backups.backup_create(destination=tmp_path).path)
    database = folder / "database.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE gallery_asset SET data = ? WHERE id = ?", (b"tampered", asset.pk))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["database_sha256"] = hashlib.sha256(database.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = backups.backup_check(folder=folder)
    assert not result.ok
    assert any(f"asset {asset.pk}" in problem for problem in result.problems)


@sqlite_only
def test_restore_refuses_a_deployment_that_already_has_data(owner, tmp_path):
    make_asset(owner, b"abc")
    folder = Path(backups.backup_create(destination=tmp_path).path)
    target = tmp_path / "busy.sqlite3"
    env = {"DATABASE_PATH": str(target), "DATA_DIR": str(tmp_path / "d")}
    assert run_manage("migrate", "-v0", env=env).returncode == 0
    assert run_manage("create_user", "someone", env=env).returncode == 0
    result = run_manage("restore_backup", str(folder), env=env)
    assert result.returncode != 0
    assert "already holds data" in result.stderr


def test_a_failed_backup_is_recorded_loudly(owner, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should go")
    with pytest.raises(OSError):
        backups.backup_create(destination=blocker)
    record = Backup.objects.get()
    assert record.status == Backup.Status.FAILED
    assert record.error
    assert "Backup into" in caplog.text


def test_rotation_keeps_newest_daily_and_weekly_copies(tmp_path, db):
    start = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    for day in range(60):
        for hour in (3, 15):
            when = start - timedelta(days=day) + timedelta(hours=hour - 3)
            (tmp_path / f"simpoc-{when:%Y%m%dT%H%M%S%f}Z").mkdir()
    (tmp_path / "unrelated").mkdir()
    removed = backups.backup_rotate(root=tmp_path, keep_daily=7, keep_weekly=4)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("simpoc-"))
    days = {name[7:15] for name in kept}
    assert len(kept) == len(days), "one backup per day at most"
    assert {f"{start - timedelta(days=d):%Y%m%d}" for d in range(7)} <= days
    assert 7 <= len(kept) <= 11
    assert len(removed) == 120 - len(kept)
    assert (tmp_path / "unrelated").exists()
    # The newest of each kept day is the later one.
    assert f"simpoc-{start + timedelta(hours=12):%Y%m%dT%H%M%S%f}Z" in kept


@postgres_only
@pytest.mark.postgres
def test_postgresql_backup_restores_into_an_empty_database(owner, tmp_path):
    for _ in range(8):
        make_asset(owner, os.urandom(20_000))
    record = backups.backup_create(destination=tmp_path)
    assert record.status == Backup.Status.VERIFIED
    folder = Path(record.path)
    assert (folder / "database.pgdump").exists()

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"simpoc_restore_{os.getpid()}"
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    try:
        result = run_manage(
            "restore_backup", str(folder), env={"DATABASE_URL": f"{base}/{name}", "DATA_DIR": str(tmp_path)}
        )
        assert result.returncode == 0, result.stderr
        assert "Restored and verified" in result.stdout
        again = run_manage(
            "restore_backup", str(folder), env={"DATABASE_URL": f"{base}/{name}", "DATA_DIR": str(tmp_path)}
        )
        assert again.returncode != 0 and "already has tables" in again.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


@pytest.mark.s3
def test_backup_check_rehashes_assets_kept_in_object_storage(owner, tmp_path, s3):  # noqa: F811
    import io

    from PIL import Image

    from gallery.services import asset_store
    from tests.gallery.conftest import object_keys

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    png = buffer.getvalue()
    asset = asset_store(owner=owner, stream=io.BytesIO(png), kind="image", filename="red.png")
    assert asset.storage_key and asset.storage_key in object_keys(s3)

    record = backups.backup_create(destination=tmp_path)
    assert record.status == Backup.Status.VERIFIED
    assert record.checked_assets >= 1
    folder = Path(record.path)
    assert any(entry["key"] == asset.storage_key for entry in backups.read_asset_lines(folder))

    s3.Object(asset.storage_key).delete()
    result = backups.backup_check(folder=folder)
    assert not result.ok
    assert any(asset.storage_key in problem for problem in result.problems)


@sqlite_only
def test_a_backup_whose_schema_text_is_not_utf8_is_reported_damaged(owner, tmp_path):
    # A flipped byte can land in the schema's text (triggers and indexes span many pages): the check
    # reports the backup as damaged instead of crashing on a UnicodeDecodeError.
    folder = Path(backups.backup_create(destination=tmp_path).path)
    database = folder / "database.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET name = CAST(x'6761fe6c' AS TEXT) WHERE name = 'simpoc_backup'")
        conn.commit()

    result = backups.backup_check(folder=folder)

    assert not result.ok
    assert any("does not match the sha256" in problem for problem in result.problems)
