"""Render benchmark: a 3 s, 30 fps, 1280x720 clip of 12 bodies, end to end, on this machine.

Each measurement runs in a fresh Python process (so imports, the GL context and ffmpeg's start are
counted):

- today's renderer: the renderer as it was before issue 14 (bench/legacy_render.py: flat colours, a
  20 m ground, draft settings) driven the way the pipeline drove it - the baseline, same run;
- pipeline draft / standard / high: parse the scene, step Rapier, draw the frames with the MuJoCo
  CPU renderer (looks, infinite ground, sky; standard and high average 2 and 4 jittered, motion-
  blurred sub-frames), encode the H.264 MP4 (+faststart);
- job: the django-q task body `simulation.services.render_run` on a scratch SQLite database: draft
  plus progress updates on the Render row and storing the MP4 (sniffing, poster thumbnail) through
  the gallery's asset_store;
- with --large: the limits (RENDER_MAX_*): 500 bodies (3 s, 720p) and 30 s at 1920x1080, draft.

Peak RSS is the child Python process's own (ru_maxrss); "RSS growth" is its resident size after the
last frame minus after the first tenth of the frames, which stays near zero when memory is flat.

Run `.venv/bin/python bench/bench_render.py [--runs 3] [--large] [--record]`; --record appends the
results to bench/README.md.
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

# The same pipeline with a render's options, reporting the process's own memory.
PIPELINE_OPTIONS = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from simulation.scene_schema import scene_parse
from simulation.render.pipeline import render_scene_to_mp4
scene = scene_parse(json.loads(Path({scene_path!r}).read_text()))
rss = []
def progress(done, total):
    if done >= total // 10 and not rss or done == total:
        rss.append(int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20)
    return True
out = render_scene_to_mp4(scene=scene, path=Path({path!r}), duration={duration}, fps={fps}, width={width},
                          height={height}, quality={quality!r}, camera_move={move!r}, progress=progress)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{**out.seconds, "rss_peak": peak, "rss_growth": rss[-1] - rss[0], "bytes": Path({path!r}).stat().st_size}}))
"""

# Today's renderer (before issue 14), driven frame by frame as the pipeline drove it then.
LEGACY = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
started = time.perf_counter()
from simulation.scene_schema import scene_parse
from simulation.render.encoder import Mp4Encoder
from simulation.render.physics import SceneWorld, frame_step_counts
from bench.legacy_render import renderer_open
scene = scene_parse(json.loads(Path({scene_path!r}).read_text()))
world = SceneWorld(scene)
renderer = renderer_open(scene=scene, width={width}, height={height})
physics = draw = 0.0
with Mp4Encoder(Path({path!r}), width={width}, height={height}, fps={fps}, crf=23, preset="veryfast") as enc:
    for steps in frame_step_counts(duration={duration}, fps={fps}):
        tick = time.perf_counter()
        world.step_to(steps)
        poses = world.poses()
        tock = time.perf_counter()
        enc.write(renderer.draw(poses))
        physics += tock - tick
        draw += time.perf_counter() - tock
renderer.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"physics": physics, "draw_and_encode": draw, "total": time.perf_counter() - started,
                   "rss_peak": peak, "rss_growth": 0.0, "bytes": Path({path!r}).stat().st_size}}))
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


def large_scene(count: int = 500) -> dict:
    """`count` boxes, spheres and cylinders on a 25-wide grid, three layers dropping onto the ground."""
    scene = bench_scene()
    base = scene["objects"]["body_0"]
    objects = {}
    for i in range(count):
        obj = json.loads(json.dumps(scene["objects"][f"body_{i % BODIES}"]))
        obj["id"] = f"body_{i}"
        layer, cell = divmod(i, 200)
        obj["transform"]["position"] = {
            "x": (cell % 20) * 1.1 - 10.5,
            "y": 0.6 + layer * 1.2,
            "z": (cell // 20) * 1.1 - 5,
        }
        obj["transform"]["scale"] = base["transform"]["scale"]
        objects[obj["id"]] = obj
    camera = {"position": {"x": 0, "y": 9, "z": 18}, "target": {"x": 0, "y": 0, "z": 0}, "fov": 50}
    return {"objects": objects, "selectedObject": None, "camera": camera}


# (label, template, quality, camera move, scene, duration, width, height)
CASES = [
    (
        "today's renderer (before issue 14), draft",
        "legacy",
        "draft",
        "static",
        "bench",
        DURATION,
        WIDTH,
        HEIGHT,
    ),
    ("pipeline, draft", "options", "draft", "static", "bench", DURATION, WIDTH, HEIGHT),
    ("pipeline, draft, follow camera", "options", "draft", "follow", "bench", DURATION, WIDTH, HEIGHT),
    ("pipeline, standard", "options", "standard", "static", "bench", DURATION, WIDTH, HEIGHT),
    ("pipeline, high", "options", "high", "static", "bench", DURATION, WIDTH, HEIGHT),
]
LARGE_CASES = [
    ("limits: 500 bodies, draft", "options", "draft", "static", "large", DURATION, WIDTH, HEIGHT),
    ("limits: 30 s at 1920x1080, draft", "options", "draft", "static", "bench", 30.0, 1920, 1080),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also the RENDER_MAX_* cases (minutes)")
    parser.add_argument("--record", action="store_true", help="append the results to bench/README.md")
    args = parser.parse_args()
    main_cases(args)
    main_job(args)


def main_cases(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="simpoc-bench-render-") as scratch:
        env = {**os.environ, "DATA_DIR": scratch, "LOG_LEVEL": "WARNING"}
        scenes = {"bench": Path(scratch) / "bench.json", "large": Path(scratch) / "large.json"}
        scenes["bench"].write_text(json.dumps(bench_scene()))
        scenes["large"].write_text(json.dumps(large_scene()))
        cases = CASES + (LARGE_CASES if args.large else [])
        results: dict[str, list[tuple[float, float, dict]]] = {case[0]: [] for case in cases}
        for run in range(args.runs):
            # Interleaved, so a burst of load elsewhere hits every case alike.
            for label, template, quality, move, scene, duration, width, height in cases:
                if duration > DURATION and run > 0:
                    continue  # the long cases run once
                code = (LEGACY if template == "legacy" else PIPELINE_OPTIONS).format(
                    root=str(ROOT), scene_path=str(scenes[scene]), path=str(Path(scratch) / f"{run}.mp4"),
                    duration=duration, fps=FPS, width=width, height=height, quality=quality, move=move,
                )  # fmt: skip
                results[label].append(run_child(code, env))
        for label, _template, _quality, _move, scene, duration, width, height in cases:
            runs = results[label]
            rows.append(
                (
                    label,
                    f"{len(json.loads(scenes[scene].read_text())['objects'])}",
                    f"{duration:g} s, {width}x{height}",
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[2]["cpu"] for r in runs),
                    statistics.median(r[2]["draw_and_encode"] for r in runs),
                    max(r[2]["rss_peak"] for r in runs),
                    max(r[2]["rss_growth"] for r in runs),
                    runs[0][2]["bytes"],
                )
            )
    baseline = rows[0][3]
    draft = rows[1][3]
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, issue 14 looks",
        "",
        f"{FPS} fps, median of {args.runs} runs (the 30 s case: 1 run); {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"MUJOCO_GL={os.environ.get('MUJOCO_GL', 'egl')}; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (other engineers share these 2 cores).",
        "",
        "| case | bodies | clip | wall, process start included (s) | vs today | vs draft | CPU (s) "
        "| draw + encode (s) | peak RSS (MB) | RSS growth (MB) | MP4 (KiB) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, bodies, clip, wall, cpu, draw, rss, growth, size in rows:
        lines.append(
            f"| {label} | {bodies} | {clip} | {wall:.2f} | {wall / baseline:.2f}x | {wall / draft:.2f}x "
            f"| {cpu:.2f} | {draw:.2f} | {rss:.0f} | {growth:+.0f} | {size / 1024:.0f} |"
        )
    text = "\n".join([*lines, ""])
    print(text)
    if args.record:
        record(text)


def main_job(args: argparse.Namespace) -> None:
    """The original measurement: the draft pipeline and the job around it (progress rows, asset_store)."""
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
