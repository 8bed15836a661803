"""Processes and ports: free ports, waiting for a server, stopping it, its children's memory, and
running work in background threads or fresh processes."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.paths import PYTHON, ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Wait until ``url`` answers anything but a 5xx (or the process dies)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def rss(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            values[name] = int(rest.split()[0]) * 1024
    return values


class RssSampler(threading.Thread):
    """Peak anonymous / file-backed RSS of some processes, sampled every 5 ms."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.running = pids, True
        self.before = {pid: rss(pid) for pid in pids}
        self.peak = {pid: dict(self.before[pid]) for pid in pids}

    def run(self) -> None:
        while self.running:
            for pid in self.pids:
                with contextlib.suppress(OSError):
                    now = rss(pid)
                    for name in ("RssAnon", "RssFile"):
                        self.peak[pid][name] = max(self.peak[pid][name], now[name])
            time.sleep(0.005)

    def growth_mib(self, name: str = "RssAnon") -> float:
        """The largest growth of one process over its size when sampling began."""
        self.running = False
        self.join()
        return max(self.peak[p][name] - self.before[p][name] for p in self.pids) / 2**20


@contextlib.contextmanager
def background(target: Callable[[threading.Event], None], count: int) -> Iterator[threading.Event]:
    """``count`` threads running ``target(stop_event)`` until the block ends."""
    stop_event = threading.Event()
    threads = [threading.Thread(target=target, args=(stop_event,), daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield stop_event
    finally:
        stop_event.set()
        for thread in threads:
            thread.join(timeout=120)


def in_subprocesses(module: str, calls: list[tuple]) -> list:
    """``module.case(*args)`` for each args in ``calls``, each in a fresh process (Django is set up
    once per process, with one database); returns what each returned (JSON)."""
    results = []
    for args in calls:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            code = (
                "import json, sys\n"
                f"from {module} import case\n"
                f"json.dump(case(*{args!r}), open({out.name!r}, 'w'))\n"
            )
            subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True)
            results.append(json.loads(Path(out.name).read_text()))
    return results
