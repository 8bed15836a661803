"""Restoring a generation from an archive (``portability.importing`` calls it for each item).

The output was stored again through ``gallery.services.asset_store`` first; this recreates the
record that shows it: a completed generation with the prompt, model and inputs it was made with.
Nothing is sent to Replicate: the prediction happened elsewhere.
"""

import re
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gallery.models import Asset
from media_gen.models import Generation
from simpoc.errors import ServiceError

MODEL_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def generation_restore(
    *,
    owner: AbstractBaseUser,
    kind: str,
    asset: Asset,
    model_id: str,
    version: str = "",
    collection: str = "",
    prompt: str = "",
    inputs: dict[str, Any],
    favorite: bool = False,
    created_at: datetime,
    completed_at: datetime | None = None,
) -> Generation:
    """A completed generation of ``owner`` whose output is ``asset``; 422 for what no generation holds."""
    if kind not in Generation.Kind.values:
        raise ServiceError(f"{kind!r} is not a kind of generation.", status_code=422)
    if not MODEL_ID.match(model_id) or len(model_id) > 200:
        raise ServiceError(f"model {model_id!r} does not look like owner/name.", status_code=422)
    if not isinstance(inputs, dict):
        raise ServiceError("inputs must be an object.", status_code=422)
    if asset.owner_id != owner.pk:
        raise ServiceError("The output belongs to someone else.", status_code=422)
    return Generation.objects.create(
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
        favorite=favorite,
        created_at=created_at,
        completed_at=completed_at or created_at,
        updated_at=timezone.now(),
    )
