"""A backup holds every kind as it is: audio and its waveform, captions' text, every output file of
a generation and what each was made from; a restore gives them back unchanged."""

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest

from backoffice import backups
from gallery.models import Asset
from media_gen.models import Generation, GenerationOutput
from simpoc.models import Backup
from tests.backoffice.test_backups import owner, postgres_only, run_manage, sqlite_only  # noqa: F401 - the fixture
from tests.portability.kinds import every_kind, sounds_made

GENERATION_COLUMNS = (
    "id",
    "kind",
    "status",
    "text_output",
    "asset_id",
    "source_kind",
    "source_id",
    "source_asset_id",
    "source_input",
    "inputs",
)


def _live_generations() -> list[tuple]:
    return [
        (*row[:-1], json.dumps(row[-1], sort_keys=True))
        for row in Generation.objects.order_by("id").values_list(*GENERATION_COLUMNS)
    ]


def _live_state() -> dict:
    outputs = list(
        GenerationOutput.objects.order_by("id").values_list("generation_id", "position", "asset_id", "url")
    )
    audio = {
        row[0]: row[1:]
        for row in Asset.objects.filter(kind="audio").values_list(
            "id", "content_type", "sha256", "duration", "thumbnail_id"
        )
    }
    assert len(outputs) == 2 and len(audio) == 2
    return {"generations": _live_generations(), "outputs": outputs, "audio": audio}


def _check_restored(execute, live: dict) -> None:
    """``execute(sql)`` runs a query on the restored database and returns its rows."""
    rows = execute("SELECT " + ", ".join(GENERATION_COLUMNS) + " FROM media_gen_generation ORDER BY id")  # noqa: S608 - fixed names
    restored_outputs = execute(
        "SELECT generation_id, position, asset_id, url FROM media_gen_generationoutput ORDER BY id"
    )
    restored_audio = execute(
        "SELECT id, content_type, sha256, duration, thumbnail_id, data FROM gallery_asset WHERE kind = 'audio'"
    )
    inputs = [row[-1] if isinstance(row[-1], dict) else json.loads(row[-1]) for row in rows]
    restored = [
        (*row[:-1], json.dumps(value, sort_keys=True)) for row, value in zip(rows, inputs, strict=True)
    ]
    assert restored == live["generations"]
    assert [tuple(row) for row in restored_outputs] == live["outputs"]
    assert {row[0]: tuple(row[1:5]) for row in restored_audio} == live["audio"]
    assert all(hashlib.sha256(bytes(row[5])).hexdigest() == row[2] for row in restored_audio)
    caption = next(row for row in rows if row[3])
    assert caption[3] == "A ball rolls for 1.0 s, 48x32." and caption[4] is None and caption[5] == "video"


@sqlite_only
def test_every_kind_survives_a_backup_and_restore(owner, tmp_path):  # noqa: F811
    every_kind(owner, sounds_made())
    live = _live_state()

    record = backups.backup_create(destination=tmp_path / "backups")

    assert record.status == Backup.Status.VERIFIED
    folder = Path(record.path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["media_gen_generationoutput"] == 2
    target = tmp_path / "fresh" / "restored.sqlite3"
    result = run_manage(
        "restore_backup", str(folder), env={"DATABASE_PATH": str(target), "DATA_DIR": str(tmp_path / "fresh")}
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as restored:
        _check_restored(lambda sql: restored.execute(sql).fetchall(), live)


@postgres_only
@pytest.mark.postgres
def test_every_kind_survives_a_postgresql_backup_and_restore(owner, tmp_path):  # noqa: F811
    every_kind(owner, sounds_made())
    live = _live_state()

    record = backups.backup_create(destination=tmp_path)

    assert record.status == Backup.Status.VERIFIED
    assert record.table_counts["media_gen_generationoutput"] == 2
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"simpoc_kinds_restore_{os.getpid()}"
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    try:
        result = run_manage(
            "restore_backup", record.path, env={"DATABASE_URL": f"{base}/{name}", "DATA_DIR": str(tmp_path)}
        )
        assert result.returncode == 0, result.stderr
        with psycopg.connect(f"{base}/{name}") as restored:
            _check_restored(lambda sql: restored.execute(sql).fetchall(), live)
    finally:
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=False)
