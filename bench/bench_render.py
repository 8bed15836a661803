"""Render benchmark: a 3 s, 30 fps, 1280x720 clip of 12 bodies, end to end, on this machine.

Two measurements, each in a fresh Python process (so imports, the GL context and ffmpeg's start are
counted):

- pipeline: parse the scene, step Rapier, draw 90 frames with the MuJoCo CPU renderer, encode the
  H.264 MP4 (+faststart) - what a render costs with nothing around it;
- job: the django-q task body `simulation.services.render_run` on a scratch SQLite database: the same
  plus progress updates on the Render row and storing the MP4 (sniffing, poster thumbnail) through
  the gallery's asset_store.

Run `.venv/bin/python bench/bench_render.py [--runs 3] [--record]`; --record appends the results to
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DURATION, FPS, WIDTH, HEIGHT, BODIES = 3.0, 30, 1280, 720, 12


def bench_scene() -> dict:
    colours = ["#e53935", "#43a047", "#fdd835", "#1e88e5", "#fb8c00", "#8e24aa"]
    shapes = ["Box", "Sphere", "Cylinder"]
    objects = {}
    for i in range(BODIES):
        object_id = f"body_{i}"
        objects[object_id] = {
            "id": object_id,
            "transform": {
                "position": {"x": (i % 4) * 1.5 - 2.25, "y": 1 + (i // 4) * 1.5, "z": (i % 3) - 1},
                "rotation": {"x": 0.3 * i, "y": 0.1, "z": 0.0},
                "scale": {"x": 0.8, "y": 0.8, "z": 0.8},
            },
            "physicsProperties": {"mass": 1.0, "friction": 0.5, "restitution": 0.5},
            "visualProperties": {"color": colours[i % 6], "shape": shapes[i % 3]},
        }
    camera = {"position": {"x": 0, "y": 4, "z": 10}, "target": {"x": 0, "y": 1, "z": 0}, "fov": 50}
    return {"objects": objects, "selectedObject": None, "camera": camera}


PIPELINE = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from simulation.scene_schema import scene_parse
from simulation.render.pipeline import render_scene_to_mp4
scene = scene_parse(json.loads({scene!r}))
out = render_scene_to_mp4(scene=scene, path=Path({path!r}), duration={duration}, fps={fps}, width={width},
                          height={height})
print(json.dumps(out.seconds))
"""

JOB = """
import json, os, sys
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "simpoc.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from simulation.models import Render
from simulation.services import render_run
user = get_user_model().objects.create_user(username="bench{run}")
render = Render.objects.create(owner=user, scene_data=json.loads({scene!r}), duration={duration}, fps={fps},
                               width={width}, height={height}, renderer="mujoco-cpu", frames_total={frames})
render = render_run(render_id=render.pk)
assert render.status == "completed", render.error
print(json.dumps({{"bytes": render.asset.size_bytes, **render.metadata["seconds"]}}))
"""


def run_child(code: str, env: dict[str, str]) -> tuple[float, float, dict]:
    """Wall seconds, peak RSS (MB) and the JSON the child printed, with its CPU seconds (ffmpeg's too)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    completed = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"child failed:\n{completed.stderr[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    answer["cpu"] = usage.ru_utime + usage.ru_stime - cpu_before
    return wall, max(usage.ru_maxrss, before) / 1024, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append the results to bench/README.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    scene = json.dumps(bench_scene())
    frames = round(DURATION * FPS)
    results: dict[str, list[tuple[float, float, dict]]] = {"pipeline": [], "job": []}
    with tempfile.TemporaryDirectory(prefix="simpoc-bench-render-") as scratch:
        env = {**os.environ, "DATA_DIR": scratch, "LOG_LEVEL": "WARNING"}
        subprocess.run([PYTHON, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        for run in range(args.runs):
            path = str(Path(scratch) / f"bench-{run}.mp4")
            common = {"root": str(ROOT), "scene": scene, "duration": DURATION, "fps": FPS}
            code = PIPELINE.format(path=path, width=WIDTH, height=HEIGHT, **common)
            results["pipeline"].append(run_child(code, env))
            code = JOB.format(run=run, frames=frames, width=WIDTH, height=HEIGHT, **common)
            results["job"].append(run_child(code, env))
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{DURATION:g} s at {FPS} fps ({frames} frames), {WIDTH}x{HEIGHT}, {BODIES} bodies, quality draft, "
        f"median of {args.runs} runs; {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, MUJOCO_GL={os.environ.get('MUJOCO_GL', 'egl')}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work shares these 2 cores).",
        "",
        "| measurement | wall, process start included (s) | CPU, all threads and ffmpeg (s) | physics (s) "
        "| draw + encode (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        physics = statistics.median(r[2]["physics"] for r in runs)
        draw = statistics.median(r[2]["draw_and_encode"] for r in runs)
        rss = max(r[1] for r in runs)
        cpu = statistics.median(r[2]["cpu"] for r in runs)
        label = {"pipeline": "pipeline (physics, frames, MP4)", "job": "job (+ progress rows, asset_store)"}[
            name
        ]
        lines.append(f"| {label} | {wall:.2f} | {cpu:.2f} | {physics:.2f} | {draw:.2f} | {rss:.0f} |")
    size = results["job"][0][2]["bytes"]
    lines += ["", f"MP4 size: {size / 1024:.0f} KiB.", ""]
    text = "\n".join(lines)
    print(text)
    if args.record:
        record(text)


def record(text: str) -> None:
    """Append the results at the end of the README's "## Render" section."""
    readme = ROOT / "bench" / "README.md"
    content = readme.read_text()
    start = content.index("\n## Render")
    end = content.find("\n## ", start + 1)
    end = len(content) if end == -1 else end
    section = content[start:end].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    readme.write_text(
        content[:start] + section + ("\n" + content[end:].lstrip("\n") if end < len(content) else "")
    )


if __name__ == "__main__":
    main()
