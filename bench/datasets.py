"""Generated data sets (kept under ``bench/.cache`` between runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def make_video(path: Path, size: int, keyframe_every: int | None = None) -> Path:
    """An H.264 MP4 of noise (incompressible, like a real video's bytes) of about ``size`` bytes;
    a keyframe every ``keyframe_every`` frames (x264's default, 250, when None)."""
    import imageio_ffmpeg

    if path.exists() and path.stat().st_size >= size * 0.95:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"making a {size / 2**20:.0f} MiB H.264 video of noise ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            *("-v", "error", "-y", "-f", "lavfi"),
            *("-i", "nullsrc=s=640x360:r=30,geq=lum='random(1)*255':cb=128:cr=128", "-t", "3600"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"),
            *(("-g", str(keyframe_every)) if keyframe_every else ()),
            *("-fs", str(size), "-movflags", "+faststart", str(path) + ".part.mp4"),
        ],
        check=True,
    )
    Path(str(path) + ".part.mp4").rename(path)
    path.chmod(0o644)
    return path
