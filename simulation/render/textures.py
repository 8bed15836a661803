"""Procedural textures as PNG bytes: the ground styles and the wood and stone grain of objects.

Made with numpy from a fixed seed (the same picture every run), small enough that building all of
them costs a few milliseconds, and tileable so a ground can repeat them out to the horizon.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image

from simulation.render.looks import looks

SIZE = 256


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _noise(seed: int, size: int = SIZE, cells: int = 16) -> np.ndarray:
    """Smooth tileable value noise in [0, 1]: a coarse random grid, bilinearly upsampled with wrap."""
    rng = np.random.default_rng(seed)
    grid = rng.random((cells, cells)).astype(np.float32)
    coords = np.arange(size, dtype=np.float32) * cells / size
    i0 = coords.astype(int)
    frac = coords - i0
    i1 = (i0 + 1) % cells
    frac = frac * frac * (3 - 2 * frac)
    rows = grid[i0][:, i0] * (1 - frac)[None, :] + grid[i0][:, i1] * frac[None, :]
    rows1 = grid[i1][:, i0] * (1 - frac)[None, :] + grid[i1][:, i1] * frac[None, :]
    return rows * (1 - frac)[:, None] + rows1 * frac[:, None]


def _fractal(seed: int) -> np.ndarray:
    total = sum(_noise(seed + octave, cells=8 * 2**octave) / 2**octave for octave in range(4))
    return total / sum(1 / 2**octave for octave in range(4))


@cache
def ground_texture(style: str) -> tuple[bytes, float]:
    """The PNG of one period of a ground style and how many metres that period covers."""
    spec = looks()["grounds"][style]
    light, dark = (_rgb(c) for c in spec["colors"])
    tile = float(spec["tile"])
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    grain = _fractal(7)[..., None]
    if style == "checker":
        mask = ((x < 0.5) ^ (y < 0.5))[..., None]
        image = np.where(mask, light, dark) * (0.96 + 0.08 * grain)
        return _png(image), 2 * tile
    if style == "tiles":
        grout = ((x < 0.03) | (y < 0.03))[..., None]
        image = np.where(grout, dark, light * (0.94 + 0.1 * grain))
        return _png(image), tile
    if style == "wood":
        # Four boards across, each with its own tone, grain along the board and a staggered seam.
        board = np.minimum((x * 4).astype(int), 3)
        tone = np.array([1.0, 0.9, 0.96, 0.86], dtype=np.float32)[board][..., None]
        stretched = _noise(11, cells=32)[:, ::1]
        lines = 0.5 + 0.5 * np.sin((x * 4 % 1) * 40 + stretched * 9)[..., None]
        base = light * tone * (0.88 + 0.12 * lines)
        seam_y = np.array([0.1, 0.6, 0.35, 0.85], dtype=np.float32)[board]
        seam = (np.abs(y - seam_y) < 0.006) | ((x * 4 % 1) < 0.012)
        image = np.where(seam[..., None], dark, base)
        return _png(image), tile
    if style == "concrete":
        joint = ((x < 0.008) | (y < 0.008))[..., None]
        speckle = np.random.default_rng(5).random((SIZE, SIZE, 1)).astype(np.float32)
        image = np.where(joint, dark, light * (0.9 + 0.12 * grain + 0.03 * speckle))
        return _png(image), tile
    return _png(light * (0.97 + 0.05 * grain)), tile


@cache
def material_texture(name: str) -> bytes:
    """A grey pattern that multiplies the object's own colour (wood grain, stone mottling)."""
    y = np.mgrid[0:SIZE, 0:SIZE][0].astype(np.float32) / SIZE
    if name == "wood":
        rings = 0.5 + 0.5 * np.sin(y * 48 + _noise(3, cells=8) * 10)
        value = 0.78 + 0.22 * rings
    else:
        value = 0.72 + 0.28 * _fractal(13)
    return _png(np.repeat((value * 255)[..., None], 3, axis=2))
