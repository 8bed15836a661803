"""H.264 MP4 encoding: raw RGB frames piped into the ffmpeg that imageio-ffmpeg ships."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from types import TracebackType

import imageio_ffmpeg
import numpy as np


class EncoderError(RuntimeError):
    pass


class Mp4Encoder:
    """Write frames with `write(frame)`, then `close()`; the MP4 has `+faststart` (moov first) and a
    keyframe at least every second."""

    def __init__(
        self, path: Path, *, width: int, height: int, fps: int, crf: int = 23, preset: str = "veryfast"
    ):
        self.path = Path(path)
        self.width = width
        self.height = height
        self.frames = 0
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel", "error",
            "-y",
            "-f", "rawvideo",
            "-pix_fmt", "rgb24",
            "-s", f"{width}x{height}",
            "-r", str(fps),
            "-i", "pipe:0",
            "-an",
            "-c:v", "libx264",
            "-preset", preset,
            "-crf", str(crf),
            # A keyframe at least every second (x264's default is every 250 frames): a browser
            # seeks to the keyframe before the target and decodes on, so long GOPs make seeks slow.
            "-g", str(fps),
            "-pix_fmt", "yuv420p",
            "-r", str(fps),
            "-movflags", "+faststart",
            "-f", "mp4",
            str(self.path),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line, no shell
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def write(self, frame: np.ndarray) -> None:
        if frame.shape != (self.height, self.width, 3) or frame.dtype != np.uint8:
            raise EncoderError(
                f"frame of shape {frame.shape} {frame.dtype}, expected {self.height}x{self.width}x3 uint8"
            )
        try:
            self.process.stdin.write(memoryview(np.ascontiguousarray(frame)).cast("B"))
        except BrokenPipeError as exc:
            raise EncoderError(f"ffmpeg stopped: {self._stderr()}") from exc
        self.frames += 1

    def _stderr(self) -> str:
        try:
            return (self.process.stderr.read() or b"").decode(errors="replace").strip()[-2000:]
        except ValueError:
            return ""

    def close(self) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        code = self.process.wait()
        errors = self._stderr()
        self.process.stderr.close()
        if code != 0:
            raise EncoderError(f"ffmpeg exited with {code}: {errors or 'no message'}")

    def abort(self) -> None:
        """Stop ffmpeg without finishing the file (a canceled or failed render)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stderr):
            if stream and not stream.closed:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()

    def __enter__(self) -> Mp4Encoder:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
