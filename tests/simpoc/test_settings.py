"""Settings come from the environment: safe defaults, and production refuses to start half-configured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_independent

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SIMPOC_ENV": "production",
    "SECRET_KEY": "p" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-" + "q" * 10,
    "ALLOWED_HOSTS": "simpoc.example.com",
    "BASE_URL": "https://simpoc.example.com",
}


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "SIMPOC_"))
    }
    clean.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "simpoc.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def settings_read(names: list[str], env: dict[str, str], tmp_path: Path) -> list[str]:
    """The repr of each setting as a fresh process with `env` sees it (one process for all: importing
    the settings module is what is under test, so the apps are not loaded)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "SIMPOC_"))
    }
    clean.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "simpoc.settings", **env})
    program = "import json; from django.conf import settings; print(json.dumps([{}]))".format(
        ", ".join(f"repr(settings.{name})" for name in names)
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def setting(name: str, env: dict[str, str], tmp_path: Path) -> str:
    return settings_read([name], env, tmp_path)[0]


def test_development_defaults_are_sqlite_in_wal_and_the_orm_broker(tmp_path):
    engine, options, orm, debug, name = settings_read(
        [
            "DATABASES['default']['ENGINE']",
            "DATABASES['default']['OPTIONS']",
            "Q_CLUSTER.get('orm')",
            "DEBUG",
            "DATABASES['default']['NAME']",
        ],
        {},
        tmp_path,
    )
    assert "sqlite3" in engine
    assert "journal_mode=WAL" in options
    assert "'timeout': 20" in options
    assert orm == "'default'"
    assert debug == "False"
    assert str(tmp_path) in name


def test_database_path_and_url_are_honoured(tmp_path):
    assert "custom.db" in setting(
        "DATABASES['default']['NAME']", {"DATABASE_PATH": str(tmp_path / "custom.db")}, tmp_path
    )
    pg = setting(
        "DATABASES['default']['ENGINE']", {"DATABASE_URL": "postgres://u@db.example:5432/x"}, tmp_path
    )
    assert "postgresql" in pg


def test_postgresql_prepares_the_hot_reads_unless_told_not_to(tmp_path):
    url = {"DATABASE_URL": "postgres://u@db.example:5432/x"}
    (on,) = settings_read(["DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')"], url, tmp_path)
    (off,) = settings_read(
        ["DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')"],
        {**url, "DATABASE_PREPARED_STATEMENTS": "false"},
        tmp_path,
    )
    assert (on, off) == ("5", "None")  # None: psycopg prepares nothing (a transaction-pooling PgBouncer)


def test_redis_url_moves_the_task_queue_to_redis(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/3"}
    assert setting("Q_CLUSTER.get('redis')", env, tmp_path) == "'redis://127.0.0.1:6379/3'"
    assert setting("Q_CLUSTER.get('orm')", env, tmp_path) == "None"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug(tmp_path):
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "1"}, tmp_path=tmp_path)
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = setting("SECRET_KEY", {}, tmp_path)
    assert first == setting("SECRET_KEY", {}, tmp_path)
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.redis
def test_tasks_round_trip_through_redis_when_configured():
    """With REDIS_URL the django-q2 broker is Redis: a task enqueued there is dequeued intact."""
    import redis
    from django_q.brokers.redis_broker import Redis

    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    connection = redis.Redis.from_url(redis_url)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {redis_url}: {exc} (.ci/run starts it)")
    broker = Redis(list_key=f"simpoc-test-{os.getpid()}")
    broker.connection = connection
    try:
        broker.enqueue("signed-task-payload")
        assert broker.queue_size() == 1
        task = broker.dequeue()
        assert task[0][1] == b"signed-task-payload"
    finally:
        broker.delete_queue()
