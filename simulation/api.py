"""Thin ninja router of this app; webroot/api.py mounts it on the one NinjaAPI (simpoc/api.py)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gallery.selectors import asset_is_visible_to
from gallery.streaming import asset_response
from simpoc.errors import ServiceError, not_found
from simpoc.schemas import DetailOut
from simulation import selectors, services
from simulation.models import Render, Scene
from simulation.schemas import (
    GeneratedSceneOut,
    GenerateIn,
    ModelsOut,
    RefinedSceneOut,
    RefineIn,
    RenderDeletedOut,
    RenderIn,
    RenderListOut,
    RenderOneOut,
    RenderQueuedOut,
    SceneListOut,
    SceneRecordOut,
    SceneSaveIn,
    SuccessOut,
    ValidateOut,
)
from simulation.validation import scene_check
from simulation.video_prompt import render_video_prompt

router = Router(tags=["simulation"])
ERRORS = {401: DetailOut, 404: DetailOut, 422: DetailOut}


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


# --- Scenes ----------------------------------------------------------------------------------------------


@router.post(
    "/generate", response={200: GeneratedSceneOut, **ERRORS}, by_alias=True, summary="Scene from text"
)
def scene_generate(request: HttpRequest, payload: GenerateIn) -> dict:
    scene, result = services.scene_generate(user=request.auth, prompt=payload.prompt)
    return {
        **scene.scene_data,
        "_id": scene.pk,
        "_notes": result.notes,
        "_model": result.generator,
        "_plan": result.plan.as_json(),
    }


@router.post(
    "/refine", response={200: RefinedSceneOut, **ERRORS}, by_alias=True, summary="Edit a scene by text"
)
def scene_refine(request: HttpRequest, payload: RefineIn) -> dict:
    result = services.scene_refine(
        scene_data=payload.scene,
        instruction=payload.prompt,
        plan=payload.plan.model_dump() if payload.plan else None,
    )
    return {
        **result.scene,
        "_notes": result.notes,
        "_model": result.generator,
        "_plan": result.plan.as_json(),
    }


@router.post(
    "/validate",
    response={200: ValidateOut, 401: DetailOut, 422: DetailOut},
    summary="Structural and physical checks of a scene",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Scene"}}},
            "required": True,
        }
    },
)
def scene_validate(request: HttpRequest, scene: dict[str, Any] = Body(...)) -> dict:  # noqa: B008
    return scene_check(scene).as_json()


def _scene_record(scene: Scene) -> dict:
    return {
        "id": scene.pk,
        "name": scene.name,
        "prompt": scene.prompt,
        "scene_data": scene.scene_data,
        "model": scene.model,
        "created_at": scene.created_at,
        "updated_at": scene.updated_at,
        "metadata": scene.metadata,
    }


class SceneListQuery(PageQuery):
    model: str | None = None


@router.get("/scenes", response={200: SceneListOut, **ERRORS}, summary="Your saved scenes")
def scene_list(request: HttpRequest, query: Query[SceneListQuery]) -> dict:
    page, total = selectors.scene_page(
        user=request.auth, model=query.model, offset=query.offset, limit=query.limit
    )
    return {
        "scenes": [_scene_record(s) for s in page],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


@router.post("/scenes", response={200: SceneRecordOut, **ERRORS}, summary="Save an edited scene")
def scene_create(request: HttpRequest, payload: SceneSaveIn) -> dict:
    scene = services.scene_save(
        user=request.auth, scene_data=payload.scene, prompt=payload.prompt or "", name=payload.name or ""
    )
    return _scene_record(scene)


def _own_scene(request: HttpRequest, scene_id: int) -> Scene | None:
    return selectors.scene_get(user=request.auth, scene_id=scene_id)


@router.get("/scenes/{scene_id}", response={200: SceneRecordOut, **ERRORS}, summary="One saved scene")
def scene_get(request: HttpRequest, scene_id: int) -> Status:
    scene = _own_scene(request, scene_id)
    if scene is None:
        raise not_found(f"Scene {scene_id}")
    return Status(200, _scene_record(scene))


@router.put("/scenes/{scene_id}", response={200: SceneRecordOut, **ERRORS}, summary="Save over a scene")
def scene_update(request: HttpRequest, scene_id: int, payload: SceneSaveIn) -> Status:
    scene = _own_scene(request, scene_id)
    if scene is None:
        raise not_found(f"Scene {scene_id}")
    scene = services.scene_save(
        user=request.auth,
        scene_data=payload.scene,
        prompt=payload.prompt or "",
        name=payload.name or "",
        scene=scene,
    )
    return Status(200, _scene_record(scene))


@router.delete("/scenes/{scene_id}", response={200: SuccessOut, **ERRORS}, summary="Delete a saved scene")
def scene_delete(request: HttpRequest, scene_id: int) -> Status:
    scene = _own_scene(request, scene_id)
    if scene is None:
        raise not_found(f"Scene {scene_id}")
    services.scene_delete(scene=scene)
    return Status(200, {"success": True, "message": f"Scene {scene_id} deleted."})


@router.get("/models", response={200: ModelsOut, 401: DetailOut}, summary="Scene generators used so far")
def generator_list(request: HttpRequest) -> dict:
    return {"models": selectors.generator_names(user=request.auth)}


# --- Renders ---------------------------------------------------------------------------------------------


def _render_record(render: Render, derived: dict[int, list[int]] | None = None) -> dict:
    """The RenderRecord; ``derived`` (render id -> video ids) spares a page one read per render."""
    if derived is None:
        derived = selectors.render_derived_videos(render_ids=[render.pk])
    # "" until stored, never null: the original client decodes video_path as a required string.
    video_url = f"/api/genesis/videos/{render.pk}/data" if render.asset_id else ""
    asset = render.asset if render.asset_id else None
    objects = render.scene_data.get("objects", {})
    return {
        "id": render.pk,
        "scene_data": render.scene_data,
        "video_path": video_url,
        "video_url": video_url,
        "thumbnail_url": f"/api/genesis/videos/{render.pk}/thumbnail"
        if asset and asset.thumbnail_id
        else None,
        "quality": render.quality,
        "duration": render.duration,
        "fps": render.fps,
        "resolution": render.resolution,
        "camera_move": render.camera_move,
        "ground_style": render.ground_style,
        "scene_context": render.scene_context,
        "object_descriptions": [
            f"{object_id}: {obj['description']}"
            for object_id, obj in objects.items()
            if obj.get("description")
        ],
        "status": render.status,
        "progress": render.progress,
        "frames_done": render.frames_done,
        "frames_total": render.frames_total,
        "error": render.error or None,
        "size_bytes": asset.size_bytes if asset else None,
        "created_at": render.created_at,
        "updated_at": render.updated_at,
        "metadata": {**render.metadata, "camera_config": render.camera_config, "renderer": render.renderer},
        "derived_videos": derived.get(render.pk, []),
        "video_prompt": render_video_prompt(render=render),
    }


@router.post(
    "/genesis/render",
    response={202: RenderQueuedOut, 401: DetailOut, 422: DetailOut, 429: DetailOut},
    summary="Queue a server render of a scene",
)
def render_create(request: HttpRequest, payload: RenderIn) -> Status:
    render = services.render_request(
        user=request.auth,
        scene_data=payload.scene,
        duration=payload.duration,
        fps=payload.fps,
        resolution=(payload.resolution[0], payload.resolution[1]),
        quality=payload.quality,
        camera_config=payload.camera_config.model_dump() if payload.camera_config else None,
        scene_context=payload.scene_context or "",
        camera_move=payload.camera_move,
        ground_style=payload.ground_style,
    )
    return Status(202, {"success": True, "video_id": render.pk, "status": render.status})


class RenderListQuery(PageQuery):
    quality: str | None = None


@router.get("/genesis/videos", response={200: RenderListOut, **ERRORS}, summary="Your renders")
def render_list(request: HttpRequest, query: Query[RenderListQuery]) -> dict:
    page, total = selectors.render_page(
        user=request.auth, quality=query.quality, offset=query.offset, limit=query.limit
    )
    derived = selectors.render_derived_videos(render_ids=[r.pk for r in page])
    return {
        "success": True,
        "videos": [_render_record(r, derived) for r in page],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


def _own_render(request: HttpRequest, render_id: int) -> Render | None:
    return selectors.render_get(user=request.auth, render_id=render_id)


@router.get("/genesis/videos/{render_id}", response={200: RenderOneOut, **ERRORS}, summary="One render")
def render_get(request: HttpRequest, render_id: int) -> Status:
    render = _own_render(request, render_id)
    if render is None:
        raise not_found(f"Render {render_id}")
    return Status(200, {"success": True, "video": _render_record(render)})


def _render_media(request: HttpRequest, render_id: int, *, thumbnail: bool) -> HttpResponse | Status:
    render = _own_render(request, render_id)
    if (
        render is None
        or render.asset is None
        or not asset_is_visible_to(asset=render.asset, user=request.auth)
    ):
        raise ServiceError(f"Render {render_id} has no video (yet).", status_code=404)
    return asset_response(request, render.asset, thumbnail=thumbnail, filename_stem=f"simulation-{render_id}")


@router.get("/genesis/videos/{render_id}/data", response={200: None, **ERRORS}, summary="The rendered MP4")
def render_data(request: HttpRequest, render_id: int) -> HttpResponse | Status:
    return _render_media(request, render_id, thumbnail=False)


@router.get("/genesis/videos/{render_id}/thumbnail", response={200: None, **ERRORS}, summary="Poster frame")
def render_thumbnail(request: HttpRequest, render_id: int) -> HttpResponse | Status:
    return _render_media(request, render_id, thumbnail=True)


@router.post(
    "/genesis/videos/{render_id}/cancel",
    response={200: RenderOneOut, 409: DetailOut, **ERRORS},
    summary="Cancel",
)
def render_cancel(request: HttpRequest, render_id: int) -> Status:
    render = _own_render(request, render_id)
    if render is None:
        raise not_found(f"Render {render_id}")
    render = services.render_cancel(render=render)
    return Status(200, {"success": True, "video": _render_record(render)})


@router.delete(
    "/genesis/videos/{render_id}", response={200: RenderDeletedOut, **ERRORS}, summary="Delete a render"
)
def render_delete(request: HttpRequest, render_id: int) -> Status:
    render = _own_render(request, render_id)
    if render is None:
        raise not_found(f"Render {render_id}")
    services.render_delete(render=render)
    return Status(200, {"success": True, "deleted": True})
