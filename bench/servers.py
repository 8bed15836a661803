"""The app as deployed (granian + production settings, as ``scripts/serve web`` does) and nginx on
loopback, each on a free port for the length of a ``with`` block."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.paths import BENCH_SECRET_KEY, POSTGRES, PYTHON, ROOT
from bench.processes import children, free_port, stop, wait_http


def database_url(name: str) -> str:
    """A PostgreSQL database of the suite's own (created when missing)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def app_env(data_dir: Path, *, database: str = "", production: bool = True, **extra: str) -> dict[str, str]:
    """The environment of the app: production settings, SQLite under ``data_dir`` unless ``database``
    (a PostgreSQL URL) is given, media in the database, no Redis, logs at WARNING."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "simpoc.settings",
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data_dir),
        "DATABASE_PATH": str(data_dir / "bench.sqlite3"),
        "DATABASE_URL": database,
        "REDIS_URL": "",
        "MEDIA_STORAGE": "database",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "SIMPOC_ENV": "production" if production else "development",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback has no TLS terminator in front; everything else is production's.
        "SECURE_SSL_REDIRECT": "0",
    }
    env.update(extra)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Point this process's Django at the same settings and database as the app it benchmarks."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def app_command(port: int, workers: int | None = None) -> list[str]:
    """``scripts/serve http``: the deployed web server (granian, WSGI, ``WEB_WORKERS`` x
    ``WEB_THREADS``, access log on), bound to loopback. ``env`` and the script ``exec`` into granian,
    so the process started is granian's main process and its children are the workers."""
    settings = [f"PYTHON={PYTHON}", "HOST=127.0.0.1", f"PORT={port}"]
    if workers:
        settings.append(f"WEB_WORKERS={workers}")
    return ["env", *settings, str(ROOT / "scripts" / "serve"), "http"]


# The name from before scripts/serve ran granian (issue 16); other bench files still import it.
gunicorn_command = app_command


class App:
    """``scripts/serve web`` on a free loopback port: migrate, the task worker when the database is
    SQLite (or when ``worker=True``), the web server (granian, 2 workers x 8 threads by default)."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        worker: bool | None = None,
        workers: int | None = None,
        migrate: bool = True,
    ):
        """``migrate=False`` when this process has just migrated the same database (saves a start)."""
        self.env, self.workers, self.migrate = env, workers, migrate
        self.worker = (not env.get("DATABASE_URL")) if worker is None else worker
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> App:
        if self.migrate:
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=self.env, check=True
            )
        if self.worker:
            self.processes.append(
                subprocess.Popen(
                    [PYTHON, "manage.py", "qcluster"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        # The access log goes to stdout as deployed (and is dropped); errors to a log under DATA_DIR.
        self.log = (Path(self.env["DATA_DIR"]) / "server.log").open("ab")
        self.server = subprocess.Popen(
            app_command(self.port, self.workers),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.gunicorn = self.server  # the attribute's name from before granian (issue 16)
        self.processes.append(self.server)
        wait_http(self.url + "/health", self.server)
        return self

    def worker_pids(self) -> list[int]:
        """The web server's worker processes (granian's main process forks them)."""
        return children(self.server.pid)

    def __exit__(self, *exc: object) -> None:
        workers = self.worker_pids() if self.server.poll() is None else []
        for process in reversed(self.processes):
            stop(process)
        for pid in workers:  # granian's main process killed after 15 s leaves its workers behind
            with contextlib.suppress(OSError):
                if b"granian" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
        self.log.close()


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is missing: apt-get install -y nginx-light")
    return found


class Nginx:
    """Debian's nginx with ``sendfile on`` serving ``root`` on a free loopback port (the reference)."""

    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        self.prefix = tempfile.TemporaryDirectory(prefix="bench-nginx-")
        prefix = self.prefix.name
        conf = Path(prefix) / "nginx.conf"
        conf.write_text(
            f"""daemon off;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{ listen 127.0.0.1:{self.port}; root {self.root}; }}
}}
"""
        )
        self.process = subprocess.Popen(
            [nginx_binary(), "-c", str(conf), "-p", prefix, "-e", f"{prefix}/error.log"]
        )
        wait_http(self.url + "/", self.process)
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.process)
        self.prefix.cleanup()
