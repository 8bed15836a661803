"""Probing and thumbnails: Pillow for images (with a pixel cap), ffmpeg for a video's poster frame."""

import io
import logging
import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_SIDE = 512
THUMBNAIL_CONTENT_TYPE = "image/webp"
FFMPEG_TIMEOUT_SECONDS = 60
UNREADABLE_IMAGE = "The image cannot be read: the file is damaged, incomplete or not really an image."


class MediaUnreadable(Exception):
    """The bytes claim a format (by magic) but cannot be decoded, or are too big to decode safely."""


@dataclass(frozen=True)
class MediaInfo:
    width: int | None
    height: int | None
    duration: float | None = None


def _open_image(source: Path | io.BytesIO) -> Image.Image:
    # Our own cap replaces Pillow's global one, so the check below sees every size.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaUnreadable(
                f"The image has more than the {settings.IMAGE_MAX_PIXELS} pixels allowed."
            ) from exc
        except (UnidentifiedImageError, OSError) as exc:
            # Pillow's text names the server's temporary file: log it, tell the user what it means.
            logger.info("image unreadable: %s", exc)
            raise MediaUnreadable(UNREADABLE_IMAGE) from exc
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        image.close()
        raise MediaUnreadable(
            f"The image is {width}x{height} pixels, more than the {settings.IMAGE_MAX_PIXELS} allowed."
        )
    return image


def image_probe(*, path: Path) -> MediaInfo:
    with _open_image(path) as image:
        return MediaInfo(width=image.size[0], height=image.size[1])


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    width: int
    height: int


def image_thumbnail(*, source: Path | io.BytesIO) -> Thumbnail:
    """A WebP at most THUMBNAIL_MAX_SIDE on its longer side (first frame of an animation)."""
    with _open_image(source) as image:
        image.draft("RGB", (THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))  # JPEG: decode at a reduced scale
        try:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
            # WebP keeps transparency, so only palette and odd modes need converting.
            if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                image = image.convert("RGBA")
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="WEBP", quality=80, method=4)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            logger.info("image undecodable: %s", exc)
            raise MediaUnreadable(UNREADABLE_IMAGE) from exc
        return Thumbnail(data=out.getvalue(), width=image.size[0], height=image.size[1])


_DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO_SIZE = re.compile(rb"Stream #\S+.*?: Video: .*?[ ,](\d{1,5})x(\d{1,5})[ ,\n]")


def _ffmpeg(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed executable, no shell
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        timeout=FFMPEG_TIMEOUT_SECONDS,
        check=False,
    )


def video_probe(*, path: Path) -> MediaInfo:
    """Width, height and duration from ffmpeg's stream report; refuses files with no video stream."""
    try:
        report = _ffmpeg(["-i", str(path)]).stderr
    except subprocess.TimeoutExpired as exc:
        raise MediaUnreadable("Reading the video took too long.") from exc
    size = _VIDEO_SIZE.search(report)
    if size is None:
        raise MediaUnreadable("The file has no readable video stream.")
    duration = None
    if match := _DURATION.search(report):
        hours, minutes, seconds = match.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    width, height = int(size.group(1)), int(size.group(2))
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise MediaUnreadable(
            f"The video frame is {width}x{height}, more than {settings.IMAGE_MAX_PIXELS} pixels."
        )
    return MediaInfo(width=width, height=height, duration=duration)


def video_thumbnail(*, path: Path, duration: float | None) -> Thumbnail | None:
    """A WebP poster frame (a little way in, where the first frame is often black), or None."""
    moments = [min(1.0, duration / 3)] if duration else []
    for at in [*moments, 0.0]:
        try:
            result = _ffmpeg(
                [
                    "-ss",
                    f"{at:.3f}",
                    "-i",
                    str(path),
                    "-frames:v",
                    "1",
                    "-f",
                    "image2pipe",
                    "-c:v",
                    "png",
                    "pipe:1",
                ]
            )
        except subprocess.TimeoutExpired:
            logger.warning("ffmpeg timed out making a poster frame of %s", path)
            return None
        if result.returncode == 0 and result.stdout:
            try:
                return image_thumbnail(source=io.BytesIO(result.stdout))
            except MediaUnreadable:
                break
    logger.warning("No poster frame for %s: %s", path, result.stderr[-500:].decode(errors="replace"))
    return None
