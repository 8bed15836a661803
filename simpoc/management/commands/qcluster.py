"""django-q2's ``qcluster``, with a stop that does not wait for long-running loops.

django-q2 stops on SIGTERM/SIGINT by waiting for each worker to finish its task. Before the cluster
forks we create a shared stop event (simpoc/shutdown.py) and set it when the signal arrives, so a
loop in a worker ends its round and returns, and the cluster exits within about a second.
"""

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from types import FrameType

from django.conf import settings
from django_q.cluster import Cluster
from django_q.management.commands.qcluster import Command as DjangoQCommand

from simpoc import shutdown

# How long a stop may take before the process exits anyway (the platform kills after 30 s).
STOP_SECONDS = 10


class Command(DjangoQCommand):
    help = "Starts the django-q2 cluster; on SIGTERM or SIGINT loops finish their round and it stops."

    def handle(self, *args: object, **options: object) -> None:
        settings.SECRET_KEY  # noqa: B018 - refuse to start without it, as django-q2 does (signing)
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = str(options["cluster_name"])
        stop = shutdown.install()
        cluster = Cluster()

        stopping = False

        def stop_cluster() -> None:
            stop.set()  # every forked process sees it: loops stop sleeping and return
            if cluster.sentinel is not None and cluster.sentinel.is_alive():
                cluster.stop()  # waits for the workers' rounds and every cluster process to end

        def on_signal(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            if stopping:
                return  # a second signal while stopping: the first stop is on its way
            stopping = True
            # In a thread with a deadline: when the signal also reached the cluster's children (a
            # supervisor that signals the whole process group), one of them can die holding a lock
            # of the shared stop events, and setting them then waited forever (seen under `timeout`).
            stopper = threading.Thread(target=stop_cluster, name="qcluster-stop", daemon=True)
            stopper.start()
            deadline = time.monotonic() + STOP_SECONDS
            while stopper.is_alive() and time.monotonic() < deadline:
                stopper.join(timeout=0.1)
                if not multiprocessing.active_children():
                    break  # the sentinel (the workers' parent) has ended: nothing is left to wait for
            if stopper.is_alive() and time.monotonic() >= deadline:
                logging.getLogger(__name__).warning("The task cluster did not stop within %s s", STOP_SECONDS)
                for child in multiprocessing.active_children():
                    child.kill()  # work in flight is leased: the next start takes it over
            # Nothing is left to clean up: skip the interpreter's teardown of every imported
            # module (about a second on a busy machine), which would count against the platform's
            # kill timeout.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        shutdown.worker_starting.send(sender=self.__class__)
        cluster.start()
        if options.get("run_once"):
            stop.set()
            cluster.stop()
