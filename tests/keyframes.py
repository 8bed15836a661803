"""Where an MP4's keyframes are, read with the ffmpeg imageio-ffmpeg ships (it has no ffprobe)."""

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg

# showinfo logs one line per decoded frame: "... pts_time:0.125 ... iskey:1 type:I ...".
_FRAME = re.compile(r"pts_time:\s*(-?[\d.]+).*?iskey:(\d)")


def frame_times(path: Path) -> list[tuple[float, bool]]:
    """(presentation time, is a keyframe) of every frame, in presentation order."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    completed = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-i", str(path), "-vf", "showinfo", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sorted((float(m.group(1)), m.group(2) == "1") for m in _FRAME.finditer(completed.stderr))


def longest_keyframe_gap(path: Path) -> float:
    """The longest a seek must decode from its keyframe: between keyframes, and after the last one
    to the last frame."""
    frames = frame_times(path)
    keys = [time for time, key in frames if key]
    assert frames and keys and keys[0] == frames[0][0], "the first frame is a keyframe"
    return max(after - before for before, after in zip(keys, [*keys[1:], frames[-1][0]], strict=True))
