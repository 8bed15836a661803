"""Writes and workflows of this app (keyword-only functions): scenes and renders."""

from __future__ import annotations

import io
import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from gallery.models import Asset
from gallery.services import asset_delete, asset_store
from gallery.storage_backends import asset_chunks
from simpoc import leases, shutdown
from simpoc.rules import user_lock_then_check
from simpoc.services import ServiceError
from simulation.models import Render, Scene
from simulation.providers.base import SceneResult
from simulation.providers.choice import provider_get
from simulation.render.frames import FrameUnavailable, frame_png
from simulation.render.options import (
    CAMERA_MOVES,
    DEFAULT_GROUND_STYLE,
    DEFAULT_RENDERER,
    GROUND_STYLES,
    QUALITIES,
    RENDERER_NAMES,
)
from simulation.scene_schema import Camera, SceneInvalid, scene_parse
from simulation.selectors import renders_in_flight
from simulation.validation import scene_check

logger = logging.getLogger(__name__)

MAX_PROMPT_LENGTH = 2000
MIN_RENDER_SIZE = 16


def _valid_scene_json(scene_data: Any) -> dict[str, Any]:
    """The normalised JSON of a scene that passes every check, or a 422 naming the problems."""
    report = scene_check(scene_data)
    if not report.valid:
        raise ServiceError(f"The scene is not valid: {report.message}", status_code=422)
    return report.scene.to_json()


def _prompt(prompt: str) -> str:
    prompt = (prompt or "").strip()
    if not prompt:
        raise ServiceError("Describe the scene in a few words.", status_code=422)
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise ServiceError(f"Keep the prompt under {MAX_PROMPT_LENGTH} characters.", status_code=422)
    return prompt


# --- Scenes ---------------------------------------------------------------------------------------------


def scene_generate(*, user: AbstractBaseUser, prompt: str) -> tuple[Scene, SceneResult]:
    """Generate a scene from text with the configured provider and save it for `user`."""
    prompt = _prompt(prompt)
    result = provider_get().generate(prompt=prompt)
    scene_json = _valid_scene_json(result.scene)
    scene = Scene.objects.create(
        owner=user,
        prompt=prompt,
        name=prompt[:200],
        scene_data=scene_json,
        model=result.generator,
        metadata={"notes": result.notes, "object_count": len(scene_json["objects"])},
    )
    return scene, result


def scene_refine(*, scene_data: Any, instruction: str, plan: dict[str, Any] | None = None) -> SceneResult:
    """Apply an instruction to a scene (not saved); the answer is a valid scene with notes.

    `plan` is the scene's `_plan` (its sentence and edits): the local provider then edits the plan and
    composes and checks the scene again, while the scene is still what the plan composes.
    """
    instruction = _prompt(instruction)
    scene_json = _structurally_valid(scene_data)
    result = provider_get().refine(scene=scene_json, instruction=instruction, plan=plan)
    result.scene = _valid_scene_json(result.scene)
    return result


def _structurally_valid(scene_data: Any) -> dict[str, Any]:
    try:
        return scene_parse(scene_data).to_json()
    except SceneInvalid as exc:
        raise ServiceError(f"The scene is not valid: {exc}", status_code=422) from exc


def scene_save(
    *, user: AbstractBaseUser, scene_data: Any, prompt: str = "", name: str = "", scene: Scene | None = None
) -> Scene:
    """Save an edited scene: a new one, or over `scene` (which the caller checked `user` owns).

    Physical warnings and errors do not block a save (a half-built scene may be saved), but the
    structure must be valid.
    """
    scene_json = _structurally_valid(scene_data)
    report = scene_check(scene_json)
    metadata = {
        "object_count": len(scene_json["objects"]),
        "findings": [f.as_json() for f in report.findings[:50]],
    }
    if scene is None:
        return Scene.objects.create(
            owner=user,
            prompt=(prompt or "")[:MAX_PROMPT_LENGTH],
            name=(name or prompt or "Untitled scene")[:200],
            scene_data=scene_json,
            model="manual",
            metadata=metadata,
        )
    scene.scene_data = scene_json
    if prompt:
        scene.prompt = prompt[:MAX_PROMPT_LENGTH]
    if name:
        scene.name = name[:200]
    scene.metadata = {**scene.metadata, **metadata}
    scene.save()
    return scene


def scene_delete(*, scene: Scene) -> None:
    scene.delete()


# --- Renders --------------------------------------------------------------------------------------------


def _render_limits(
    *, object_count: int, duration: float, fps: int, width: int, height: int, quality: str
) -> None:
    problems = []
    if object_count > settings.RENDER_MAX_OBJECTS:
        problems.append(f"at most {settings.RENDER_MAX_OBJECTS} objects (this scene has {object_count})")
    if not 0 < duration <= settings.RENDER_MAX_DURATION:
        problems.append(
            f"a duration above 0 and at most {settings.RENDER_MAX_DURATION} s (asked {duration:g} s)"
        )
    if not 1 <= fps <= settings.RENDER_MAX_FPS:
        problems.append(f"1 to {settings.RENDER_MAX_FPS} frames per second (asked {fps})")
    if not (
        MIN_RENDER_SIZE <= width <= settings.RENDER_MAX_WIDTH
        and MIN_RENDER_SIZE <= height <= settings.RENDER_MAX_HEIGHT
    ):
        problems.append(
            f"a resolution from {MIN_RENDER_SIZE}x{MIN_RENDER_SIZE} to "
            f"{settings.RENDER_MAX_WIDTH}x{settings.RENDER_MAX_HEIGHT} (asked {width}x{height})"
        )
    elif width % 2 or height % 2:
        problems.append(f"an even width and height for H.264 (asked {width}x{height})")
    if quality not in QUALITIES:
        problems.append(f"a quality of {', '.join(QUALITIES)} (asked {quality!r})")
    if problems:
        raise ServiceError("Renders allow " + "; ".join(problems) + ".", status_code=422)


def _render_cap_check(*, user: AbstractBaseUser) -> None:
    in_flight = renders_in_flight(user=user)
    if in_flight >= settings.RENDER_MAX_IN_FLIGHT:
        raise ServiceError(
            f"You already have {in_flight} render(s) in progress (the limit is "
            f"{settings.RENDER_MAX_IN_FLIGHT}); wait for one to finish or cancel it.",
            status_code=429,
        )


def render_request(
    *,
    user: AbstractBaseUser,
    scene_data: Any,
    duration: float = 5.0,
    fps: int = 30,
    resolution: tuple[int, int] = (1280, 720),
    quality: str = "draft",
    camera_config: dict[str, Any] | None = None,
    scene_context: str = "",
    camera_move: str | None = None,
    ground_style: str | None = None,
) -> Render:
    """Check everything, then queue a render. Nothing is queued when any check refuses.

    `camera_move` defaults to "editor" when `camera_config` is sent (film the editor's view), else
    "static"; `ground_style` defaults to the scene's `groundStyle`, else checker.
    """
    width, height = resolution
    scene_json = _structurally_valid(scene_data)
    camera_move = camera_move or ("editor" if camera_config is not None else "static")
    if camera_move not in CAMERA_MOVES:
        raise ServiceError(
            f"camera_move must be one of {', '.join(CAMERA_MOVES)} (asked {camera_move!r}).", status_code=422
        )
    if camera_move == "editor" and camera_config is None:
        raise ServiceError(
            "camera_move 'editor' films camera_config: send the editor's camera.", status_code=422
        )
    if settings.RENDER_BACKEND not in RENDERER_NAMES:
        raise ServiceError(
            f"The renderer {settings.RENDER_BACKEND!r} is not installed here.", status_code=503
        )
    ground_style = ground_style or scene_json.get("groundStyle") or DEFAULT_GROUND_STYLE
    if ground_style not in GROUND_STYLES:
        raise ServiceError(
            f"ground_style must be one of {', '.join(GROUND_STYLES)} (asked {ground_style!r}).",
            status_code=422,
        )
    _render_limits(
        object_count=len(scene_json["objects"]),
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        quality=quality,
    )
    if camera_config is not None:
        try:
            Camera.model_validate(camera_config)
        except ValueError as exc:
            raise ServiceError(f"camera_config is not a valid camera: {exc}", status_code=422) from exc
    scene_json = _valid_scene_json(scene_json)
    if not scene_json["objects"]:
        raise ServiceError("The scene is empty: add an object before rendering.", status_code=422)
    with transaction.atomic():
        # Serialises one user's requests so two cannot both slip under the in-flight cap.
        user_lock_then_check(user_id=user.pk, check=lambda: _render_cap_check(user=user))
        render = Render.objects.create(
            owner=user,
            scene_data=scene_json,
            quality=quality,
            duration=duration,
            fps=fps,
            width=width,
            height=height,
            camera_config=camera_config,
            camera_move=camera_move,
            ground_style=ground_style,
            scene_context=(scene_context or "")[:2000],
            renderer=settings.RENDER_BACKEND,
            frames_total=max(round(duration * fps), 1),
        )
    try:
        async_task("simulation.tasks.render_task", render.pk, task_name=f"render-{render.pk}")
    except Exception:
        # Never queued (the broker is down): a row left "queued" would never run and would hold
        # one of the user's in-flight slots for ever.
        Render.objects.filter(pk=render.pk).delete()
        raise
    render.refresh_from_db()
    return render


def render_restore(
    *,
    owner: AbstractBaseUser,
    asset: Asset,
    scene_data: Any,
    quality: str,
    duration: float,
    fps: int,
    width: int,
    height: int,
    camera_config: dict[str, Any] | None = None,
    scene_context: str = "",
    renderer: str = DEFAULT_RENDERER,
    metadata: dict[str, Any] | None = None,
    created_at: datetime,
    finished_at: datetime | None = None,
) -> Render:
    """A completed render of ``owner`` whose video is ``asset``, restored from an archive.

    The scene passes the same checks as any saved or rendered scene; nothing is drawn again.
    """
    scene_json = _valid_scene_json(_structurally_valid(scene_data))
    if quality not in QUALITIES:
        raise ServiceError(f"quality must be one of: {', '.join(QUALITIES)}.", status_code=422)
    if not (duration > 0 and fps >= 1 and min(width, height) >= MIN_RENDER_SIZE):
        raise ServiceError(
            f"A render needs a positive duration, fps and a size of at least {MIN_RENDER_SIZE} px.",
            status_code=422,
        )
    if camera_config is not None:
        try:
            Camera.model_validate(camera_config)
        except ValueError as exc:
            raise ServiceError(f"camera_config is not a valid camera: {exc}", status_code=422) from exc
    if asset.owner_id != owner.pk:
        raise ServiceError("The video belongs to someone else.", status_code=422)
    frames = max(1, round(duration * fps))
    return Render.objects.create(
        owner=owner,
        scene_data=scene_json,
        quality=quality,
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        camera_config=camera_config,
        scene_context=scene_context[:2000],
        renderer=renderer[:50],
        status=Render.Status.COMPLETED,
        frames_done=frames,
        frames_total=frames,
        asset=asset,
        metadata=metadata or {},
        created_at=created_at,
        finished_at=finished_at or created_at,
    )


# A render holds this lease while it draws, renewed from a background thread: a render whose worker
# died is taken over as soon as the lease lapses (at once on the same machine), not after
# selectors.RENDER_STUCK_AFTER without progress.
RENDER_LEASE_PREFIX = "simulation:render:"
RENDER_LEASE_SECONDS = 10.0


class RenderInterrupted(Exception):
    """The worker is stopping (SIGTERM): the render goes back to the queue for the next worker."""


def _progress_recorder(render_id: int):
    def record(done: int, total: int) -> bool:
        if shutdown.requested():
            raise RenderInterrupted()
        updated = Render.objects.filter(pk=render_id, cancel_requested=False).update(
            frames_done=done, updated_at=timezone.now()
        )
        return updated == 1  # 0: canceled or deleted meanwhile

    return record


def render_run(*, render_id: int) -> Render | None:
    """The render job: physics, frames, MP4, stored as a gallery asset. Safe to run twice.

    A render another worker is drawing (it holds the render's lease) is never claimed twice; one
    whose worker died (its lease lapsed or its process is gone) is taken over.
    """
    with leases.lease_held(name=f"{RENDER_LEASE_PREFIX}{render_id}", ttl=RENDER_LEASE_SECONDS) as lease:
        if lease is None:
            return Render.objects.filter(pk=render_id).first()
        with lease.kept_alive():
            return _render_run_leased(render_id)


def _render_run_leased(render_id: int) -> Render | None:
    claimed = (
        Render.objects.filter(pk=render_id, cancel_requested=False)
        .filter(status__in=[Render.Status.QUEUED, Render.Status.RENDERING])
        .update(
            status=Render.Status.RENDERING,
            started_at=timezone.now(),
            frames_done=0,
            error="",
            updated_at=timezone.now(),
        )
    )
    render = Render.objects.filter(pk=render_id).first()
    if not claimed or render is None:
        if render is not None and render.cancel_requested and render.status in Render.IN_FLIGHT:
            _render_finish(render, status=Render.Status.CANCELED)
        return render
    # Loaded here, in the worker: the renderer brings OpenGL, which web processes never need.
    from simulation.render.pipeline import RenderCanceled, render_scene_to_mp4

    camera = Camera.model_validate(render.camera_config) if render.camera_config else None
    try:
        with tempfile.TemporaryDirectory(prefix="simpoc-render-") as folder:
            path = Path(folder) / f"render-{render.pk}.mp4"
            output = render_scene_to_mp4(
                scene=scene_parse(render.scene_data),
                path=path,
                duration=render.duration,
                fps=render.fps,
                width=render.width,
                height=render.height,
                quality=render.quality,
                camera=camera,
                camera_move=render.camera_move,
                ground_style=render.ground_style,
                renderer_name=render.renderer,
                progress=_progress_recorder(render.pk),
            )
            if not Render.objects.filter(pk=render.pk, cancel_requested=False).exists():
                raise RenderCanceled()
            with path.open("rb") as stream:
                asset = asset_store(
                    owner=render.owner,
                    stream=stream,
                    kind="render",
                    filename=f"render-{render.pk}.mp4",
                    expected_types={"video/mp4"},
                )
    except RenderCanceled:
        return _render_finish(render, status=Render.Status.CANCELED)
    except RenderInterrupted:
        Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING).update(
            status=Render.Status.QUEUED, frames_done=0, updated_at=timezone.now()
        )
        async_task("simulation.tasks.render_task", render.pk, task_name=f"render-{render.pk}-after-stop")
        render.refresh_from_db()
        return render
    except ServiceError as exc:
        return _render_finish(
            render, status=Render.Status.FAILED, error=f"Storing the video failed: {exc.message}"
        )
    except Exception as exc:
        logger.exception("Render %s failed", render.pk)
        return _render_finish(
            render, status=Render.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
    render.asset = asset
    render.status = Render.Status.COMPLETED
    render.frames_done = render.frames_total
    render.finished_at = timezone.now()
    render.metadata = {
        **render.metadata,
        "renderer": output.renderer,
        "frames": output.frames,
        "physics_steps": output.steps,
        "seconds": output.seconds,
        "final_positions": output.final_positions,
    }
    if not Render.objects.filter(pk=render.pk).exists():
        asset_delete(asset=asset)  # the render was deleted while it was being stored
        return None
    render.save()
    return render


RENDER_MAX_RECOVERIES = 2


def render_recover_stuck() -> int:
    """Queue again the renders whose worker died mid-render (no live holder of the render's lease).

    Brokers differ: the ORM broker re-delivers an unacknowledged task after its retry time, Redis
    never does. This schedule (and every worker start) covers both; after RENDER_MAX_RECOVERIES the
    render fails with a message instead of looping. Queued renders are left alone: they wait their
    turn in the queue.
    """
    recovered = 0
    now = timezone.now()
    for render in Render.objects.filter(status=Render.Status.RENDERING):
        if leases.lease_is_held(name=f"{RENDER_LEASE_PREFIX}{render.pk}"):
            continue  # a live worker is drawing it
        still_drawing = Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING)
        attempts = int(render.metadata.get("recoveries", 0))
        if attempts >= RENDER_MAX_RECOVERIES:
            still_drawing.update(
                status=Render.Status.FAILED,
                error=f"The render worker stopped {attempts + 1} times while drawing this video; "
                "render it again, or with a shorter duration or a smaller resolution.",
                finished_at=now,
                updated_at=now,
            )
            continue
        # Back to queued: exactly one of this task and any re-delivery by the broker claims it.
        if still_drawing.update(
            status=Render.Status.QUEUED,
            frames_done=0,
            metadata={**render.metadata, "recoveries": attempts + 1},
            updated_at=now,
        ):
            async_task(
                "simulation.tasks.render_task",
                render.pk,
                task_name=f"render-{render.pk}-recovery-{attempts + 1}",
            )
            recovered += 1
    return recovered


def _render_finish(render: Render, *, status: str, error: str = "") -> Render:
    Render.objects.filter(pk=render.pk).update(
        status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )
    render.refresh_from_db()
    return render


def render_cancel(*, render: Render) -> Render:
    """Cancel a queued or running render; a finished one is answered with 409."""
    if render.status in Render.FINAL:
        raise ServiceError(f"This render is already {render.status}.", status_code=409)
    Render.objects.filter(pk=render.pk).update(cancel_requested=True, updated_at=timezone.now())
    # Queued renders stop now; a running one stops at its next progress check.
    Render.objects.filter(pk=render.pk, status=Render.Status.QUEUED).update(
        status=Render.Status.CANCELED, finished_at=timezone.now()
    )
    render.refresh_from_db()
    return render


def render_delete(*, render: Render) -> None:
    """Delete the render and its video (a running one is canceled first)."""
    with transaction.atomic():
        if render.status in Render.IN_FLIGHT:
            Render.objects.filter(pk=render.pk).update(cancel_requested=True)
        if render.asset_id:
            asset_delete(asset=render.asset)  # cascades to the render
        Render.objects.filter(pk=render.pk).delete()


def render_prune_before(*, cutoff: datetime) -> int:
    """Retention hook: delete finished renders without a video (failed, canceled) older than cutoff."""
    deleted, _ = Render.objects.filter(
        created_at__lt=cutoff, asset__isnull=True, status__in=[Render.Status.FAILED, Render.Status.CANCELED]
    ).delete()
    return deleted


# --- Make it real: a render as the input of a video model (the top starts the generation) -----------


def render_frame_count(*, render: Render) -> int:
    """Frames in the render's video (what the renderer counted; from duration and rate before that)."""
    return render.frames_total or max(1, round(render.duration * render.fps))


def render_source_check(*, render: Render, frame: int | None, whole_video: bool) -> int | None:
    """Refuse a render that cannot be sent to a video model yet, or a frame it does not have.

    Returns the frame index to send (the first when none is chosen), or None for the whole video.
    """
    if render.status != Render.Status.COMPLETED or render.asset_id is None:
        raise ServiceError(
            f"render: render {render.pk} is {render.status}; only a finished render can be made real.",
            status_code=409,
        )
    if whole_video:
        if frame is not None:
            raise ServiceError(
                "frame: this model takes the whole render as its video input; leave frame out.",
                status_code=422,
            )
        return None
    count = render_frame_count(render=render)
    index = 0 if frame is None else frame
    if not 0 <= index < count:
        raise ServiceError(
            f"frame: render {render.pk} has frames 0 to {count - 1}; there is no frame {index}.",
            status_code=422,
        )
    return index


def render_frame_store(*, render: Render, frame: int) -> Asset:
    """Frame ``frame`` of the finished render's MP4, stored as the owner's PNG upload asset."""
    try:
        png = frame_png(chunks=asset_chunks(asset=render.asset), index=frame, fps=render.fps)
    except FrameUnavailable as exc:
        raise ServiceError(
            f"frame: frame {frame} of render {render.pk} could not be read ({exc}).", status_code=422
        ) from exc
    return asset_store(
        owner=render.owner,
        stream=io.BytesIO(png),
        kind=Asset.Kind.UPLOAD,
        filename=f"render-{render.pk}-frame-{frame}.png",
        expected_types={"image/png"},
    )
