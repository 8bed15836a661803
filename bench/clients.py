"""HTTP clients: a keep-alive connection in Python, one curl download, a wrk load run."""

from __future__ import annotations

import http.client
import json
import math
import re
import shutil
import subprocess

from bench.stats import timed


class Client:
    """One keep-alive HTTP/1.1 connection; ``get`` reads the whole body."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None):
        host, port = base_url.split("//", 1)[1].split(":")
        self.host, self.port, self.headers = host, int(port), headers or {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None) -> bytes:
        status, body = self.request("GET", path, headers=headers)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
        return body

    def latencies(self, path: str, repeat: int, *, warmup: int = 5) -> list[float]:
        return timed(lambda: self.get(path), repeat, warmup=warmup)


def curl(url: str, *, headers: dict[str, str] | None = None, range_header: str = "") -> dict:
    """One download with curl: seconds to the first byte, total seconds, bytes, status."""
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{json}", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if range_header:
        command += ["-H", f"Range: {range_header}"]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if result["http_code"] not in (200, 206):
        raise SystemExit(f"{url} answered {result['http_code']}")
    return {
        "ttfb": result["time_starttransfer"],
        "total": result["time_total"],
        "bytes": result["size_download"],
        "status": result["http_code"],
    }


def wrk(url: str, *, connections: int, seconds: float, headers: dict[str, str] | None = None) -> dict:
    """Requests/s and latency percentiles (ms) from wrk with ``connections`` keep-alive clients."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    command = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(found.group(1)) * units[found.group(2)] if found else math.nan

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk {url}: {errors.group(1)} error responses\n{out}")
    return {
        "rps": float(rate.group(1)) if rate else math.nan,
        "p50": latency("50"),
        "p90": latency("90"),
        "p99": latency("99"),
    }
