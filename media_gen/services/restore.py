"""Restoring a generation from an archive (``portability.importing`` calls it for each item).

The outputs were stored again through ``gallery.services.asset_store`` first; this recreates the
record that shows them: a completed generation with the prompt, model and inputs it was made with,
its text output, every output file in order, and what it was made from. Nothing is sent to
Replicate: the prediction happened elsewhere.

What it was made from is linked in a second step (``generation_source_restore``), once every item
of the archive is in: the source may come later in the archive than the generation made from it,
and ids change from one deployment to the next.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from gallery.models import Asset
from media_gen.models import Generation, GenerationOutput
from simpoc.errors import ServiceError

MODEL_ID = re.compile(r"^[\w.-]+/[\w.-]+$")
SOURCE_KINDS = ("render", "image", "video", "audio", "combine")
OUTPUTS_MAX = 100


@dataclass(frozen=True)
class RestoredOutput:
    """One output file of the generation, in the model's order (position 0 is the main one)."""

    position: int
    asset: Asset | None
    url: str = ""
    error: str = ""


def _check_outputs(
    *, owner: AbstractBaseUser, asset: Asset | None, outputs: Sequence[RestoredOutput]
) -> None:
    if len(outputs) > OUTPUTS_MAX:
        raise ServiceError(
            f"{len(outputs)} outputs; a generation keeps at most {OUTPUTS_MAX}.", status_code=422
        )
    positions = [output.position for output in outputs]
    if len(set(positions)) != len(positions) or any(not 0 <= p < OUTPUTS_MAX for p in positions):
        raise ServiceError(
            f"output positions must be distinct numbers from 0 to {OUTPUTS_MAX - 1}.", status_code=422
        )
    for output in outputs:
        if output.asset is not None and output.asset.owner_id != owner.pk:
            raise ServiceError("An output belongs to someone else.", status_code=422)
        if output.position == 0 and asset is not None and output.asset not in (None, asset):
            raise ServiceError("Output 0 must be the generation's own output.", status_code=422)


def generation_restore(
    *,
    owner: AbstractBaseUser,
    kind: str,
    asset: Asset | None,
    model_id: str,
    version: str = "",
    collection: str = "",
    prompt: str = "",
    inputs: dict[str, Any],
    favorite: bool = False,
    created_at: datetime,
    completed_at: datetime | None = None,
    text_output: str = "",
    outputs: Sequence[RestoredOutput] = (),
    source_kind: str = "",
    source_input: str = "",
) -> Generation:
    """A completed generation of ``owner`` whose output is ``asset`` (or only ``text_output``, for a
    caption) and ``outputs``; 422 for what no generation holds."""
    if kind not in Generation.Kind.values:
        raise ServiceError(f"{kind!r} is not a kind of generation.", status_code=422)
    if not MODEL_ID.match(model_id) or len(model_id) > 200:
        raise ServiceError(f"model {model_id!r} does not look like owner/name.", status_code=422)
    if not isinstance(inputs, dict):
        raise ServiceError("inputs must be an object.", status_code=422)
    if asset is None and not text_output:
        raise ServiceError("A completed generation needs its stored output or its text.", status_code=422)
    if asset is not None and asset.owner_id != owner.pk:
        raise ServiceError("The output belongs to someone else.", status_code=422)
    if source_kind and source_kind not in SOURCE_KINDS:
        raise ServiceError(
            f"source kind {source_kind!r} is not one of {', '.join(SOURCE_KINDS)}.", status_code=422
        )
    _check_outputs(owner=owner, asset=asset, outputs=outputs)
    with transaction.atomic():
        generation = Generation.objects.create(
            owner=owner,
            kind=kind,
            status=Generation.Status.COMPLETED,
            model_id=model_id,
            version=version[:100],
            collection=collection[:64],
            prompt=prompt,
            inputs=inputs,
            upstream_status="succeeded",
            asset=asset,
            text_output=text_output,
            favorite=favorite,
            source_kind=source_kind,
            source_input=source_input[:100],
            created_at=created_at,
            completed_at=completed_at or created_at,
            updated_at=timezone.now(),
        )
        GenerationOutput.objects.bulk_create(
            GenerationOutput(
                generation=generation,
                position=output.position,
                asset=asset if output.position == 0 and asset is not None else output.asset,
                url=output.url,
                error=output.error,
            )
            for output in sorted(outputs, key=lambda output: output.position)
        )
    return generation


def generation_text_restored_already(
    *, owner: AbstractBaseUser, kind: str, model_id: str, text_output: str, created_at: datetime
) -> bool:
    """Whether ``owner`` has this text-only generation already (an import skips it as a duplicate,
    as it skips a file whose sha256 the owner has)."""
    return Generation.objects.filter(
        owner=owner, kind=kind, model_id=model_id, text_output=text_output, created_at=created_at, asset=None
    ).exists()


def generation_source_restore(
    *,
    generation: Generation,
    source_id: int | None,
    source_asset: Asset | None,
    items: list[dict[str, Any]] | None = None,
) -> Generation:
    """Link a restored generation to what it was made from, by the ids of this deployment: the
    source record's id (None when it was not restored with it), the asset sent as its input, and
    for a combine the ids of its items (``inputs["items"]``)."""
    if source_asset is not None and source_asset.owner_id != generation.owner_id:
        raise ServiceError("The source belongs to someone else.", status_code=422)
    generation.source_id = source_id
    generation.source_asset = source_asset
    fields = ["source_id", "source_asset"]
    if items is not None:
        generation.inputs = {**generation.inputs, "items": items}
        fields.append("inputs")
    generation.save(update_fields=fields)
    return generation
