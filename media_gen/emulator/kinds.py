"""What the models of the newer collections do with their inputs (the catalogue's ``task``).

Each answer is made from the inputs, so a test can check it against them: an upscale is exactly
``scale`` times its input, an edit the same size but changed, a caption names the video's duration,
size and rate, music lasts the duration asked with a note per word, speech has a burst per syllable.
Inputs are checked as Replicate checks them when a prediction is created (enums, bounds): a bad one
is a 422 there, so these functions may assume valid inputs.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from media_gen.emulator import audio, media
from media_gen.emulator.catalogue import EmulatedModel

INPUT_IMAGE_MAX_BYTES = 10 * 1024 * 1024
INPUT_VIDEO_MAX_BYTES = 128 * 1024 * 1024  # a caption reads a stored video, which may be long
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Not audio</h1></body></html>\n"

Fetch = Callable[[str, int], bytes | None]  # (URL or data: URL, byte cap) -> bytes, None if unreadable


@dataclass
class Outcome:
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (file format, bytes)
    text: str | None = None  # the answer of a model whose output is a string
    tokens: list[str] | None = None  # the answer of a model whose output is a list of strings


def validate(model: EmulatedModel, inputs: dict[str, Any]) -> list[str]:
    """Replicate's create-time complaints about declared inputs: enum members and numeric bounds."""
    problems = []
    for name, spec in model.properties.items():
        if inputs.get(name) is None:  # left out, or sent as null: the default applies
            continue
        value = inputs[name]
        allowed = None
        for part in spec.get("allOf", []):
            ref = str(part.get("$ref", "")).rsplit("/", 1)[-1]
            allowed = model.enums.get(ref, {}).get("enum")
        if allowed is not None and value not in allowed:
            listed = ", ".join(str(v) for v in allowed)
            problems.append(f"- input.{name}: {name} must be one of the following: {listed}")
        elif spec.get("type") in {"integer", "number"}:
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            # JSON has one number type: 8.0 is a fine integer, 8.5 is not.
            if not is_number or (spec["type"] == "integer" and not float(value).is_integer()):
                problems.append(f"- input.{name}: Invalid type. Expected: {spec['type']}")
            elif "minimum" in spec and value < spec["minimum"]:
                problems.append(f"- input.{name}: Must be greater than or equal to {spec['minimum']}")
            elif "maximum" in spec and value > spec["maximum"]:
                problems.append(f"- input.{name}: Must be less than or equal to {spec['maximum']}")
        elif spec.get("type") == "string" and not isinstance(value, str):
            problems.append(f"- input.{name}: Invalid type. Expected: string")
    return problems


def _media_input(model: EmulatedModel, inputs: dict[str, Any], fetch: Fetch, max_bytes: int) -> bytes:
    """The bytes of the model's file input (its first ``format: uri`` property that was given)."""
    for name, spec in sorted(model.properties.items(), key=lambda item: item[1].get("x-order", 0)):
        value = inputs.get(name)
        if spec.get("format") == "uri" and isinstance(value, str) and value:
            data = fetch(value, max_bytes)
            if data is None:
                raise RuntimeError(f"could not download the input {name!r} (unreachable, or too big)")
            return data
    raise RuntimeError("no input file was given")


def _image(model: EmulatedModel, inputs: dict[str, Any], fetch: Fetch) -> Any:
    image = media.load_image_full(_media_input(model, inputs, fetch, INPUT_IMAGE_MAX_BYTES))
    if image is None:
        raise RuntimeError("cannot identify the input as an image")
    return image


def _default(model: EmulatedModel, inputs: dict[str, Any], name: str) -> Any:
    value = inputs.get(name)
    return model.properties[name].get("default") if value is None else value


def run(model: EmulatedModel, inputs: dict[str, Any], *, seed: int, fetch: Fetch) -> Outcome:
    """The output of ``model`` (a non-"generate" task) for ``inputs``; RuntimeError fails the prediction."""
    task = model.task
    if task == "upscale":
        image = _image(model, inputs, fetch)
        return Outcome(
            files=[("png", media.upscaled(image=image, scale=int(_default(model, inputs, "scale"))))]
        )
    if task == "edit":
        image = _image(model, inputs, fetch)
        file_format = str(_default(model, inputs, "output_format")).replace("jpg", "jpeg")
        data = media.edited(
            image=image, prompt=str(inputs.get("prompt") or ""), seed=seed, file_format=file_format
        )
        return Outcome(files=[(file_format, data)])
    if task == "caption":
        text = media.caption(media.video_facts(_media_input(model, inputs, fetch, INPUT_VIDEO_MAX_BYTES)))
        if model.output == "text":
            return Outcome(text=text)
        if model.output == "tokens":  # words with their trailing space: joined, they are the text
            limit = int(_default(model, inputs, "max_new_tokens"))
            return Outcome(tokens=re.findall(r"\S+\s*", text)[:limit])
        return Outcome(files=[(model.file_format, text.encode())])  # a test double's file answer
    if task == "music":
        samples = audio.music(
            prompt=str(inputs.get("prompt") or model.description),
            duration=float(_default(model, inputs, "duration")),
            seed=seed,
        )
        if _default(model, inputs, "output_format") == "mp3":
            return Outcome(files=[("mp3", audio.mp3_bytes(samples, rate=audio.MUSIC_RATE))])
        return Outcome(files=[("wav", audio.wav_bytes(samples, rate=audio.MUSIC_RATE))])
    if task == "speech":
        samples = audio.speech(
            text=str(inputs.get("text") or ""),
            voice=str(_default(model, inputs, "voice")),
            speed=float(_default(model, inputs, "speed")),
        )
        return Outcome(files=[("wav", audio.wav_bytes(samples, rate=audio.SPEECH_RATE))])
    if task == "music-html":
        return Outcome(files=[(model.file_format, HTML_PAGE)])  # a test double: a page, not audio
    raise RuntimeError(f"the emulator has no task {task!r}")
