"""Fixtures of the reliability suite: the Replicate emulator (shared with tests/media_gen), and a
helper that runs a piece of the app in a separate process that the test can kill like a crash."""

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.media_gen.conftest import _emulator_server, emulator, public_site, webhook_client  # noqa: F401

REPO = Path(__file__).resolve().parents[2]

# Runs in the child before the snippet: the same settings and the same test database as the test.
_PRELUDE = """
import os, sys, json
os.environ["DJANGO_SETTINGS_MODULE"] = "simpoc.settings_test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["RELIABILITY_DB_NAME"]
for name, value in json.loads(os.environ["RELIABILITY_SETTINGS"]).items():
    setattr(settings, name, value)
import django
django.setup()
"""


class Child:
    """A Python process running ``snippet`` against the test's database, killable with SIGKILL."""

    def __init__(self, snippet: str, overrides: dict):
        env = {
            **os.environ,
            "DATA_DIR": str(django_settings.DATA_DIR),
            "RELIABILITY_DB_NAME": str(connection.settings_dict["NAME"]),
            "RELIABILITY_SETTINGS": json.dumps(overrides),
            "PYTHONPATH": str(REPO),
        }
        # stderr (the child's log) goes to a file: a pipe nobody reads would block a chatty child.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed with the child
        self.process = subprocess.Popen(
            [sys.executable, "-c", _PRELUDE + textwrap.dedent(snippet)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            # Its own process group: a kill reaches every process it forked (qcluster's workers),
            # as a platform's kill of the machine or container would.
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()[-5000:]

    def wait_for_line(self, marker: str, *, timeout: float = 60.0) -> None:
        """Block until the child prints ``marker`` (it flushes), fails, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise AssertionError(f"child exited {self.process.returncode}: {self.stderr()}") from None
                continue
            if marker in line:
                return
        raise AssertionError(f"child never printed {marker!r}: {self.stderr()}")

    def wait_for_log(self, marker: str, *, timeout: float = 60.0) -> None:
        """Block until ``marker`` appears in the child's log (stderr), it exits, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.stderr_all():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"child exited {self.process.returncode}: {self.stderr()}")
            time.sleep(0.05)
        raise AssertionError(f"child never logged {marker!r}: {self.stderr()}")

    def stderr_all(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def kill(self) -> None:
        """SIGKILL to the child and every process it started (a crash: no clean-up runs)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def child_process(settings):
    """Start children with ``child_process(snippet, SETTING=value, ...)``; leftovers are killed."""
    children: list[Child] = []

    def start(snippet: str, **overrides) -> Child:
        child = Child(snippet, overrides)
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()  # the whole group, even when its first process has exited
        child.log.close()
