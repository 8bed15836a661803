"""Render options known without loading a renderer (the API checks them before queueing)."""

from dataclasses import dataclass

from simulation.render.camera import CAMERA_MOVES
from simulation.render.looks import ground_styles, looks, material_names


@dataclass(frozen=True)
class RenderQuality:
    name: str
    shadow_size: int
    # Sub-frames averaged into each frame: each is drawn with the camera shifted by a fraction of a
    # pixel (supersampling), the sun tilted a little (soft shadow edges) and, over `shutter` of the
    # frame interval, the bodies a little earlier (motion blur). 1 draws each frame once.
    subframes: int
    shutter: float  # fraction of the frame interval the shutter is open (0: no motion blur)
    crf: int  # x264 constant rate factor
    preset: str  # x264 preset


QUALITIES = {
    "draft": RenderQuality("draft", shadow_size=1024, subframes=1, shutter=0.0, crf=23, preset="veryfast"),
    "standard": RenderQuality(
        "standard", shadow_size=2048, subframes=2, shutter=0.4, crf=21, preset="veryfast"
    ),
    "high": RenderQuality("high", shadow_size=2048, subframes=4, shutter=0.5, crf=19, preset="veryfast"),
}
DEFAULT_RENDERER = "mujoco-cpu"
RENDERER_NAMES = (DEFAULT_RENDERER,)
GROUND_STYLES = ground_styles()
DEFAULT_GROUND_STYLE: str = looks()["defaultGround"]
MATERIALS = material_names()
__all__ = [
    "CAMERA_MOVES",
    "DEFAULT_GROUND_STYLE",
    "DEFAULT_RENDERER",
    "GROUND_STYLES",
    "MATERIALS",
    "QUALITIES",
]
