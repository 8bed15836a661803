"""Leases (simpoc/leases.py): one holder at a time, taken over once the holder is gone."""

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from simpoc import leases, shutdown
from simpoc.models import Lease

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def held_by(owner: str, *, seconds: float) -> Lease:
    now = timezone.now()
    return Lease.objects.create(name="job", owner=owner, expires_at=now + timedelta(seconds=seconds))


def test_one_holder_at_a_time_until_released():
    first = leases.lease_acquire(name="job", ttl=30)
    assert first is not None
    assert leases.lease_acquire(name="job", ttl=30) is None
    assert leases.lease_is_held(name="job")
    first.release()
    assert not leases.lease_is_held(name="job")
    assert leases.lease_acquire(name="job", ttl=30) is not None


def test_an_expired_lease_is_taken_over_and_the_old_holder_learns_it_lost():
    first = leases.lease_acquire(name="job", ttl=30)
    Lease.objects.filter(name="job").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not leases.lease_is_held(name="job")
    second = leases.lease_acquire(name="job", ttl=30)
    assert second is not None and second.owner != first.owner
    assert first.renew() is False and first.lost
    first.release()  # releasing a lost lease leaves the new holder's alone
    assert Lease.objects.get(name="job").owner == second.owner
    assert second.renew(ttl=60) is True
    assert Lease.objects.get(name="job").expires_at > timezone.now() + timedelta(seconds=55)


def test_a_lease_whose_holder_process_is_gone_is_taken_over_at_once():
    held_by(f"{socket.gethostname()}:{dead_pid()}:deadbeef", seconds=300)
    assert not leases.lease_is_held(name="job")
    started = time.monotonic()
    assert leases.lease_acquire(name="job", ttl=30) is not None
    assert time.monotonic() - started < 1


def test_a_killed_holder_not_yet_reaped_is_gone():
    """A worker killed with its parent waits as a zombie until init reaps it; it holds nothing."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while leases._process_state(process.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert leases._process_state(process.pid) == "Z"
        started = leases._process_started(process.pid)
        held_by(f"{socket.gethostname()}:{process.pid}:{started}:feed", seconds=300)
        assert not leases.lease_is_held(name="job")
        assert leases.lease_acquire(name="job", ttl=30) is not None
    finally:
        process.wait()


def test_a_process_id_reused_by_another_process_does_not_keep_it():
    """A restarted container numbers its processes the same way: the start time tells them apart."""
    import os

    held_by(f"{socket.gethostname()}:{os.getpid()}:1:cafe", seconds=300)
    assert not leases.lease_is_held(name="job")
    assert leases.lease_acquire(name="job", ttl=30) is not None


def test_a_live_holder_on_this_machine_keeps_it():
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        held_by(f"{socket.gethostname()}:{alive.pid}:cafe", seconds=300)
        assert leases.lease_is_held(name="job")
        assert leases.lease_acquire(name="job", ttl=30) is None
        Lease.objects.filter(name="job").update(expires_at=timezone.now() + timedelta(seconds=1))
        started = time.monotonic()
        assert leases.lease_acquire(name="job", ttl=30, wait=5) is None
        assert time.monotonic() - started < 0.5, "a live process of this machine is not waited for"
    finally:
        alive.kill()
        alive.wait()


def test_another_machines_lease_is_waited_for_only_until_it_lapses():
    held_by("elsewhere:123:abc", seconds=0.4)
    assert leases.lease_acquire(name="job", ttl=30, wait=0) is None
    started = time.monotonic()
    taken = leases.lease_acquire(name="job", ttl=30, wait=2)
    assert taken is not None
    assert 0.2 < time.monotonic() - started < 1.5

    Lease.objects.filter(name="job").update(
        owner="elsewhere:123:abc", expires_at=timezone.now() + timedelta(seconds=30)
    )
    started = time.monotonic()
    assert leases.lease_acquire(name="job", ttl=30, wait=1) is None, (
        "a lapse beyond the wait is not waited for"
    )
    assert time.monotonic() - started < 0.5


def test_waiting_stops_when_the_worker_is_asked_to_stop():
    held_by("elsewhere:123:abc", seconds=2)
    shutdown.install().set()
    try:
        started = time.monotonic()
        assert leases.lease_acquire(name="job", ttl=30, wait=5) is None
        assert time.monotonic() - started < 0.5
    finally:
        shutdown.reset()


def test_the_context_manager_releases_even_when_the_job_fails():
    with pytest.raises(RuntimeError), leases.lease_held(name="job", ttl=30) as lease:
        assert lease is not None
        raise RuntimeError("job failed")
    assert not Lease.objects.exists()
    with leases.lease_held(name="job", ttl=30) as first, leases.lease_held(name="job", ttl=30) as second:
        assert first is not None and second is None


def test_shutdown_wait_sleeps_unless_a_stop_was_requested():
    started = time.monotonic()
    assert shutdown.wait(0.2) is False
    assert time.monotonic() - started >= 0.19
    event = shutdown.install()
    try:
        assert not shutdown.requested()
        threading.Timer(0.1, shutdown.request).start()
        started = time.monotonic()
        assert shutdown.wait(10) is True
        assert time.monotonic() - started < 2
        assert shutdown.requested() and event.is_set()
    finally:
        shutdown.reset()


@pytest.mark.django_db(transaction=True)
def test_racing_processes_never_hold_it_together():
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def contend() -> None:
        try:
            barrier.wait()
            lease = leases.lease_acquire(name="job", ttl=30)
            if lease is not None:
                winners.append(lease.owner)
        finally:
            connection.close()

    threads = [threading.Thread(target=contend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert Lease.objects.get(name="job").owner == winners[0]


@pytest.mark.django_db(transaction=True)
def test_kept_alive_renews_in_the_background_while_a_long_step_runs():
    lease = leases.lease_acquire(name="job", ttl=0.6)
    with lease.kept_alive():
        time.sleep(1.5)  # longer than the ttl: only the background renewals keep it
        assert Lease.objects.get(name="job").expires_at > timezone.now()
    assert not lease.lost
    time.sleep(0.3)
    expires = Lease.objects.get(name="job").expires_at
    time.sleep(0.5)
    assert Lease.objects.get(name="job").expires_at == expires, "renewals stop with the block"
