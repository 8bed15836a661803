"""Leases: one holder at a time for a singleton job, and never for longer than its holder lives.

A lease is a row (simpoc.models.Lease) naming its owner (host, process id, the process's start time
and a random token) and an expiry. The holder renews it every round with a short ``ttl``; a holder
that crashes stops renewing, so its lease lapses within one round and whoever asks next takes it
over. The same row works on SQLite and PostgreSQL (an advisory lock would need a connection held
open for the whole loop, which SQLite has no equivalent of). A process that finds the lease held by
a process of its own machine that no longer exists takes it over at once instead of waiting for the
expiry: that is what a worker restarted after ``kill -9`` sees.

Clocks: expiries are written and compared with each machine's own clock, so machines sharing a
lease must keep their clocks in step (NTP) to well under the ttl.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from simpoc import shutdown
from simpoc.models import Lease

logger = logging.getLogger(__name__)


def _process_started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, Linux), or "" where that is unknown.

    With the process id it names one process for good: a restarted container reuses the same ids.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]


def _process_state(pid: int) -> str:
    """Process ``pid``'s state letter (R, S, D, Z for a zombie, ...), or "" where that is unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[0]


def _owner_token() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_started(pid)}:{uuid.uuid4().hex[:12]}"


def _local_process_alive(owner: str) -> bool | None:
    """Whether ``owner``'s process is alive, when it is one of this machine's; None for other machines."""
    parts = owner.split(":")
    if len(parts) < 3:
        return None
    host, pid_text, started = parts[0], parts[1], parts[2] if len(parts) > 3 else ""
    try:
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname() or pid <= 0:
        return None
    if started and _process_started(pid) not in ("", started):
        return False  # the id now names another process: the holder is gone
    if pid == os.getpid():
        return True
    if _process_state(pid) in ("Z", "X"):
        # Killed and not yet reaped: a worker killed with its parent is re-parented to the machine's
        # init, which may reap it late (or, in some containers, never); os.kill still finds it.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def holder_is_gone(owner: str) -> bool:
    """True when ``owner`` was a process of this machine that no longer exists.

    Only this machine's processes can be checked; for another machine's the expiry decides.
    """
    return _local_process_alive(owner) is False


@dataclass
class HeldLease:
    """A lease this process holds; ``renew`` every round, ``release`` when done."""

    name: str
    owner: str
    ttl: float
    lost: bool = field(default=False)

    def renew(self, *, ttl: float | None = None) -> bool:
        """Push the expiry ``ttl`` seconds ahead; False (and ``lost``) when another holder took over."""
        if ttl is not None:
            self.ttl = ttl
        now = timezone.now()
        renewed = Lease.objects.filter(name=self.name, owner=self.owner).update(
            renewed_at=now, expires_at=now + timedelta(seconds=self.ttl)
        )
        if not renewed:
            self.lost = True
            logger.warning("lease %s was taken over from %s", self.name, self.owner)
        return bool(renewed)

    def release(self) -> None:
        Lease.objects.filter(name=self.name, owner=self.owner).delete()

    @contextmanager
    def kept_alive(self) -> Iterator["HeldLease"]:
        """Renew from a background thread every third of the ttl while the block runs.

        For work that cannot renew between steps (one long store of a big file). On SQLite the
        renewal waits while that store holds the write lock, and may lapse; a process of the same
        machine still sees the holder alive and does not take over.
        """
        stop = threading.Event()

        def beat() -> None:
            try:
                while not stop.wait(self.ttl / 3):
                    try:
                        self.renew()
                    except Exception:  # a failed renewal only shortens the lease
                        logger.exception("lease %s: renewal failed", self.name)
            finally:
                connection.close()

        thread = threading.Thread(target=beat, name=f"lease {self.name}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()


def _take(*, name: str, owner: str, ttl: float) -> bool:
    now = timezone.now()
    expires = now + timedelta(seconds=ttl)
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(expires_at__lte=now) | Q(owner=owner))
        .update(owner=owner, acquired_at=now, renewed_at=now, expires_at=expires)
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, owner=owner, acquired_at=now, renewed_at=now, expires_at=expires)
    except IntegrityError:  # someone holds it (or took it a moment ago)
        return False
    return True


def lease_acquire(*, name: str, ttl: float, wait: float = 0.0) -> HeldLease | None:
    """Take the lease ``name`` for ``ttl`` seconds, or None while someone alive holds it.

    With ``wait``, another machine's lease that will lapse within that many seconds is waited for
    (its holder may be dead); a holder that renews meanwhile is alive, and None is returned.
    """
    owner = _owner_token()
    deadline = time.monotonic() + wait
    while True:
        if _take(name=name, owner=owner, ttl=ttl):
            return HeldLease(name=name, owner=owner, ttl=ttl)
        current = Lease.objects.filter(name=name).values("owner", "expires_at").first()
        if current is None:  # released between our two statements: try again
            continue
        alive_here = _local_process_alive(current["owner"])
        if alive_here is False:
            logger.info("lease %s: holder %s is gone, taking over", name, current["owner"])
            Lease.objects.filter(name=name, owner=current["owner"]).delete()
            continue
        if alive_here:  # a live process of this machine holds it: nothing to wait for
            return None
        left = deadline - time.monotonic()
        until_expiry = (current["expires_at"] - timezone.now()).total_seconds()
        if left <= 0 or until_expiry > left:
            return None
        if shutdown.wait(min(max(until_expiry, 0) + 0.05, 0.5)):
            return None


@contextmanager
def lease_held(*, name: str, ttl: float, wait: float = 0.0) -> Iterator[HeldLease | None]:
    """``with lease_held(...) as lease:`` — None when someone else holds it; released on exit."""
    lease = lease_acquire(name=name, ttl=ttl, wait=wait)
    try:
        yield lease
    finally:
        if lease is not None:
            lease.release()


def lease_is_held(*, name: str) -> bool:
    """Whether a live holder has the lease now (an expired row, or a gone holder, does not count)."""
    current = Lease.objects.filter(name=name, expires_at__gt=timezone.now()).values("owner").first()
    return current is not None and not holder_is_gone(current["owner"])
