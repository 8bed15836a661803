"""Make it real: a finished render sent to a video model (issue 14), composed here at the top.

simulation owns the render (its frame, its prompt, who may use it) and media_gen the generation
(which input of the model takes the asset, the run); neither imports the other. This module is the
one place that knows both, so the endpoint and the render record's hook live here rather than in
either app: import-linter's layers allow the top to use both apps' services and selectors.

Order matters for "bad input changes nothing": everything that can be refused (the render, the
model's schema, the frame, the inputs) is checked before the frame is extracted and stored, and a
refusal after that deletes the frame again (``discard_asset_if_refused``).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from media_gen import selectors as media_gen_selectors
from media_gen import services as media_gen_services
from simpoc.errors import not_found
from simulation import selectors as simulation_selectors
from simulation import services as simulation_services
from simulation.video_prompt import render_video_prompt

SOURCE_KIND = "render"


def render_to_video(
    *,
    user: AbstractBaseUser,
    render_id: int,
    model_id: str,
    prompt: str | None = None,
    frame: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> Any:
    """Start a video generation from the user's finished render; the Generation (status processing)."""
    render = simulation_selectors.render_get_owned(user=user, render_id=render_id)
    if render is None:
        raise not_found(f"Render {render_id}")
    run = media_gen_services.asset_run_prepare(
        model_id=model_id,
        prompt=prompt,
        inputs=inputs,
        default_prompt=render_video_prompt(render=render),
    )
    whole_video = run.source.kind == "video"
    index = simulation_services.render_source_check(render=render, frame=frame, whole_video=whole_video)
    if whole_video:
        asset, made_for_this_run = render.asset, False
    else:
        asset, made_for_this_run = simulation_services.render_frame_store(render=render, frame=index), True
    return media_gen_services.generation_start_from_asset(
        user=user,
        run=run,
        asset=asset,
        source_kind=SOURCE_KIND,
        source_id=render.pk,
        discard_asset_if_refused=made_for_this_run,
    )


def render_derived_videos(*, render_ids: list[int]) -> dict[int, list[int]]:
    """``RENDER_DERIVED_VIDEOS_HOOK``: the ids of the videos made from each render, newest first."""
    return media_gen_selectors.generation_ids_by_source(source_kind=SOURCE_KIND, source_ids=render_ids)
