"""One render: step the physics, draw each frame, encode the MP4. No database here.

The caller (simulation.services.render_run) passes a progress callback that records frames done and
answers whether the render was canceled; the loop checks it between frames.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simulation.render.encoder import Mp4Encoder
from simulation.render.options import DEFAULT_RENDERER, QUALITIES
from simulation.render.physics import SceneWorld, frame_step_counts, steps_for_duration
from simulation.render.renderers import renderer_open
from simulation.scene_schema import Camera, Scene

# Called with (frames done, frames total); returns False to stop (the render was canceled).
ProgressCallback = Callable[[int, int], bool]


class RenderCanceled(Exception):
    pass


@dataclass
class RenderOutput:
    path: Path
    frames: int
    steps: int
    renderer: str
    final_positions: dict[str, list[float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def render_scene_to_mp4(
    *,
    scene: Scene,
    path: Path,
    duration: float,
    fps: int,
    width: int,
    height: int,
    quality: str = "draft",
    camera: Camera | None = None,
    renderer_name: str = DEFAULT_RENDERER,
    progress: ProgressCallback | None = None,
    progress_every: int = 5,
) -> RenderOutput:
    """Render `duration` seconds of `scene` into an H.264 MP4 at `path`.

    Frame i shows the physics state at i / fps; physics then finishes at exactly `duration` seconds.
    Raises RenderCanceled when `progress` answers False.
    """
    started = time.perf_counter()
    world = SceneWorld(scene)
    frame_steps = frame_step_counts(duration=duration, fps=fps)
    total = len(frame_steps)
    settings = QUALITIES[quality]
    renderer = renderer_open(
        scene=scene, width=width, height=height, quality=quality, camera=camera, name=renderer_name
    )
    physics_seconds = draw_seconds = 0.0
    try:
        with Mp4Encoder(
            path, width=width, height=height, fps=fps, crf=settings.crf, preset=settings.preset
        ) as enc:
            for index, steps in enumerate(frame_steps):
                tick = time.perf_counter()
                world.step_to(steps)
                poses = world.poses()
                tock = time.perf_counter()
                enc.write(renderer.draw(poses))
                physics_seconds += tock - tick
                draw_seconds += time.perf_counter() - tock
                done = index + 1
                if progress and (done % progress_every == 0 or done == total) and not progress(done, total):
                    raise RenderCanceled()
            encode_started = time.perf_counter()
        encode_tail = time.perf_counter() - encode_started
    finally:
        renderer.close()
    world.step_to(steps_for_duration(duration))
    final = {object_id: [round(v, 6) for v in pose.position] for object_id, pose in world.poses().items()}
    return RenderOutput(
        path=Path(path),
        frames=total,
        steps=world.steps_taken,
        renderer=renderer.name,
        final_positions=final,
        seconds={
            "physics": round(physics_seconds, 3),
            "draw_and_encode": round(draw_seconds, 3),
            "encode_finish": round(encode_tail, 3),
            "total": round(time.perf_counter() - started, 3),
        },
    )
