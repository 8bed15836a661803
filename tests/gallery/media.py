"""Tiny media samples for tests."""

import io
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg
from PIL import Image


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


# Each audio format the store accepts, as ffmpeg writes it: (codec and muxer arguments, extension).
AUDIO_FORMATS: dict[str, tuple[list[str], str]] = {
    "mp3": (["-c:a", "libmp3lame"], "mp3"),
    "mp3-no-id3": (["-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"], "mp3"),
    "wav": (["-c:a", "pcm_s16le"], "wav"),
    "ogg-vorbis": (["-c:a", "libvorbis"], "ogg"),
    "ogg-opus": (["-c:a", "libopus"], "opus"),
    "flac": (["-c:a", "flac"], "flac"),
    "m4a-aac": (["-c:a", "aac"], "m4a"),
    "mp4-aac": (["-c:a", "aac"], "mp4"),
    "aac-adts": (["-c:a", "aac", "-f", "adts"], "aac"),
}


def audio_bytes(fmt: str, *, source: str = "sine=frequency=440:duration=1") -> bytes:
    """``source`` (an ffmpeg lavfi audio graph) encoded as ``fmt``, one of AUDIO_FORMATS."""
    arguments, extension = AUDIO_FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"sample.{extension}"
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                source,
                *arguments,
                str(out),
            ],
            check=True,
            timeout=120,
        )
        return out.read_bytes()
