"""Render options known without loading a renderer (the API checks them before queueing)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderQuality:
    name: str
    shadow_size: int
    samples: int  # multisample anti-aliasing; 0 is off
    crf: int  # x264 constant rate factor
    preset: str  # x264 preset


QUALITIES = {
    "draft": RenderQuality("draft", shadow_size=2048, samples=0, crf=23, preset="veryfast"),
    "standard": RenderQuality("standard", shadow_size=4096, samples=0, crf=20, preset="fast"),
    "high": RenderQuality("high", shadow_size=4096, samples=4, crf=18, preset="medium"),
}
DEFAULT_RENDERER = "mujoco-cpu"
