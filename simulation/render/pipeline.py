"""One render: step the physics, draw each frame, encode the MP4. No database here.

The caller (simulation.services.render_run) passes a progress callback that records frames done and
answers whether the render was canceled; the loop checks it between frames.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulation.render.camera import DEFAULT_CAMERA, CameraPath, ViewPoint, follow_subjects, smooth_path
from simulation.render.encoder import Mp4Encoder
from simulation.render.options import DEFAULT_RENDERER, QUALITIES, RenderQuality
from simulation.render.physics import Pose, SceneWorld, Vec, frame_step_counts, steps_for_duration
from simulation.render.renderers import FrameState, SubFrame, renderer_open
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
    camera_move: str = "static",
    ground_style: str | None = None,
    renderer_name: str = DEFAULT_RENDERER,
    progress: ProgressCallback | None = None,
    progress_every: int = 5,
) -> RenderOutput:
    """Render `duration` seconds of `scene` into an H.264 MP4 at `path`.

    Frame i shows the physics state at i / fps; physics then finishes at exactly `duration` seconds.
    `camera` (else the scene's camera, else the default view) is where `camera_move` starts.
    Raises RenderCanceled when `progress` answers False.
    """
    started = time.perf_counter()
    frame_steps = frame_step_counts(duration=duration, fps=fps)
    total = len(frame_steps)
    settings = QUALITIES[quality]
    base = camera or scene.camera or DEFAULT_CAMERA
    follow = _follow_centres(scene, frame_steps, fps) if camera_move == "follow" else None
    camera_path = CameraPath(move=camera_move, base=base, duration=duration, follow=follow)
    physics_seconds = time.perf_counter() - started
    world = SceneWorld(scene)
    renderer = renderer_open(
        scene=scene,
        width=width,
        height=height,
        quality=quality,
        fov=base.fov,
        ground_style=ground_style,
        name=renderer_name,
    )
    draw_seconds = 0.0
    previous: dict[str, Pose] | None = None
    try:
        with Mp4Encoder(
            path, width=width, height=height, fps=fps, crf=settings.crf, preset=settings.preset
        ) as enc:
            for index, steps in enumerate(frame_steps):
                tick = time.perf_counter()
                world.step_to(steps)
                poses = world.poses()
                tock = time.perf_counter()
                view = camera_path.at(index, index / fps)
                enc.write(renderer.draw(_frame_state(poses, previous, view, settings)))
                previous = poses
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


def _follow_centres(scene: Scene, frame_steps: list[int], fps: int) -> list[Vec]:
    """The smoothed centre of the moving bodies at each frame (a physics pass before drawing)."""
    world = SceneWorld(scene)
    ids = list(scene.objects)
    positions = np.empty((len(frame_steps), len(ids), 3), dtype=np.float32)
    first: dict[str, Pose] = {}
    for index, steps in enumerate(frame_steps):
        world.step_to(steps)
        poses = world.poses()
        first = first or poses
        positions[index] = [poses[oid].position for oid in ids]
    subjects = follow_subjects(scene, first, poses)
    columns = [ids.index(oid) for oid in subjects]
    centres = positions[:, columns, :].mean(axis=1)
    return smooth_path([tuple(float(v) for v in row) for row in centres], fps=fps)


def _blend(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction `t` of the way from `a` to `b` (normalised quaternion lerp)."""
    qa, qb = a.rotation, b.rotation
    sign = -1.0 if sum(x * y for x, y in zip(qa, qb, strict=True)) < 0 else 1.0
    q = [x * (1 - t) + sign * y * t for x, y in zip(qa, qb, strict=True)]
    norm = sum(v * v for v in q) ** 0.5 or 1.0
    position = tuple(x + (y - x) * t for x, y in zip(a.position, b.position, strict=True))
    return Pose(position=position, rotation=(q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm))


def _frame_state(
    poses: dict[str, Pose], previous: dict[str, Pose] | None, view: ViewPoint, settings: RenderQuality
) -> FrameState:
    """One frame, or its sub-frames spread over the open shutter (back towards the previous frame)."""
    count = settings.subframes
    if count == 1:
        return FrameState([SubFrame(poses, view)])
    subframes = []
    for k in range(count):
        back = settings.shutter * k / count
        if previous is None or back == 0:
            subframes.append(SubFrame(poses, view))
        else:
            blended = {
                oid: pose if pose.position == previous[oid].position else _blend(pose, previous[oid], back)
                for oid, pose in poses.items()
            }
            subframes.append(SubFrame(blended, view))
    return FrameState(subframes)
