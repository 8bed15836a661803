"""Generations made from a stored asset instead of typed inputs.

A producer's item (a render's frame as an image, or its whole MP4) is a gallery ``Asset``; this
module sends that asset as the image input of an image-to-video model, or as the video input of a
model whose schema takes a video, and records where it came from (``source_asset``, ``source_kind``,
``source_id``). It knows assets only, never the producer's tables: the top composes the two.
A stored generation of the user (``generation_start_from_source``: upscale an image, caption a
video, continue a melody) is a source the same way, named by its family and id.

Checking (``asset_run_prepare``) is separate from starting (``generation_start_from_asset``) so the
caller can refuse bad input before it stores anything (the frame) or queues anything.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import catalogue, collections, uploads
from media_gen.inputs import inputs_validate
from media_gen.models import Generation
from media_gen.services.lifecycle import _fetchable_inputs, _lock_owner_under_cap, _prediction_create
from simpoc.services import ServiceError

# The names real models give their first-frame image and their input video, most usual first.
IMAGE_INPUT_NAMES = ("image", "start_image", "first_frame_image", "input_image", "init_image", "first_frame")
VIDEO_INPUT_NAMES = ("video", "input_video", "video_input", "init_video", "source_video", "video_url")
AUDIO_INPUT_NAMES = (
    "audio",
    "input_audio",
    "audio_input",
    "melody",
    "audio_file",
    "music_input",
)
# A uri input with one of these in its name is not the first frame (a mask, an end frame, a reference).
NOT_A_FIRST_FRAME = ("mask", "end", "last", "tail", "reference", "audio")
ASSET_KINDS = {
    "image": (Asset.Kind.IMAGE, Asset.Kind.UPLOAD),
    "video": (Asset.Kind.VIDEO, Asset.Kind.RENDER),
    "audio": (Asset.Kind.AUDIO,),
}


@dataclass(frozen=True)
class SourceInput:
    """The model's input that takes the asset: its name and whether it wants an image or a video."""

    name: str
    kind: str  # "image", "video" or "audio"


@dataclass(frozen=True)
class AssetRun:
    """A checked request to run ``model_id`` on an asset: every input but the asset, validated."""

    model_id: str
    source: SourceInput
    inputs: dict[str, Any]
    collection: str
    family: str = Generation.Kind.VIDEO  # the new generation's kind
    version: str = ""


def _ordered(properties: dict[str, Any]) -> list[str]:
    return sorted(properties, key=lambda name: (properties[name].get("x-order", 1_000), name))


def source_inputs(*, properties: dict[str, Any]) -> dict[str, SourceInput]:
    """The model's image, video and audio inputs, where its schema has them (keyed by media type)."""
    uris = [name for name in _ordered(properties) if properties[name].get("format") == "uri"]
    found: dict[str, SourceInput] = {}
    for kind, usual in (
        ("video", VIDEO_INPUT_NAMES),
        ("image", IMAGE_INPUT_NAMES),
        ("audio", AUDIO_INPUT_NAMES),
    ):
        named = [name for name in usual if name in uris]
        if kind in ("video", "audio"):
            guessed = [name for name in uris if kind in name.lower()]
        else:
            guessed = [
                name
                for name in uris
                if ("image" in name.lower() or "frame" in name.lower())
                and "video" not in name.lower()
                and not any(word in name.lower() for word in NOT_A_FIRST_FRAME)
            ]
        if named or guessed:
            found[kind] = SourceInput(name=(named or guessed)[0], kind=kind)
    return found


def asset_run_prepare(
    *,
    model_id: str,
    prompt: str | None,
    inputs: dict[str, Any] | None,
    default_prompt: str = "",
    prefer: str = "image",
) -> AssetRun:
    """Check ``model_id`` can take an asset and validate the other inputs; nothing is written.

    ``prefer`` ("image" or "video") picks the input when the schema has both. A model with neither
    is refused with a 422 naming ``model_id``; an input the asset fills may not be sent as well.
    ``default_prompt`` is used when no ``prompt`` is given and the model takes one.
    """
    owner, _, name = (model_id or "").partition("/")
    if not owner or not name or "/" in name:
        raise ServiceError("model_id must look like owner/name.", status_code=422)
    schema = catalogue.catalogue_schema(owner=owner, name=name)
    properties: dict[str, Any] = schema["input_schema"]
    candidates = {
        kind: found for kind, found in source_inputs(properties=properties).items() if kind != "audio"
    }
    if not candidates:
        raise ServiceError(
            f"model_id: {owner}/{name} takes no image or video input (its schema has no image or "
            "video field), so it cannot start from a render.",
            status_code=422,
        )
    source = candidates.get(prefer) or next(iter(candidates.values()))
    given = dict(inputs or {})
    if source.name in given:
        raise ServiceError(
            f"input.{source.name}: this input is filled from the render; leave it out.", status_code=422
        )
    if prompt is not None and prompt.strip():
        if "prompt" not in properties:
            raise ServiceError(f"prompt: {owner}/{name} takes no prompt; leave it out.", status_code=422)
        given["prompt"] = prompt.strip()
    elif prompt is None and default_prompt and "prompt" in properties and "prompt" not in given:
        given["prompt"] = default_prompt
    required = [field for field in schema["required"] if field != source.name]
    cleaned = inputs_validate(properties=properties, required=required, inputs=given)
    collection = "image-to-video" if source.kind == "image" else "video-to-video"
    return AssetRun(model_id=f"{owner}/{name}", source=source, inputs=cleaned, collection=collection)


def generation_start_from_asset(
    *,
    user: AbstractBaseUser,
    run: AssetRun,
    asset: Asset,
    source_kind: str,
    source_id: int,
    discard_asset_if_refused: bool = False,
) -> Generation:
    """Save a generation (``run.family``) made from ``asset`` (the user's own), then create the prediction.

    ``discard_asset_if_refused``: the asset was made for this run (a frame), so a refusal before the
    generation row exists (the in-flight cap, the catalogue) deletes it; once the row exists it keeps
    the asset, so a failed run can be retried.
    """
    try:
        generation, upstream_inputs = _generation_create(
            user=user, run=run, asset=asset, source_kind=source_kind, source_id=source_id
        )
    except ServiceError:
        if discard_asset_if_refused:
            gallery_services.asset_delete(asset=asset)
        raise
    _prediction_create(generation=generation, upstream_inputs=upstream_inputs, version=run.version or None)
    generation.refresh_from_db()
    return generation


def generation_start_from_source(
    *,
    user: AbstractBaseUser,
    family: str,
    model_id: str,
    inputs: dict[str, Any],
    collection: str,
    version: str | None,
    source_kind: str,
    source_id: int,
    input_name: str | None,
) -> Generation:
    """Run ``model_id`` (a ``family`` generation) on the stored file of the user's generation
    ``source_kind``/``source_id``, sent as the model input ``input_name`` (default: the schema's first
    input of that media type). 404 when it is not the user's (or hidden), 422 when it has no stored
    file or the model no such input; nothing is written before every check passed."""
    source = (
        Generation.objects.filter(pk=source_id, kind=source_kind, owner=user).select_related("asset").first()
    )
    asset = source.asset if source is not None else None
    if source is None or (asset is not None and asset.hidden_at is not None):
        raise ServiceError(f"source: no {source_kind} {source_id} of yours.", status_code=404)
    if asset is None:
        raise ServiceError(f"source: {source_kind} {source_id} has no stored file yet.", status_code=422)
    if not collections.accepts_input(slug=collection, media=source_kind):
        raise ServiceError(
            f"source: models of the {collection} collection take no {source_kind} input.", status_code=422
        )
    owner, _, name = (model_id or "").partition("/")
    if not owner or not name or "/" in name:
        raise ServiceError("model_id must look like owner/name.", status_code=422)
    schema = catalogue.catalogue_schema(owner=owner, name=name)
    properties: dict[str, Any] = schema["input_schema"]
    if input_name is not None:
        if properties.get(input_name, {}).get("format") != "uri":
            raise ServiceError(
                f"source.input: {owner}/{name} has no file input named {input_name!r}.", status_code=422
            )
        target = SourceInput(name=input_name, kind=source_kind)
    else:
        found = source_inputs(properties=properties).get(source_kind)
        if found is None:
            raise ServiceError(
                f"source: {owner}/{name} takes no {source_kind} input (its schema has no {source_kind} "
                "field).",
                status_code=422,
            )
        target = found
    if target.name in inputs:
        raise ServiceError(
            f"input.{target.name}: this input is filled from the source; leave it out.", status_code=422
        )
    required = [field for field in schema["required"] if field != target.name]
    cleaned = inputs_validate(properties=properties, required=required, inputs=inputs)
    run = AssetRun(
        model_id=f"{owner}/{name}",
        source=target,
        inputs=cleaned,
        collection=collection,
        family=family,
        version=version or "",
    )
    return generation_start_from_asset(
        user=user, run=run, asset=asset, source_kind=source_kind, source_id=source_id
    )


def _generation_create(
    *, user: AbstractBaseUser, run: AssetRun, asset: Asset, source_kind: str, source_id: int
) -> tuple[Generation, dict[str, Any]]:
    """The checked row, and the inputs Replicate gets (never stored: they may be data: URLs)."""
    if asset.owner_id != user.pk:
        raise ServiceError("That stored item is not yours.", status_code=404)
    if asset.kind not in ASSET_KINDS[run.source.kind]:
        raise ServiceError(
            f"input.{run.source.name}: {run.model_id} wants a {run.source.kind}, not a {asset.kind}.",
            status_code=422,
        )
    owner, _, name = run.model_id.partition("/")
    properties = catalogue.catalogue_schema(owner=owner, name=name)["input_schema"]
    upstream_inputs = _fetchable_inputs(user=user, properties=properties, inputs=run.inputs)
    upstream_inputs[run.source.name] = uploads.asset_fetchable_url(asset=asset)
    prompt = run.inputs.get("prompt")
    with transaction.atomic():
        _lock_owner_under_cap(user.pk)
        generation = Generation.objects.create(
            owner=user,
            kind=run.family,
            model_id=run.model_id,
            version=run.version,
            collection=run.collection,
            prompt=prompt if isinstance(prompt, str) else "",
            inputs=run.inputs,
            source_asset=asset,
            source_input=run.source.name,
            source_kind=source_kind[:16],
            source_id=source_id,
        )
    return generation, upstream_inputs
