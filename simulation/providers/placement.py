"""Geometry helpers shared by the composer and the refiner: bounding boxes, lifting objects apart so
nothing overlaps at the start, fresh ids, and a camera that frames the scene."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from simulation.render.physics import euler_xyz_to_quaternion

GAP = 0.02  # metres left between an object lifted clear and what it was lifted over
MAX_LIFTS = 200


def _rotation_matrix(rotation: dict[str, float]) -> np.ndarray:
    x, y, z, w = euler_xyz_to_quaternion(rotation["x"], rotation["y"], rotation["z"])
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def half_extents(obj: dict[str, Any]) -> np.ndarray:
    """Half-extents of the object's world-space bounding box (rotation included, conservative)."""
    scale = obj["transform"]["scale"]
    shape = obj["visualProperties"]["shape"]
    if shape == "Sphere":
        radius = scale["x"] / 2
        return np.array([radius, radius, radius])
    if shape == "Cylinder":
        local = np.array([scale["x"] / 2, scale["y"] / 2, scale["x"] / 2])
    else:
        local = np.array([scale["x"] / 2, scale["y"] / 2, scale["z"] / 2])
    return np.abs(_rotation_matrix(obj["transform"]["rotation"])) @ local


def bounds(obj: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    p = obj["transform"]["position"]
    centre = np.array([p["x"], p["y"], p["z"]])
    half = half_extents(obj)
    return centre - half, centre + half


def boxes_overlap(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    return bool(np.all(a[0] < b[1] - 1e-4) and np.all(b[0] < a[1] - 1e-4))


def set_bottom(obj: dict[str, Any], bottom: float) -> None:
    """Move the object vertically so its bounding box starts at height `bottom`."""
    low, _ = bounds(obj)
    obj["transform"]["position"]["y"] = round(obj["transform"]["position"]["y"] + bottom - float(low[1]), 4)


def settle(objects: dict[str, dict[str, Any]], *, order: list[str] | None = None) -> None:
    """Lift objects, in order, until none overlaps an earlier one or the ground (y = 0).

    Conservative (bounding boxes), deterministic, and what guarantees the composer's promise that
    nothing overlaps at the start.
    """
    placed: list[tuple[np.ndarray, np.ndarray]] = []
    for object_id in order or list(objects):
        obj = objects[object_id]
        low, _ = bounds(obj)
        if low[1] < 0:
            set_bottom(obj, 0.0)
        for _ in range(MAX_LIFTS):
            box = bounds(obj)
            blocking = [other for other in placed if boxes_overlap(box, other)]
            if not blocking:
                break
            set_bottom(obj, max(float(other[1][1]) for other in blocking) + GAP)
        placed.append(bounds(obj))


def unique_id(base: str, taken: set[str] | dict[str, Any]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", base.lower()).strip("_")[:48] or "object"
    number = 1
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def frame_camera(objects: dict[str, dict[str, Any]], *, fov: float = 50.0) -> dict[str, Any]:
    """A camera looking at every object from the front-right, a little above."""
    if not objects:
        return {"position": {"x": 6, "y": 5, "z": 8}, "target": {"x": 0, "y": 0.5, "z": 0}, "fov": fov}
    lows, highs = zip(*(bounds(o) for o in objects.values()), strict=True)
    low, high = np.min(lows, axis=0), np.max(highs, axis=0)
    # Things fall: frame from the ground up to where they start.
    low[1] = min(low[1], 0.0)
    centre = (low + high) / 2
    radius = max(float(np.linalg.norm(high - low)) / 2, 1.5)
    # Some room around the start: things fall, bounce and roll outwards.
    distance = radius / math.sin(math.radians(fov) / 2) * 1.35
    direction = np.array([0.45, 0.45, 1.0])
    direction /= np.linalg.norm(direction)
    position = centre + direction * distance

    def vec(v: np.ndarray) -> dict[str, float]:
        # Within the scene format's ±1000 m, however far a huge scene would want the camera.
        return {a: round(max(-999.0, min(999.0, float(v[i]))), 3) for i, a in enumerate("xyz")}

    return {"position": vec(position), "target": vec(centre), "fov": fov}
