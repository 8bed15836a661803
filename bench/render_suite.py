"""Render, for the suite: ``bench/bench_render.py``'s measurements (the simulation engineer's script,
left as it is) as a table with a reference measured beside them.

    .venv/bin/python -m bench.render_suite [--quick] [--record]

It reuses bench_render's scene and child programs: "pipeline" (Rapier physics, MuJoCo CPU frames,
the MP4) and "job" (the django-q task body ``render_run``: progress rows and ``asset_store`` added),
each in a fresh process. The reference is ffmpeg alone encoding the same number of 1280x720 frames
(``testsrc2``, libx264 ``veryfast`` CRF 23, draft quality's settings): what the encode costs with
no drawing at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench import common
from bench.common import Table, median, ratio, verdict


def _ffmpeg_reference(frames: int, fps: int, width: int, height: int) -> float:
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory(prefix="bench-ffmpeg-") as scratch:
        began = time.perf_counter()
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                *("-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r={fps}"),
                *("-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"),
                *("-pix_fmt", "yuv420p", "-movflags", "+faststart", str(Path(scratch) / "ref.mp4")),
            ],
            check=True,
        )
        return time.perf_counter() - began


def run(quick: bool) -> list[Table]:
    from bench import bench_render as render

    runs = 1 if quick else 3
    frames = round(render.DURATION * render.FPS)
    scene = json.dumps(render.bench_scene())
    results: dict[str, list] = {"pipeline": [], "job": []}
    reference = []
    with tempfile.TemporaryDirectory(prefix="simpoc-bench-render-") as scratch:
        env = {**os.environ, "DATA_DIR": scratch, "LOG_LEVEL": "WARNING"}
        subprocess.run(
            [common.PYTHON, "manage.py", "migrate", "-v", "0"], env=env, check=True, cwd=common.ROOT
        )
        for index in range(runs):
            common_args = {
                "root": str(common.ROOT),
                "scene": scene,
                "duration": render.DURATION,
                "fps": render.FPS,
            }
            size = {"width": render.WIDTH, "height": render.HEIGHT}
            if not quick:
                path = str(Path(scratch) / f"bench-{index}.mp4")
                results["pipeline"].append(
                    render.run_child(render.PIPELINE.format(path=path, **size, **common_args), env)
                )
            code = render.JOB.format(run=index, frames=frames, **size, **common_args)
            results["job"].append(render.run_child(code, env))
            reference.append(_ffmpeg_reference(frames, render.FPS, render.WIDTH, render.HEIGHT))
    ref = median(reference)
    table = Table(
        f"Render: {render.DURATION:g} s, {render.FPS} fps ({frames} frames), {render.WIDTH}x{render.HEIGHT}, "
        f"{render.BODIES} bodies, draft, end to end (median of {runs})",
        [
            "measurement",
            "wall s (process start included)",
            "CPU s",
            "vs reference (wall)",
            "target",
            "verdict",
        ],
    )
    table.add("reference: ffmpeg alone encodes the frames (testsrc2)", f"{ref:.2f}", "-", "1.00x", "", "")
    for name, label in (
        ("pipeline", "pipeline (physics, frames, MP4)"),
        ("job", "job (+ progress rows, asset_store)"),
    ):
        if not results[name]:
            continue
        wall = median([r[0] for r in results[name]])
        cpu = median([r[2].get("cpu", float("nan")) for r in results[name]])
        table.add(
            label,
            f"{wall:.2f}",
            f"{cpu:.2f}",
            ratio(wall, ref),
            "< 5 s" if name == "job" else "",
            verdict(wall < 5) if name == "job" else "-",
        )
    physics = median([r[2]["physics"] for r in results["job"]])
    draw = median([r[2]["draw_and_encode"] for r in results["job"]])
    table.notes.append(f"Inside the job: physics {physics:.2f} s, drawing and encoding {draw:.2f} s.")
    return [table]


if __name__ == "__main__":
    common.main(run, __doc__)
