"""What every benchmark of the suite shares, in one namespace (``from bench import common``).

The pieces live by concern; this module only gathers them, so a benchmark needs one import:

- ``bench.paths``: where things are (ROOT, CACHE, PYTHON …) and shared constants;
- ``bench.stats``: timing (``timed``), statistics and number formats (``median``, ``ms``, ``ratio`` …);
- ``bench.report``: ``Table``, the machine's description, recording to ``bench/README.md``, ``main``;
- ``bench.processes``: free ports, waiting for and stopping servers, RSS sampling, background threads
  and fresh processes;
- ``bench.servers``: the app as deployed (``App``: granian + production settings, as
  ``scripts/serve web`` does) and nginx (``Nginx``) on loopback;
- ``bench.clients``: HTTP clients (a keep-alive ``Client``, ``curl``, ``wrk``);
- ``bench.datasets``: generated data (``make_video``).

A benchmark module has ``run(quick: bool) -> list[Table]`` and ends with ``common.main(run)``, which
gives it the command line every benchmark shares (``--quick``, ``--json PATH``, ``--record``).
"""

from bench.clients import Client, curl, wrk
from bench.datasets import make_video
from bench.paths import BENCH_SECRET_KEY, BIN, CACHE, POSTGRES, PYTHON, README, RESULTS_HEADING, ROOT
from bench.processes import (
    RssSampler,
    background,
    children,
    free_port,
    in_subprocesses,
    rss,
    stop,
    wait_http,
)
from bench.report import Table, load_average, machine, main, record, tables_dump, tables_load, tool_version
from bench.servers import (
    App,
    Nginx,
    app_command,
    app_env,
    database_url,
    django_setup,
    gunicorn_command,
    nginx_binary,
)
from bench.stats import median, ms, percentile, ratio, timed, verdict

__all__ = [
    "BENCH_SECRET_KEY",
    "BIN",
    "CACHE",
    "POSTGRES",
    "PYTHON",
    "README",
    "RESULTS_HEADING",
    "ROOT",
    "App",
    "Client",
    "Nginx",
    "RssSampler",
    "Table",
    "app_command",
    "app_env",
    "background",
    "children",
    "curl",
    "database_url",
    "django_setup",
    "free_port",
    "gunicorn_command",
    "in_subprocesses",
    "load_average",
    "machine",
    "main",
    "make_video",
    "median",
    "ms",
    "nginx_binary",
    "percentile",
    "ratio",
    "record",
    "rss",
    "stop",
    "tables_dump",
    "tables_load",
    "timed",
    "tool_version",
    "verdict",
    "wait_http",
    "wrk",
]
