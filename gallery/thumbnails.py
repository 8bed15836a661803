"""Probing and thumbnails: Pillow for images (with a pixel cap), ffmpeg for a video's poster frame,
ffmpeg and numpy for an audio file's duration and waveform picture."""

import io
import logging
import re
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from django.conf import settings
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_SIDE = 512
# The shorter side is at most this: enough to cover a gallery card (a square of about 200-260 CSS
# px, the picture cropped to fill it) at device pixel ratio 1. A 512x512 thumbnail was four times the
# pixels the card shows, and decoding 50 of them was most of the time a reopened gallery took
# (bench/README.md, issue 16 item 6). A wide picture keeps up to 512 px on its longer side.
THUMBNAIL_SHORT_SIDE = 256
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


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size for a picture of ``width`` x ``height``: the same shape, scaled down (never
    up) until the longer side is at most THUMBNAIL_MAX_SIDE and the shorter at most THUMBNAIL_SHORT_SIDE."""
    scale = min(1.0, THUMBNAIL_MAX_SIDE / max(width, height), THUMBNAIL_SHORT_SIDE / min(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail_oversized(width: int | None, height: int | None) -> bool:
    """Whether a stored thumbnail of this size is bigger than thumbnails are made now."""
    if not width or not height:
        return False
    return thumbnail_size(width, height) != (width, height)


def image_thumbnail(*, source: Path | io.BytesIO) -> Thumbnail:
    """A WebP of at most thumbnail_size() (first frame of an animation)."""
    with _open_image(source) as image:
        image.draft("RGB", thumbnail_size(*image.size))  # JPEG: decode at a reduced scale
        try:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(thumbnail_size(*image.size))
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


# --- Audio: duration from ffmpeg's report, a waveform image from the decoded samples -------------

_AUDIO_STREAM = re.compile(rb"Stream #\S+.*?: Audio: ")
WAVEFORM_SIZE = (THUMBNAIL_MAX_SIDE, 128)  # shown whole: wide, not cropped
WAVEFORM_BACKGROUND = (24, 28, 38)
WAVEFORM_COLOR = (94, 200, 160)
WAVEFORM_PEAK_COLOR = (46, 98, 84)
# Decoded to mono at this rate for the picture only: plenty for 512 columns, and cheap to read.
WAVEFORM_SAMPLE_RATE = 8000
WAVEFORM_READ_BYTES = 64 * 1024
# Peaks kept while decoding; pairs merge when there are more, so memory never grows with the length.
WAVEFORM_MAX_BLOCKS = 4096
WAVEFORM_TIMEOUT_SECONDS = 120


def sound_only(*, path: Path) -> bool:
    """Whether ffmpeg finds an audio stream in the file and no video stream (an MP4 holding only sound)."""
    try:
        report = _ffmpeg(["-i", str(path)]).stderr
    except subprocess.TimeoutExpired:
        return False
    return _AUDIO_STREAM.search(report) is not None and _VIDEO_SIZE.search(report) is None


def audio_probe(*, path: Path) -> MediaInfo:
    """The duration from ffmpeg's report (read from the container, not by decoding); refuses files
    in which ffmpeg finds no audio stream (a page or a document behind an audio header)."""
    try:
        report = _ffmpeg(["-i", str(path)]).stderr
    except subprocess.TimeoutExpired as exc:
        raise MediaUnreadable("Reading the audio took too long.") from exc
    if _AUDIO_STREAM.search(report) is None:
        raise MediaUnreadable("The file has no readable audio stream.")
    duration = None
    if match := _DURATION.search(report):
        hours, minutes, seconds = match.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return MediaInfo(width=None, height=None, duration=duration)


def _merge_pairs(values: np.ndarray, merge: Callable[..., np.ndarray]) -> np.ndarray:
    """Neighbouring blocks merged two by two (an odd last one kept as it is)."""
    even = len(values) // 2 * 2
    return np.concatenate([merge(values[:even].reshape(-1, 2), axis=1), values[even:]])


class _Peaks:
    """The lowest and highest sample and the energy (sum of squares) of each block of a stream of
    samples, in bounded memory.

    Blocks start at 64 samples; whenever more than WAVEFORM_MAX_BLOCKS are kept, neighbours merge in
    pairs and the block doubles, so an hour of audio keeps as few numbers as a second of it.
    """

    def __init__(self) -> None:
        self.block = 64
        self.low = np.empty(0, dtype=np.int16)
        self.high = np.empty(0, dtype=np.int16)
        self.energy = np.empty(0, dtype=np.float64)
        self.count = np.empty(0, dtype=np.int64)
        self.carry = np.empty(0, dtype=np.int16)
        self.samples = 0

    def _append(self, blocks: np.ndarray) -> None:
        self.low = np.concatenate([self.low, blocks.min(axis=1)])
        self.high = np.concatenate([self.high, blocks.max(axis=1)])
        self.energy = np.concatenate([self.energy, np.square(blocks, dtype=np.float64).sum(axis=1)])
        self.count = np.concatenate([self.count, np.full(len(blocks), blocks.shape[1], dtype=np.int64)])

    def add(self, samples: np.ndarray) -> None:
        self.samples += len(samples)
        samples = np.concatenate([self.carry, samples])
        whole = len(samples) // self.block * self.block
        self.carry = samples[whole:]
        if whole:
            self._append(samples[:whole].reshape(-1, self.block))
        while len(self.high) > WAVEFORM_MAX_BLOCKS:
            self.low = _merge_pairs(self.low, np.min)
            self.high = _merge_pairs(self.high, np.max)
            self.energy = _merge_pairs(self.energy, np.sum)
            self.count = _merge_pairs(self.count, np.sum)
            self.block *= 2

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lowest, highest, root mean square) of each block."""
        if len(self.carry):
            self._append(self.carry.reshape(1, -1))
            self.carry = self.carry[:0]
        return self.low, self.high, np.sqrt(self.energy / np.maximum(self.count, 1))


@dataclass(frozen=True)
class Waveform:
    thumbnail: Thumbnail | None
    # Seconds of audio decoded: the duration when the container does not say it (None: not known).
    decoded_seconds: float | None


def _waveform_picture(low: np.ndarray, high: np.ndarray, rms: np.ndarray) -> Thumbnail:
    """Peaks drawn dim and the loudness (RMS) bright over them, with a margin above and below, so
    a steady tone reads as a sound and not as a filled rectangle."""
    width, height = WAVEFORM_SIZE
    starts = (np.arange(width) * len(high)) // width
    column_low = np.minimum.reduceat(low.astype(np.int32), starts)
    column_high = np.maximum.reduceat(high.astype(np.int32), starts)
    column_rms = np.maximum.reduceat(rms, starts)
    # Scaled to the loudest sample, so a quiet recording still shows its shape.
    loudest = max(int(np.abs(column_low).max()), int(np.abs(column_high).max()), 1)
    middle, reach = height / 2, height / 2 * 0.85
    image = Image.new("RGB", WAVEFORM_SIZE, WAVEFORM_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.line([(0, round(middle)), (width - 1, round(middle))], fill=WAVEFORM_PEAK_COLOR)
    columns = zip(column_low.tolist(), column_high.tolist(), column_rms.tolist(), strict=True)
    for x, (lowest, highest, loudness) in enumerate(columns):
        top = round(middle - highest / loudest * reach)
        bottom = round(middle - lowest / loudest * reach)
        draw.line([(x, top), (x, max(bottom, top))], fill=WAVEFORM_PEAK_COLOR)
        spread = loudness / loudest * reach
        draw.line([(x, round(middle - spread)), (x, round(middle + spread))], fill=WAVEFORM_COLOR)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=80, method=4)
    return Thumbnail(data=out.getvalue(), width=width, height=height)


def audio_waveform(*, path: Path) -> Waveform:
    """A WebP of the waveform, drawn from the samples that ffmpeg decodes (mono, 8 kHz) and pipes
    here in small reads; no thumbnail when nothing decodes or decoding takes too long."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(WAVEFORM_SAMPLE_RATE),
        "-f",
        "s16le",
        "pipe:1",
    ]
    peaks = _Peaks()
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors) as ffmpeg,  # noqa: S603
    ):
        # A watchdog, not a check between reads: a decoder that hangs sends nothing to read.
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            ffmpeg.kill()

        watchdog = threading.Timer(WAVEFORM_TIMEOUT_SECONDS, stop)
        watchdog.start()
        try:
            assert ffmpeg.stdout is not None
            odd = b""
            while chunk := ffmpeg.stdout.read(WAVEFORM_READ_BYTES):
                chunk = odd + chunk
                usable = len(chunk) // 2 * 2
                odd = chunk[usable:]
                peaks.add(np.frombuffer(chunk[:usable], dtype="<i2"))
            returncode = ffmpeg.wait()
        finally:
            watchdog.cancel()
        errors.seek(0)
        complaint = errors.read(500).decode(errors="replace")
    if fired.is_set():
        logger.warning("ffmpeg took too long drawing the waveform of %s", path)
        return Waveform(thumbnail=None, decoded_seconds=None)
    seconds = peaks.samples / WAVEFORM_SAMPLE_RATE
    if peaks.samples == 0:
        logger.warning("No waveform for %s (ffmpeg exit %s): %s", path, returncode, complaint)
        return Waveform(thumbnail=None, decoded_seconds=None)
    if returncode != 0:
        # A damaged tail still draws what decoded before it.
        logger.info("ffmpeg stopped early drawing the waveform of %s: %s", path, complaint)
    low, high, rms = peaks.finish()
    return Waveform(thumbnail=_waveform_picture(low, high, rms), decoded_seconds=seconds)
