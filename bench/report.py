"""Results: tables, the machine's description, appending dated runs to ``bench/README.md``, and the
command line every benchmark module shares (``main``)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.paths import README, RESULTS_HEADING


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines) + "\n"


def tables_dump(tables: list[Table], path: Path) -> None:
    path.write_text(json.dumps([asdict(t) for t in tables]))


def tables_load(path: Path) -> list[Table]:
    return [Table(**t) for t in json.loads(path.read_text())]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr).strip() else "?"


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.0f} GiB"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{tool_version(['psql', '--version'])}, {tool_version(['nginx', '-v'])}"
    )


def record(sections: list[tuple[str, str, list[Table]]], *, header: str) -> None:
    """Append one dated run (``header``, then per benchmark: title, load average, tables) at the end
    of the README's Results section."""
    lines = [header, ""]
    for title, load, tables in sections:
        lines += [f"#### {title}", "", f"Load average (1/5/15 min) when it ended: {load}.", ""]
        for table in tables:
            lines += [table.markdown()]
    entry = "\n".join(lines).rstrip("\n") + "\n"
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if RESULTS_HEADING not in text.splitlines():
        text = text.rstrip("\n") + f"\n\n{RESULTS_HEADING}\n\nOne entry per recorded run, oldest first.\n"
    README.write_text(text.rstrip("\n") + "\n\n" + entry)


def main(run: Callable[[bool], list[Table]], doc: str | None = None) -> None:
    """The command line of one benchmark module (``python -m bench.<module>``)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, few repetitions")
    parser.add_argument("--json", type=Path, help="also write the tables here (the suite's runner)")
    parser.add_argument("--record", action="store_true", help="append the results to bench/README.md")
    args = parser.parse_args()
    tables = run(args.quick)
    for table in tables:
        print(table.markdown())
    if args.json:
        tables_dump(tables, args.json)
    if args.record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        name = Path(sys.argv[0]).stem
        record(
            [(name, load_average(), tables)],
            header=f"### {stamp}: {name}{' --quick' if args.quick else ''}\n\nMachine: {machine()}.",
        )
