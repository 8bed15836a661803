"""Combine: several stored videos, generations and renders, joined into one video (issue 15).

A render is simulation's and a video generation media_gen's, and neither app imports the other, so
the request is composed here at the top, like make it real (``webroot.makereal``): each item is
resolved to its stored video asset (the user's own: anything else is 404, as if it did not exist;
one not stored yet is 409), then media_gen saves the combine's generation and queues its job
(``media_gen.services.combine``), which joins the assets with ``gallery.combine``.

Order matters for "bad input changes nothing": the request's shape is checked first (how many
items, the transition, the size), then every item, and only then is anything saved.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from gallery.selectors import asset_is_visible_to
from media_gen import selectors as media_gen_selectors
from media_gen.services import combine as media_gen_combine
from simpoc.errors import ServiceError
from simulation import selectors as simulation_selectors

ITEM_KINDS = media_gen_combine.ITEM_KINDS


def _video_asset(*, user: AbstractBaseUser, index: int, video_id: int) -> Any:
    generation = media_gen_selectors.generation_get(user=user, kind="video", generation_id=video_id)
    if generation is None or generation.owner_id != user.pk:
        raise ServiceError(f"items[{index}]: video {video_id} not found.", status_code=404)
    asset = generation.asset
    if asset is None or not asset.content_type.startswith("video/"):
        state = generation.public_status
        detail = "has no stored video" if state == "completed" else f"is {state}, not stored yet"
        raise ServiceError(f"items[{index}]: video {video_id} {detail}.", status_code=409)
    if not asset_is_visible_to(asset=asset, user=user):
        raise ServiceError(f"items[{index}]: video {video_id} not found.", status_code=404)
    return asset


def _render_asset(*, user: AbstractBaseUser, index: int, render_id: int) -> Any:
    render = simulation_selectors.render_get_owned(user=user, render_id=render_id)
    if render is None:
        raise ServiceError(f"items[{index}]: render {render_id} not found.", status_code=404)
    asset = render.asset
    if asset is None:
        raise ServiceError(
            f"items[{index}]: render {render_id} is {render.status}, not stored yet.", status_code=409
        )
    if not asset_is_visible_to(asset=asset, user=user):
        raise ServiceError(f"items[{index}]: render {render_id} not found.", status_code=404)
    return asset


def _prompt(items: list[dict[str, Any]], transition: str) -> str:
    """The combine's title in the gallery (and what a search finds): what was joined, and how."""
    names = " + ".join(f"{item['kind']} {item['id']}" for item in items)
    return f"Combined ({transition}): {names}"


def videos_combine(
    *,
    user: AbstractBaseUser,
    items: list[dict[str, Any]],
    transition: str,
    width: int | None = None,
    height: int | None = None,
) -> Any:
    """Start joining the user's ``items`` (``{kind: "video"|"render", id}``, in order); the new
    video Generation (status processing, or already final where tasks run inline)."""
    media_gen_combine.combine_request_check(
        item_count=len(items), transition=transition, width=width, height=height
    )
    assets = []
    for index, item in enumerate(items):
        kind, item_id = item.get("kind"), item.get("id")
        if kind not in ITEM_KINDS or not isinstance(item_id, int):
            raise ServiceError(
                f"items[{index}]: kind must be one of {', '.join(ITEM_KINDS)}, with an integer id.",
                status_code=422,
            )
        if kind == "video":
            assets.append(_video_asset(user=user, index=index, video_id=item_id))
        else:
            assets.append(_render_asset(user=user, index=index, render_id=item_id))
    return media_gen_combine.combine_start(
        user=user,
        items=items,
        assets=assets,
        transition=transition,
        width=width,
        height=height,
        prompt=_prompt(items, transition),
    )
