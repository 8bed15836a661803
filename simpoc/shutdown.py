"""A stop request every process of the task worker can see, so long-running tasks end their round early.

django-q2 stops a cluster on SIGTERM by waiting for every worker to finish the task it holds. A
task that loops (the generation poll loop) would hold the stop for up to a minute, so our
``qcluster`` command (simpoc/management/commands/qcluster.py) creates a shared event *before* the
cluster forks its processes and sets it when the signal arrives; loops check it between rounds and
sleep on it, so they return within one round. Outside that command (web processes, tests, a
one-off shell) nothing sets it and ``wait`` is a plain sleep.
"""

import multiprocessing
import time
from multiprocessing.synchronize import Event

from django.dispatch import Signal

_event: Event | None = None

# Sent by our qcluster command before the cluster starts: apps queue the work that a stopped (or
# killed) worker may have left between rounds, instead of waiting for the next schedule tick.
worker_starting = Signal()


def install() -> Event:
    """Create the shared stop event; call once in the parent, before any worker process is forked."""
    global _event
    context = (
        multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    )
    _event = (context or multiprocessing).Event()
    return _event


def request() -> None:
    """Ask every process of this worker to finish its round and stop."""
    if _event is not None:
        _event.set()


def requested() -> bool:
    return _event is not None and _event.is_set()


def wait(seconds: float) -> bool:
    """Sleep up to ``seconds``; return at once (True) when a stop is requested."""
    if _event is None:
        time.sleep(max(0.0, seconds))
        return False
    return _event.wait(max(0.0, seconds))


def reset() -> None:
    """Forget the event (tests)."""
    global _event
    _event = None
