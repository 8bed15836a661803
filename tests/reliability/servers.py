"""Throwaway servers for the restart tests: a PostgreSQL cluster (initdb in a temporary folder,
pg_ctl on a free port), a Redis server, and the app itself (``scripts/serve http``, i.e. granian
and its workers, and qcluster, as child processes on the embedded settings, pointed at those
servers). Never the shared servers at 5432/6379."""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def postgres_available() -> bool:
    return bool(_pg_bin("initdb") and _pg_bin("pg_ctl"))


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own; ``stop``/``start`` restart the real server process."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="simpoc-pg-"))
        self.port = free_port()
        self.data = self.folder / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "simpoc")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/simpoc"

    def _run(self, tool: str, *args: str) -> None:
        command = [_pg_bin(tool) or tool, *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayRedis:
    """A Redis server of our own, with an append-only file so a restart keeps the queue."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="simpoc-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class App:
    """The app's processes (web: ``scripts/serve http``, i.e. granian; worker: qcluster) on their own
    settings and data folder."""

    def __init__(self, env: dict[str, str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="simpoc-app-"))
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DATABASE_", "REDIS_", "RELIABILITY_"))
            },
            "DJANGO_SETTINGS_MODULE": "simpoc.settings",
            "DATA_DIR": str(self.folder),
            "PYTHONPATH": str(REPO),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "reliability-" + "k" * 60,
            **env,
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.web_port = free_port()

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def query(self, sql: str) -> list[tuple]:
        """Rows of ``sql`` read straight from the app's database (no Django start-up)."""
        url = self.env.get("DATABASE_URL", "")
        if url:
            import psycopg

            with psycopg.connect(url) as db:
                return db.execute(sql).fetchall()
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.folder / "simpoc.sqlite3")) as db:
            return db.execute(sql).fetchall()

    def shell(self, code: str) -> str:
        """The last line ``code`` prints, run by the app's own ``manage.py shell``."""
        return self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]

    def api_key(self) -> str:
        """A user and an API key for it, made by the app itself."""
        script = (
            "from django.contrib.auth import get_user_model; from simpoc import services; "
            "u = get_user_model().objects.create_user('restart', password='x-x-x-x-x-x'); "
            "print(services.api_key_create(user=u, name='restart test').raw_key)"
        )
        return self.shell(script)

    def start(self, name: str) -> subprocess.Popen:
        env = self.env
        if name == "web":
            # scripts/serve's own web server (granian, its workers and threads), on our port.
            command = [str(REPO / "scripts" / "serve"), "http"]
            env = {**self.env, "PYTHON": sys.executable, "HOST": "127.0.0.1", "PORT": str(self.web_port)}
        else:
            command = [sys.executable, "manage.py", "qcluster", "--skip-checks"]
        log = (self.folder / f"{name}.log").open("a")
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)
        self.processes[name] = process
        if name == "web":
            self._wait(lambda: self.get("/health", timeout=1)[0] == 200, what="granian")
        else:
            self._wait(lambda: "running." in self.log(name), what="qcluster")
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _wait(self, ready, *, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, urllib.error.URLError):
                if ready():
                    return
            time.sleep(0.1)
        raise AssertionError(f"{what} did not start: {self.log('web')[-2000:]} {self.log('worker')[-2000:]}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=20)

    def request(
        self, method: str, path: str, *, key: str = "", body: object = None, timeout: float = 10
    ) -> tuple[int, Message, bytes]:
        """Status, headers (looked up by any case: granian sends names in lower case), body."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.web_port}{path}", data=data, method=method)
        if key:
            request.add_header("X-API-Key", key)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, path: str, *, key: str = "", timeout: float = 10) -> tuple[int, Message, bytes]:
        return self.request("GET", path, key=key, timeout=timeout)

    def close(self) -> None:
        for name in list(self.processes):
            self.kill(name)
        shutil.rmtree(self.folder, ignore_errors=True)
