"""Real output files made from the prompt, the seed and the input media: Pillow images, H.264 MP4
videos, an upscaled or edited copy of an input image, and the facts a caption reads off a video."""

import base64
import hashlib
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache

import imageio_ffmpeg
from PIL import Image, ImageDraw, ImageFilter, ImageOps

PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}
CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "txt": "text/plain; charset=utf-8",
}
MAX_SIDE = 4096  # an upscaled image is refused rather than drawn bigger than this on a side


def _palette(prompt: str, seed: int) -> list[tuple[int, int, int]]:
    digest = hashlib.sha256(f"{seed}:{prompt}".encode()).digest()
    return [(digest[i], digest[i + 1], digest[i + 2]) for i in range(0, 18, 3)]


def _frame(
    prompt: str, seed: int, size: tuple[int, int], phase: float, background: Image.Image | None
) -> Image.Image:
    width, height = size
    colours = _palette(prompt, seed)
    if background is not None:
        image = background.convert("RGB").resize(size)
    else:
        image = Image.new("RGB", size, colours[0])
        draw = ImageDraw.Draw(image)
        # A vertical gradient between two colours of the palette.
        top, bottom = colours[0], colours[1]
        for y in range(height):
            t = y / max(height - 1, 1)
            draw.line(
                [(0, y), (width, y)],
                fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
            )
    draw = ImageDraw.Draw(image)
    radius = max(2, min(width, height) // 6)
    cx = int(radius + (width - 2 * radius) * phase)
    cy = height // 2
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colours[2], outline=colours[3])
    draw.rectangle(
        [0, height - max(2, height // 10), int(width * (0.2 + 0.8 * phase)), height], fill=colours[4]
    )
    if width >= 96:
        draw.text((4, 4), prompt[:40], fill=colours[5])
    return image


def image_bytes(
    *, prompt: str, seed: int, size: tuple[int, int], file_format: str, background: Image.Image | None = None
) -> bytes:
    buffer = io.BytesIO()
    _frame(prompt, seed, size, (seed % 100) / 100, background).save(buffer, format=PIL_FORMATS[file_format])
    return buffer.getvalue()


def video_bytes(
    *,
    prompt: str,
    seed: int,
    size: tuple[int, int],
    frames: int,
    fps: int,
    background: Image.Image | None = None,
) -> bytes:
    """An H.264 MP4 (yuv420p, +faststart) encoded by imageio-ffmpeg's ffmpeg from Pillow frames."""
    width, height = (size[0] // 2 * 2, size[1] // 2 * 2)  # yuv420p wants even sizes
    raw = b"".join(
        _frame(prompt, seed, (width, height), index / max(frames - 1, 1), background).tobytes()
        for index in range(frames)
    )
    return _encode(raw, width=width, height=height, fps=fps)


# How far the animated start image zooms in by the last frame (a slow push-in, as a camera would).
ZOOM_END = 1.25


def video_from_image(*, image: Image.Image, size: tuple[int, int], frames: int, fps: int) -> bytes:
    """The start image brought to life: a slow push-in towards its centre, its first frame the image.

    What an image-to-video model does in demo mode, so the output visibly comes from the input.
    """
    width, height = (size[0] // 2 * 2, size[1] // 2 * 2)
    source = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    chunks = []
    for index in range(frames):
        zoom = 1 + (ZOOM_END - 1) * index / max(frames - 1, 1)
        crop_w, crop_h = width / zoom, height / zoom
        left, top = (width - crop_w) / 2, (height - crop_h) / 2
        box = (left, top, left + crop_w, top + crop_h)
        chunks.append(source.resize((width, height), Image.Resampling.BILINEAR, box=box).tobytes())
    return _encode(b"".join(chunks), width=width, height=height, fps=fps)


# ffmpeg filters a video-to-video model applies in demo mode; the picture stays recognisable.
RESTYLE_FILTERS = {
    "cinematic": "eq=contrast=1.15:saturation=0.85,colorbalance=rs=0.08:bs=-0.08:rh=0.05:bh=-0.05",
    "vintage": "curves=preset=vintage,vignette=PI/5",
    "noir": "hue=s=0,eq=contrast=1.3",
    "vivid": "eq=saturation=1.6:contrast=1.1,unsharp=5:5:0.8",
}


def video_restyled(*, data: bytes, style: str) -> bytes:
    """The input video with ``style``'s colour grade: same size, frames and rate, no audio."""
    grade = RESTYLE_FILTERS.get(style, RESTYLE_FILTERS["cinematic"])
    with (
        tempfile.NamedTemporaryFile(suffix=".mp4") as source,
        tempfile.NamedTemporaryFile(suffix=".mp4") as target,
    ):
        source.write(data)
        source.flush()
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            source.name,
            "-vf",
            f"scale=trunc(iw/2)*2:trunc(ih/2)*2,{grade}",
            "-an",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            # A keyframe every second whatever the input's rate (see KEYFRAME_NOTE).
            "-force_key_frames",
            "expr:gte(t,n_forced)",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            "-y",
            target.name,
        ]
        completed = subprocess.run(command, capture_output=True, timeout=300, check=False)  # noqa: S603 (fixed argv)
        if completed.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {completed.stderr.decode(errors='replace')[-500:]}")
        target.seek(0)
        return target.read()


def is_mp4(data: bytes) -> bool:
    """An ISO media file (MP4/MOV): its first box is ``ftyp``."""
    return len(data) > 12 and data[4:8] == b"ftyp"


# KEYFRAME_NOTE: every MP4 the emulator makes has a keyframe at least every second, as the app's own
# renders do. x264's default is one every 250 frames, and a browser seeks by decoding on from the
# keyframe before the target, so long GOPs make seeking slow.


def _encode(raw: bytes, *, width: int, height: int, fps: int) -> bytes:
    """RGB24 frames (``raw``, back to back) as an H.264 MP4 (yuv420p, +faststart, 1 s GOPs)."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{width}x{height}",
        "-r",
        str(fps),
        "-i",
        "-",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        # A keyframe at least every second (see KEYFRAME_NOTE): a GOP of one second's frames.
        "-g",
        str(fps),
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        "-y",
    ]
    # The MP4 muxer needs a seekable output for +faststart, so it writes a temporary file.
    with tempfile.NamedTemporaryFile(suffix=".mp4") as target:
        command.append(target.name)
        completed = subprocess.run(command, input=raw, capture_output=True, timeout=120, check=False)  # noqa: S603 (fixed argv)
        if completed.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {completed.stderr.decode(errors='replace')[-500:]}")
        target.seek(0)
        return target.read()


def load_image(data: bytes) -> Image.Image | None:
    """The input image a model was given, if it decodes; used as the first frame or backdrop."""
    try:
        image = Image.open(io.BytesIO(data))
        size = image.size
        image.draft("RGB", (512, 512))  # a big JPEG decodes at a fraction of its size
        converted = image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    converted.info["original_size"] = size  # what "use the image's dimensions" means
    return converted


@cache
def cover_bytes(model_id: str) -> bytes:
    """A model's cover picture (96x64 WebP), the same for every call."""
    return image_bytes(prompt=model_id, seed=7, size=(96, 64), file_format="webp")


def cover_data_url(model_id: str) -> str:
    """The cover as a data: URL, so the web app shows it without a request to the emulator's origin."""
    return "data:image/webp;base64," + base64.b64encode(cover_bytes(model_id)).decode()


def load_image_full(data: bytes) -> Image.Image | None:
    """The input image at its own size (an upscaler must know every pixel), if it decodes."""
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size  # read from the header: a huge picture is refused undecoded
        if width * height > MAX_SIDE * MAX_SIDE:
            raise RuntimeError(f"the input image is {width}x{height}, more than {MAX_SIDE}x{MAX_SIDE} pixels")
        return ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _png(image: Image.Image, file_format: str = "png") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=PIL_FORMATS[file_format])
    return buffer.getvalue()


def upscaled(*, image: Image.Image, scale: int) -> bytes:
    """A PNG exactly ``scale`` times the input on each side: Lanczos, then a light unsharp mask."""
    width, height = image.size[0] * scale, image.size[1] * scale
    if max(width, height) > MAX_SIDE:
        raise RuntimeError(
            f"the output would be {width}x{height}, more than {MAX_SIDE} pixels on a side; "
            "send a smaller image or a smaller scale"
        )
    bigger = image.resize((width, height), Image.Resampling.LANCZOS)
    return _png(bigger.filter(ImageFilter.UnsharpMask(radius=1.5, percent=60, threshold=2)))


# Words of an instruction the demo editor acts on; any other instruction tints the picture.
COLOUR_WORDS = {
    "red": (220, 40, 40),
    "orange": (240, 140, 30),
    "yellow": (240, 220, 40),
    "green": (40, 180, 60),
    "blue": (40, 90, 220),
    "purple": (140, 60, 200),
    "pink": (240, 120, 180),
    "gold": (212, 175, 55),
    "sunset": (250, 110, 60),
    "night": (20, 30, 90),
    "winter": (180, 210, 240),
}


def _instruction_colour(prompt: str, seed: int) -> tuple[int, int, int]:
    words = re.findall(r"[a-z]+", prompt.lower())
    for word in words:
        if word in COLOUR_WORDS:
            return COLOUR_WORDS[word]
    digest = hashlib.sha256(f"{seed}:{prompt}".encode()).digest()
    return (digest[0], digest[1], digest[2])


def edited(*, image: Image.Image, prompt: str, seed: int, file_format: str) -> bytes:
    """The input, the same size, changed the way the instruction's words say.

    "black and white"/"grayscale", "invert"/"negative", "mirror"/"flip", "blur"/"soft" and
    "sharpen" are applied; a colour word (or, failing one, a colour from the instruction's hash)
    tints the picture, so every edit visibly differs from its input while staying the same picture.
    """
    words = set(re.findall(r"[a-z]+", prompt.lower()))
    result = image.convert("RGB")
    if words & {"grayscale", "greyscale", "monochrome"} or {"black", "white"} <= words:
        result = ImageOps.grayscale(result).convert("RGB")
    if words & {"invert", "negative"}:
        result = ImageOps.invert(result)
    if words & {"mirror", "flip"}:
        result = ImageOps.mirror(result)
    if words & {"blur", "soft", "dreamy"}:
        result = result.filter(ImageFilter.GaussianBlur(radius=max(1, min(result.size) // 64)))
    if "sharpen" in words:
        result = result.filter(ImageFilter.UnsharpMask(radius=2, percent=150))
    tint = Image.new("RGB", result.size, _instruction_colour(prompt, seed))
    result = Image.blend(result, tint, 0.35)
    if result.tobytes() == image.convert("RGB").tobytes():  # a tint the colour of a flat image
        result = ImageOps.invert(result)
    return _png(result, file_format)


@dataclass(frozen=True)
class VideoFacts:
    duration: float
    width: int
    height: int
    fps: float
    colour: str  # the nearest colour name of the middle frame's average


_DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(rb"Stream #\S+.*?: Video: .*?[ ,](\d{1,5})x(\d{1,5})[ ,\n].*?(\d+(?:\.\d+)?) fps")
COLOUR_NAMES = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "grey": (128, 128, 128),
    "red": (200, 30, 30),
    "orange": (240, 140, 30),
    "yellow": (230, 220, 50),
    "green": (40, 160, 60),
    "teal": (30, 140, 140),
    "blue": (40, 80, 200),
    "purple": (130, 50, 170),
    "pink": (240, 130, 180),
    "brown": (120, 80, 40),
}


def _colour_name(rgb: tuple[int, int, int]) -> str:
    return min(
        COLOUR_NAMES, key=lambda name: sum((a - b) ** 2 for a, b in zip(rgb, COLOUR_NAMES[name], strict=True))
    )


def video_facts(data: bytes) -> VideoFacts:
    """Duration, size, rate (ffmpeg's stream report) and the middle frame's colour of a video."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.NamedTemporaryFile(suffix=".video") as source:
        source.write(data)
        source.flush()
        report = subprocess.run(  # noqa: S603 (fixed argv)
            [ffmpeg, "-hide_banner", "-nostdin", "-i", source.name],
            capture_output=True,
            timeout=60,
            check=False,
        ).stderr
        stream, duration = _STREAM.search(report), _DURATION.search(report)
        if stream is None or duration is None:
            raise RuntimeError("the input has no readable video stream")
        hours, minutes, seconds = duration.groups()
        length = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        pixel = subprocess.run(  # noqa: S603 (fixed argv)
            [
                ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-ss",
                f"{length / 2:.3f}",
                "-i",
                source.name,
                "-frames:v",
                "1",
                "-vf",
                "scale=1:1:flags=area",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "-",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        ).stdout
    colour = _colour_name((pixel[0], pixel[1], pixel[2])) if len(pixel) >= 3 else "dark"
    return VideoFacts(
        duration=length,
        width=int(stream.group(1)),
        height=int(stream.group(2)),
        fps=float(stream.group(3)),
        colour=colour,
    )


def caption(facts: VideoFacts) -> str:
    """What the demo captioner says about a video: its length, size, rate and main colour."""
    return (
        f"A {facts.duration:.1f}-second video, {facts.width}x{facts.height} pixels at {facts.fps:g} fps, "
        f"mostly {facts.colour}."
    )
