"""SPA size: the JavaScript a first visit downloads, gzip-compressed (physics must load lazily).

    .venv/bin/python -m bench.bench_spa [--record]

Reads ``frontend/dist/.vite/manifest.json`` (build it with ``npm run build`` in ``frontend/``),
takes the entry chunk (``index.html``) and, recursively, its static imports (not its dynamic ones),
and gzips each file at level 9 (as whitenoise's compressed storage serves them). The reference is
all the JavaScript of the build, so the ratio is the share of it a first visit pays for.
"""

from __future__ import annotations

import gzip
import json

from bench import common
from bench.common import Table, ratio, verdict

DIST = common.ROOT / "frontend" / "dist"


def _gzip_size(name: str) -> int:
    return len(gzip.compress((DIST / name).read_bytes(), compresslevel=9, mtime=0))


def run(quick: bool) -> list[Table]:
    manifest_path = DIST / ".vite" / "manifest.json"
    if not manifest_path.exists():
        raise SystemExit("frontend/dist is missing: run `npm run build` in frontend/")
    manifest = json.loads(manifest_path.read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    initial, pending = [], [entry]
    while pending:
        key = pending.pop()
        if key in initial:
            continue
        initial.append(key)
        pending += manifest[key].get("imports", [])
    files = {manifest[key]["file"] for key in initial if manifest[key]["file"].endswith(".js")}
    every_js = sorted({c["file"] for c in manifest.values() if c["file"].endswith(".js")})
    initial_gz = sum(_gzip_size(f) for f in files)
    total_gz = sum(_gzip_size(f) for f in every_js)
    newest_source = max(
        p.stat().st_mtime for p in (common.ROOT / "frontend" / "src").rglob("*") if p.is_file()
    )
    table = Table(
        "SPA initial JavaScript, gzip -9 (entry chunk and its static imports)",
        ["measurement", "files", "raw KB", "gzip KB", "share of all JS (gzip)", "target", "verdict"],
    )
    table.add(
        "reference: all JavaScript of the build",
        len(every_js),
        f"{sum((DIST / f).stat().st_size for f in every_js) / 1000:.0f}",
        f"{total_gz / 1000:.1f}",
        "1.00x",
        "",
        "",
    )
    table.add(
        "initial JavaScript",
        len(files),
        f"{sum((DIST / f).stat().st_size for f in files) / 1000:.0f}",
        f"{initial_gz / 1000:.1f}",
        ratio(initial_gz, total_gz),
        "< 200 KB",
        verdict(initial_gz < 200_000),
    )
    lazy = [f for f in every_js if f not in files]
    table.notes.append(f"Initial: {', '.join(sorted(files))}. Loaded later: {', '.join(lazy)}.")
    if newest_source > manifest_path.stat().st_mtime:
        table.notes.append("Warning: frontend/src changed after this build; rebuild for current figures.")
    return [table]


if __name__ == "__main__":
    common.main(run, __doc__)
