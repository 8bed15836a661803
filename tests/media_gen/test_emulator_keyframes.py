"""The emulator's videos have a keyframe at least every second, as the app's renders do, so a
browser's seek in a generated video decodes at most a second of it."""

import subprocess

import imageio_ffmpeg
import pytest
from PIL import Image

from media_gen.emulator import media
from tests.keyframes import frame_times, longest_keyframe_gap

pytestmark = pytest.mark.engine_independent


def _gap(tmp_path, data: bytes) -> float:
    path = tmp_path / "video.mp4"
    path.write_bytes(data)
    assert len(frame_times(path)) > 24, "long enough for x264's default GOP to show"
    return longest_keyframe_gap(path)


def test_generated_and_animated_videos_have_one_second_gops(tmp_path):
    generated = media.video_bytes(prompt="a red ball", seed=1, size=(48, 32), frames=30, fps=8)
    assert _gap(tmp_path, generated) <= 1.0 + 1e-6
    image = Image.new("RGB", (48, 32), (200, 40, 40))
    animated = media.video_from_image(image=image, size=(48, 32), frames=30, fps=8)
    assert _gap(tmp_path, animated) <= 1.0 + 1e-6


def test_a_restyled_video_has_one_second_gops_whatever_its_input_had(tmp_path):
    source = tmp_path / "source.mp4"
    ffmpeg = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error"]
    testsrc = ["-f", "lavfi", "-i", "testsrc=size=48x32:rate=10", "-t", "3"]
    x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-x264-params", "keyint=250:scenecut=0"]
    subprocess.run(  # a 3 s input with x264's default GOP: one keyframe
        [*ffmpeg, *testsrc, *x264, str(source)],
        check=True,
        timeout=60,
    )
    assert longest_keyframe_gap(source) > 2
    restyled = media.video_restyled(data=source.read_bytes(), style="noir")
    assert _gap(tmp_path, restyled) <= 1.0 + 1e-6
