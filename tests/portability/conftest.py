"""Stored items to archive: generations (images, videos) and renders with real bytes."""

import io
import struct
import zlib

import pytest

from gallery import services
from media_gen.emulator.media import video_bytes
from media_gen.models import Generation
from simulation.models import Render
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory


def padded_png(png: bytes, padding: bytes) -> bytes:
    """``png`` with ``padding`` in a text chunk before IEND (kept as stored; bytes after IEND are not)."""
    if not padding:
        return png
    body = b"padding\x00" + padding
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def stored_image(
    owner, *, prompt: str = "a lighthouse", shade: int = 0, padding: int = 0, **fields
) -> Generation:
    """A completed image generation whose PNG is unique per ``shade`` (and ``padding`` bytes longer)."""
    data = padded_png(
        png_bytes(24, 16, (shade % 256, (shade // 256) % 256, 90)), bytes([shade % 251]) * padding
    )
    asset = services.asset_store(owner=owner, stream=io.BytesIO(data), kind="image", filename="picture.png")
    return GenerationFactory(
        owner=owner,
        kind=Generation.Kind.IMAGE,
        prompt=prompt,
        inputs={"prompt": prompt, "seed": shade, "aspect_ratio": "3:2"},
        asset=asset,
        **fields,
    )


def stored_video(owner, *, prompt: str = "a red ball bouncing", seed: int = 1) -> Generation:
    clip = video_bytes(prompt=prompt, seed=seed, size=(48, 32), frames=4, fps=4)
    asset = services.asset_store(owner=owner, stream=io.BytesIO(clip), kind="video", filename="clip.mp4")
    return GenerationFactory(
        owner=owner,
        kind=Generation.Kind.VIDEO,
        collection="text-to-video",
        model_id="minimax/video-01",
        prompt=prompt,
        inputs={"prompt": prompt, "duration": 6},
        asset=asset,
    )


# A camera as render_request accepts it; an import checks it the same way.
CAMERA = {"position": {"x": 4, "y": 3, "z": 4}, "target": {"x": 0, "y": 0, "z": 0}, "fov": 50}


def stored_render(owner, *, seed: int = 3) -> Render:
    clip = video_bytes(prompt="boxes falling", seed=seed, size=(48, 32), frames=4, fps=4)
    asset = services.asset_store(owner=owner, stream=io.BytesIO(clip), kind="render", filename="render.mp4")
    return RenderFactory(
        owner=owner,
        status=Render.Status.COMPLETED,
        frames_done=10,
        asset=asset,
        scene_context="three boxes falling on a ramp",
        camera_config=CAMERA,
        metadata={"renderer": "mujoco-cpu"},
    )


@pytest.fixture
def collection(user):
    """Two images, a video, a render and a failed image (no file) of ``user``."""
    return {
        "images": [stored_image(user, prompt="a red fox in snow", shade=1), stored_image(user, shade=2)],
        "video": stored_video(user),
        "render": stored_render(user),
        "failed": GenerationFactory(owner=user, status=Generation.Status.FAILED, error="NSFW", prompt="nope"),
    }


# Fixtures of other apps' tests: moto's S3, and the Replicate emulator (a session server, reset per test).
from tests.gallery.conftest import s3, s3_server  # noqa: E402, F401
from tests.media_gen.conftest import _emulator_server, emulator, public_site, webhook_client  # noqa: E402, F401
