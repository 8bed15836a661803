"""One frame of a stored render, as a PNG (what an image-to-video model gets as its start image)."""

import subprocess
import tempfile
from collections.abc import Iterable

import imageio_ffmpeg

FRAME_TIMEOUT_SECONDS = 120


class FrameUnavailable(RuntimeError):
    pass


def frame_png(*, chunks: Iterable[bytes], index: int, fps: float) -> bytes:
    """Frame ``index`` (0-based) of the MP4 given as ``chunks``, losslessly as PNG bytes.

    The MP4 goes to a scratch file (ffmpeg seeks in it; the bytes never sit whole in memory). The
    seek lands a quarter frame before the frame's time: ffmpeg's accurate seek then drops every
    earlier frame, so rounding cannot pick the neighbour.
    """
    start = max(0.0, (index - 0.25) / fps)
    with tempfile.NamedTemporaryFile(suffix=".mp4") as video:
        for chunk in chunks:
            video.write(chunk)
        video.flush()
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-ss",
            f"{start:.6f}",
            "-i",
            video.name,
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "pipe:1",
        ]
        completed = subprocess.run(  # noqa: S603 (fixed argv)
            command, capture_output=True, timeout=FRAME_TIMEOUT_SECONDS, check=False
        )
    if completed.returncode != 0 or not completed.stdout.startswith(b"\x89PNG"):
        raise FrameUnavailable(completed.stderr.decode(errors="replace")[-300:] or "no frame decoded")
    return completed.stdout
