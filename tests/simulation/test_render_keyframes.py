"""A render's MP4 has a keyframe at least every second, so a browser's seek decodes at most a
second of video (x264's default of one every 250 frames made a 100 MiB video seek in 2.7 s)."""

import pytest

from simulation.render.pipeline import render_scene_to_mp4
from simulation.scene_schema import scene_parse
from tests.keyframes import frame_times, longest_keyframe_gap
from tests.simulation.test_render import FALLING_BALL

pytestmark = pytest.mark.engine_independent


def test_a_render_has_a_keyframe_at_least_every_second(tmp_path):
    path = tmp_path / "out.mp4"
    render_scene_to_mp4(scene=scene_parse(FALLING_BALL), path=path, duration=3.0, fps=8, width=64, height=36)
    frames = frame_times(path)
    assert len(frames) == 24
    assert longest_keyframe_gap(path) <= 1.0 + 1e-6
    assert sum(key for _, key in frames) >= 3  # 0 s, 1 s, 2 s at least
    assert frames[-1][0] == pytest.approx(23 / 8)
