"""Bytes never pass through memory whole: a 64 MiB asset goes in and out with a small Python peak."""

import hashlib
import io
import struct
import subprocess
import tempfile
import tracemalloc
from pathlib import Path

import imageio_ffmpeg
import pytest

from gallery import services
from gallery.models import Asset

pytestmark = pytest.mark.urls("tests.gallery.urls")

SIZE = 64 * 1024 * 1024
PEAK_LIMIT = 8 * 1024 * 1024  # an eighth of the file; the chunks are 256 KiB to 1 MiB


def _tiny_mp4() -> bytes:
    """One 32x32 frame of H.264 with the index first, from ffmpeg's test source."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "tiny.mp4"
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=32x32:rate=1",
                "-frames:v",
                "1",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                str(out),
            ],
            check=True,
        )
        return out.read_bytes()


class LazyStream(io.RawIOBase):
    """A playable MP4 whose last box is a `free` box padding it to SIZE, produced on demand (never
    whole in memory). Padding inside the container, not after it: the store keeps a file's own
    bytes, and an image's bytes after its end marker would be cut (gallery.image_end)."""

    def __init__(self):
        mp4 = _tiny_mp4()
        self.head = mp4 + struct.pack(">I4s", SIZE - len(mp4), b"free")
        self.position = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size and size > 0
        end = min(self.position + size, SIZE)
        if self.position >= end:
            return b""
        head = self.head[self.position : end]
        chunk = head + b"\x5a" * (end - self.position - len(head))
        self.position = end
        self.digest.update(chunk)
        return chunk


def _peak_while(action):
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _drain(response) -> tuple[int, str]:
    digest, received = hashlib.sha256(), 0
    for chunk in response.streaming_content:
        received += len(chunk)
        digest.update(chunk)
    return received, digest.hexdigest()


def test_a_64_mib_asset_goes_in_and_out_with_small_python_memory(user, user_client):
    stream = LazyStream()
    asset, store_peak = _peak_while(lambda: services.asset_store(owner=user, stream=stream, kind="video"))
    url = f"/api/test-assets/{asset.pk}/data"

    (whole, whole_digest), whole_peak = _peak_while(lambda: _drain(user_client.get(url)))
    (part, _), range_peak = _peak_while(
        lambda: _drain(user_client.get(url, HTTP_RANGE=f"bytes=1000-{SIZE - 1000}"))
    )

    assert (asset.size_bytes, asset.sha256) == (SIZE, stream.digest.hexdigest())
    assert (whole, whole_digest) == (SIZE, Asset.objects.get(pk=asset.pk).sha256)
    assert part == SIZE - 1999
    peaks = {"store": store_peak, "stream": whole_peak, "range": range_peak}
    assert max(peaks.values()) < PEAK_LIMIT, {name: f"{peak / 2**20:.1f} MiB" for name, peak in peaks.items()}
