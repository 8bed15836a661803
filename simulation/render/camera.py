"""Camera moves: where the render's camera is at each frame.

A move starts from a base camera (the request's `camera_config`, else the scene's camera, else the
default view) and is a pure function of the frame's time, except `follow`, which needs the moving
bodies' centre at every frame: the pipeline runs the physics once beforehand to collect it
(`follow_subjects` + `smooth_path`), so the smoothing can look ahead and never lags behind a
falling body.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.render.physics import Pose, Vec
from simulation.scene_schema import Camera, Scene

CAMERA_MOVES = ("static", "orbit", "follow", "dolly", "editor")
DEFAULT_CAMERA = Camera.model_validate({"position": {"x": 6, "y": 5, "z": 8}, "target": {}, "fov": 50})
ORBIT_DEGREES_PER_SECOND = 40.0  # a 9 s clip turns a full circle; longer clips stop at one turn
DOLLY_END = 0.55  # the dolly ends at this fraction of the starting distance
FOLLOW_SMOOTHING_SECONDS = 0.35
MOVING = 0.05  # metres: a body that travels less than this over the clip is not followed


@dataclass(frozen=True)
class ViewPoint:
    """One frame's camera, scene coordinates (Y-up)."""

    position: Vec
    target: Vec
    fov: float

    @classmethod
    def of(cls, camera: Camera) -> ViewPoint:
        return cls(camera.position.as_tuple(), camera.target.as_tuple(), camera.fov)


def _smoothstep(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def follow_subjects(scene: Scene, first: dict[str, Pose], last: dict[str, Pose]) -> list[str]:
    """The bodies a follow camera keeps framed: those that move, else every dynamic body."""
    dynamic = [oid for oid, obj in scene.objects.items() if obj.body_type != "static"] or list(scene.objects)
    moving = [oid for oid in dynamic if math.dist(first[oid].position, last[oid].position) > MOVING]
    return moving or dynamic


def subjects_centre(poses: dict[str, Pose], subjects: list[str]) -> Vec:
    points = np.array([poses[oid].position for oid in subjects])
    centre = points.mean(axis=0)
    return (float(centre[0]), float(centre[1]), float(centre[2]))


def smooth_path(points: list[Vec], *, fps: int) -> list[Vec]:
    """Zero-phase smoothing: a centred Gaussian average, so the camera neither lags nor jitters.

    Both ends are padded with the path mirrored through its end point, so a body moving in a
    straight line is followed exactly, first and last frames included.
    """
    if len(points) < 3:
        return list(points)
    sigma = max(FOLLOW_SMOOTHING_SECONDS * fps / 2, 0.5)
    radius = min(len(points) - 1, math.ceil(3 * sigma))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    raw = np.array(points, dtype=float)
    head = 2 * raw[0] - raw[radius:0:-1]
    tail = 2 * raw[-1] - raw[-2 : -radius - 2 : -1]
    padded = np.concatenate([head, raw, tail])
    smoothed = np.stack([np.convolve(padded[:, axis], kernel, mode="valid") for axis in range(3)], axis=1)
    return [(float(x), float(y), float(z)) for x, y, z in smoothed]


class CameraPath:
    """The camera of each frame of one render."""

    def __init__(self, *, move: str, base: Camera, duration: float, follow: list[Vec] | None = None):
        if move not in CAMERA_MOVES:
            raise ValueError(f"unknown camera move {move!r}")
        self.move = move
        self.base = ViewPoint.of(base)
        self.duration = duration
        self.follow = follow
        # Every move keeps the base camera's direction of view; follow carries it along with the subjects.
        self.offset = np.subtract(self.base.position, self.base.target)

    def at(self, index: int, time: float) -> ViewPoint:
        base = self.base
        progress = time / self.duration if self.duration > 0 else 0.0
        if self.move == "orbit":
            angle = math.radians(min(360.0, ORBIT_DEGREES_PER_SECOND * self.duration) * progress)
            cos, sin = math.cos(angle), math.sin(angle)
            dx, dy, dz = self.offset
            offset = (dx * cos + dz * sin, dy, -dx * sin + dz * cos)
            return ViewPoint(
                tuple(t + o for t, o in zip(base.target, offset, strict=True)), base.target, base.fov
            )
        if self.move == "dolly":
            scale = 1 - (1 - DOLLY_END) * _smoothstep(progress)
            position = tuple(t + o * scale for t, o in zip(base.target, self.offset, strict=True))
            return ViewPoint(position, base.target, base.fov)
        if self.move == "follow" and self.follow:
            target = self.follow[min(index, len(self.follow) - 1)]
            position = tuple(t + o for t, o in zip(target, self.offset, strict=True))
            return ViewPoint(position, target, base.fov)
        return base
