"""The shape of an emulated output, read from the prediction's inputs the way the real models read them.

Images take ``width``/``height`` when the schema has them, else ``aspect_ratio`` over the emulator's
configured size (its area is kept, so "1:1" is exactly the configured size); videos take their
resolution the same way (or from ``max_area``, ``sizing_strategy`` or the start image), their frame
count from ``num_frames``/``video_length`` or ``duration`` times fps, and their rate from
``fps``/``frames_per_second``. Inputs a model's schema does not declare are ignored, as Replicate's
models ignore them. An input the caller left out takes the emulator's configured size, frame count
and rate rather than the schema's default (sdxl's 1024x1024, HunyuanVideo's 129 frames), so tests
that send only a prompt stay cheap; the web app sends every default, so the demo follows them.
"""

import math
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from media_gen.emulator.catalogue import EmulatedModel

RATIO = re.compile(r"^(\d+):(\d+)$")
AREA = re.compile(r"^(\d+)x(\d+)$")
SVD_FRAMES = {"14_frames_with_svd": 14, "25_frames_with_svd_xt": 25}
MAX_SIDE = 4096  # a demo never draws more than this on a side, whatever it is asked
MAX_FRAMES = 600


@dataclass(frozen=True)
class VideoShape:
    width: int
    height: int
    frames: int
    fps: int

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


def _declared(model: EmulatedModel, inputs: dict[str, Any], name: str) -> Any:
    """The input's value when the model's schema declares it and the caller sent it, else None."""
    return inputs.get(name) if name in model.properties else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _clamp_side(value: int) -> int:
    return max(2, min(value, MAX_SIDE))


def with_ratio(base: tuple[int, int], ratio_w: int, ratio_h: int) -> tuple[int, int]:
    """``base``'s area in the proportions ratio_w:ratio_h, each side even (video encoders want that)."""
    if ratio_w <= 0 or ratio_h <= 0:
        return base
    area = base[0] * base[1]
    height = math.sqrt(area * ratio_h / ratio_w)
    width = height * ratio_w / ratio_h
    return _clamp_side(round(width / 2) * 2), _clamp_side(round(height / 2) * 2)


def _explicit_size(model: EmulatedModel, inputs: dict[str, Any]) -> tuple[int, int] | None:
    width, height = _int(_declared(model, inputs, "width")), _int(_declared(model, inputs, "height"))
    if width and height:
        return _clamp_side(width), _clamp_side(height)
    area = _declared(model, inputs, "max_area")
    if isinstance(area, str) and (match := AREA.match(area)):
        return _clamp_side(int(match[1])), _clamp_side(int(match[2]))
    return None


def _ratio(model: EmulatedModel, inputs: dict[str, Any]) -> tuple[int, int] | None:
    ratio = _declared(model, inputs, "aspect_ratio")
    if isinstance(ratio, str) and (match := RATIO.match(ratio)):
        return int(match[1]), int(match[2])
    return None


def image_size(model: EmulatedModel, inputs: dict[str, Any], *, base: tuple[int, int]) -> tuple[int, int]:
    """The pixel size of each output image."""
    explicit = _explicit_size(model, inputs)
    if explicit:
        return explicit
    ratio = _ratio(model, inputs)
    return with_ratio(base, *ratio) if ratio else base


def video_shape(
    model: EmulatedModel,
    inputs: dict[str, Any],
    *,
    base: tuple[int, int],
    frames: int,
    fps: int,
    start_image: Image.Image | None,
) -> VideoShape:
    """Size, frame count and rate of the output video."""
    size = _explicit_size(model, inputs)
    if size is None:
        strategy = _declared(model, inputs, "sizing_strategy")
        ratio = _ratio(model, inputs)
        if strategy == "crop_to_16_9":
            ratio = (16, 9)
        elif start_image is not None and (strategy is not None or "start_image" in inputs):
            # Stable Video Diffusion keeps the image's proportions; Kling ignores aspect_ratio
            # when it is given a start image.
            if strategy == "use_image_dimensions":
                width, height = start_image.info.get("original_size", start_image.size)
                size = (_clamp_side(width), _clamp_side(height))
            else:
                ratio = (start_image.width, start_image.height)
        if size is None:
            size = with_ratio(base, *ratio) if ratio else base
    rate = _int(_declared(model, inputs, "fps")) or _int(_declared(model, inputs, "frames_per_second")) or fps
    rate = max(1, rate)
    count = (
        _int(_declared(model, inputs, "num_frames"))
        or _int(_declared(model, inputs, "video_length"))
        or SVD_FRAMES.get(str(_declared(model, inputs, "video_length")))
    )
    if count is None and (seconds := _int(_declared(model, inputs, "duration"))):
        count = seconds * rate
    count = max(1, min(count or frames, MAX_FRAMES))
    return VideoShape(width=size[0] // 2 * 2, height=size[1] // 2 * 2, frames=count, fps=rate)
