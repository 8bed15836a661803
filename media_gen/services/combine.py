"""A video joined from several stored videos (issue 15, "combine"): the generation's side.

A combine is an ordinary video ``Generation`` (collection "combine", model "simpoc/combine",
``source_kind`` "combine", inputs ``{items, transition, width, height}``) with no Replicate
prediction: a django-q2 job (``media_gen.tasks.combine_run``) joins the source assets with
``gallery.combine`` and stores the result. The top (``webroot.combine``) resolves the requested
items, videos and renders, to the user's stored assets and calls ``combine_start``; this module
knows assets only, never the producer of a render.

The row stays "processing" while the job runs (the poll round leaves it alone: it has no
prediction), and shows its progress in the download fields the record already has: phase "queued"
until a worker takes it, "downloading" while ffmpeg writes the joined file (bytes written so far,
and the size it is heading for, extrapolated from the seconds written), "storing", then "done".
``version`` records how it was joined ("stream-copy" or "re-encode"); ``output`` keeps the source
asset ids for the job (Replicate's output column, unused otherwise and never in a record).

The job runs under a lease (``simpoc.leases``): a worker killed mid-join leaves the row
"downloading" with no live holder, and ``combine_recover`` (each worker start, and a schedule)
queues it again, or fails it after MAX_RECOVERIES such deaths. A worker asked to stop (SIGTERM)
stops ffmpeg and gives the join back ("queued", marked ``given_back``); the next worker's start
queues it again, uncounted.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task
from redis.exceptions import RedisError

from gallery import combine as gallery_combine
from gallery import services as gallery_services
from gallery.models import Asset
from media_gen.models import DownloadPhase, Generation
from media_gen.services.lifecycle import PROCESSING_GIVE_UP, Move, _lock_owner_under_cap, generation_move
from simpoc import leases, shutdown
from simpoc.services import ServiceError

logger = logging.getLogger(__name__)
Status = Generation.Status

COLLECTION = "combine"
MODEL_ID = "simpoc/combine"
SOURCE_KIND = "combine"
ITEM_KINDS = ("video", "render")
TRANSITIONS = gallery_combine.TRANSITIONS
MIN_ITEMS = 2
MAX_ITEMS = 20
MIN_SIDE = 16
MAX_WIDTH = 3840
MAX_HEIGHT = 2160
LEASE_PREFIX = "media_gen:combine:"
LEASE_SECONDS = 10.0
MAX_RECOVERIES = 2
# Progress is written to the row at most this often while ffmpeg runs.
PROGRESS_SECONDS = 0.5
TASK = "media_gen.tasks.combine_run"
# A join must end this long before the task's timeout (Q_TIMEOUT), when the worker would be killed.
TIME_SPARE_SECONDS = 60.0

_QUEUED = {"download_phase": DownloadPhase.QUEUED, "download_bytes_received": 0, "download_bytes_total": None}


class CombineMoves:
    """The moves of a combine's row (applied with ``lifecycle.generation_move``, like every move)."""

    CLAIMED = Move(
        (Status.PROCESSING,),
        sets={
            "download_phase": DownloadPhase.DOWNLOADING,
            "download_bytes_received": 0,
            "download_bytes_total": None,
        },
    )
    PROGRESS = Move((Status.PROCESSING,), touches=False)
    STORING = Move((Status.PROCESSING,), sets={"download_phase": DownloadPhase.STORING}, touches=False)
    JOINED = Move(
        (Status.PROCESSING,),
        Status.COMPLETED,
        sets={"error": "", "download_phase": DownloadPhase.DONE},
        finishes=True,
    )
    FAILED = Move((Status.PROCESSING,), Status.FAILED, sets={"download_phase": ""}, finishes=True)
    REQUEUED = Move((Status.PROCESSING,), sets=_QUEUED)
    AGAIN = Move(
        (Status.FAILED, Status.CANCELED),
        Status.PROCESSING,
        sets={**_QUEUED, "error": "", "completed_at": None, "version": ""},
    )


class _WorkerStopping(Exception):
    """The worker is stopping (SIGTERM) mid-join: the join goes back to the queue."""


# --- Starting -------------------------------------------------------------------------------------


def combine_request_check(*, item_count: int, transition: str, width: int | None, height: int | None) -> None:
    """Refuse (422) a request whose shape is wrong, before any item is looked up."""
    if item_count < MIN_ITEMS:
        raise ServiceError(f"items: combine at least {MIN_ITEMS} videos (got {item_count}).", status_code=422)
    if item_count > MAX_ITEMS:
        raise ServiceError(
            f"items: combine at most {MAX_ITEMS} videos at once (got {item_count}).", status_code=422
        )
    if transition not in TRANSITIONS:
        raise ServiceError(
            f"transition: one of {', '.join(TRANSITIONS)} (got {transition!r}).", status_code=422
        )
    if (width is None) != (height is None):
        raise ServiceError(
            "width and height: give both, or neither (the first video's size).", status_code=422
        )
    for name, value, largest in (("width", width, MAX_WIDTH), ("height", height, MAX_HEIGHT)):
        if value is None:
            continue
        if not MIN_SIDE <= value <= largest:
            raise ServiceError(
                f"{name}: between {MIN_SIDE} and {largest} pixels (got {value}).", status_code=422
            )
        if value % 2:
            raise ServiceError(
                f"{name}: an even number of pixels, as H.264 needs (got {value}).", status_code=422
            )


def _duration_check(assets: list[Asset], transition: str) -> None:
    """Refuse what is known to be too long already (the job checks again with what ffmpeg reads)."""
    durations = [asset.duration for asset in assets]
    if any(not duration for duration in durations):
        return
    total = gallery_combine.planned_duration(durations=durations, transition=transition)
    if total > settings.COMBINE_MAX_SECONDS:
        raise ServiceError(
            f"items: the combined video would last {total:.1f} seconds, more than the "
            f"{settings.COMBINE_MAX_SECONDS} allowed.",
            status_code=422,
        )


def combine_start(
    *,
    user: AbstractBaseUser,
    items: list[dict[str, Any]],
    assets: list[Asset],
    transition: str,
    width: int | None,
    height: int | None,
    prompt: str,
) -> Generation:
    """Save the combine's generation (``assets``: the user's stored video of each item, in order)
    and queue its job; refused with nothing saved when the request or the in-flight cap says no."""
    combine_request_check(item_count=len(items), transition=transition, width=width, height=height)
    if len(assets) != len(items):
        raise ValueError("one asset per item")
    for index, asset in enumerate(assets, start=1):
        if asset.owner_id != user.pk:
            raise ServiceError(f"items[{index - 1}]: not found.", status_code=404)
        if not asset.content_type.startswith("video/"):
            raise ServiceError(f"items[{index - 1}]: that item is not a video.", status_code=422)
    _duration_check(assets, transition)
    with transaction.atomic():
        _lock_owner_under_cap(user.pk)
        generation = Generation.objects.create(
            owner=user,
            kind=Generation.Kind.VIDEO,
            status=Status.PROCESSING,
            model_id=MODEL_ID,
            collection=COLLECTION,
            prompt=prompt,
            inputs={
                "items": [{"kind": item["kind"], "id": item["id"]} for item in items],
                "transition": transition,
                "width": width,
                "height": height,
            },
            output={"source_assets": [asset.pk for asset in assets]},
            source_kind=SOURCE_KIND,
            **_QUEUED,
        )
    try:
        _queue(generation.pk)
    except (RedisError, DatabaseError) as exc:
        logger.warning("combine %s could not be queued: %s", generation.pk, exc)
        generation.delete()
        raise ServiceError(
            "The task queue is unavailable, so nothing was started; try again shortly.", status_code=503
        ) from exc
    generation.refresh_from_db()
    return generation


def _queue(generation_id: int) -> None:
    async_task(TASK, generation_id, task_name=f"combine {generation_id}")


def combine_retry(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Join a failed or canceled combine again (same items, same record), within the in-flight cap."""
    if not (user.is_staff or generation.owner_id == user.pk):
        raise ServiceError("Not found.", status_code=404)
    if generation.status not in (Status.FAILED, Status.CANCELED):
        raise ServiceError("Only a failed or canceled generation can be retried.", status_code=409)
    with transaction.atomic():
        _lock_owner_under_cap(generation.owner_id)
        again = generation_move(
            CombineMoves.AGAIN,
            pk=generation.pk,
            where=Q(status=generation.status, asset__isnull=True),
            output={**(generation.output or {}), "recoveries": 0},
        )
    if not again:
        raise ServiceError("This generation changed meanwhile; reload it.", status_code=409)
    _queue(generation.pk)
    generation.refresh_from_db()
    return generation


# --- The job --------------------------------------------------------------------------------------


def _lease_name(generation_id: int) -> str:
    return f"{LEASE_PREFIX}{generation_id}"


def combine_run(*, generation_id: int) -> None:
    """The job: join the sources, store the result, attach it. Safe to run twice or concurrently:
    one holder of the lease joins, and only a row still waiting for its file is claimed."""
    with leases.lease_held(name=_lease_name(generation_id), ttl=LEASE_SECONDS) as lease:
        if lease is None:
            return  # a live worker is joining it
        claimed = generation_move(
            CombineMoves.CLAIMED, pk=generation_id, where=Q(source_kind=SOURCE_KIND, asset__isnull=True)
        )
        if not claimed:
            return  # finished, failed, canceled or deleted meanwhile
        with lease.kept_alive():
            _join(generation_id)


def _fail(generation_id: int, message: str) -> None:
    generation_move(CombineMoves.FAILED, pk=generation_id, error=message[:10_000])


def _progress_recorder(generation_id: int) -> gallery_combine.ProgressCallback:
    """Writes ffmpeg's progress to the row at most every PROGRESS_SECONDS; False once the row is no
    longer being joined (canceled or deleted), which stops ffmpeg."""
    last = [0.0]
    joining = Q(download_phase=DownloadPhase.DOWNLOADING)

    def record(done: float, total: float, written: int) -> bool:
        if shutdown.requested():
            raise _WorkerStopping()
        now = time.monotonic()
        if last[0] and now - last[0] < PROGRESS_SECONDS:
            return True
        last[0] = now
        heading_for = int(written * total / done) if done > 0 and total > 0 else None
        return bool(
            generation_move(
                CombineMoves.PROGRESS,
                pk=generation_id,
                where=joining,
                download_bytes_received=written,
                download_bytes_total=max(heading_for, written) if heading_for else None,
            )
        )

    return record


def _sources(generation: Generation) -> list[Asset] | str:
    """The source assets in order, or why they cannot be joined."""
    ids = list((generation.output or {}).get("source_assets") or [])
    found = {asset.pk: asset for asset in Asset.objects.filter(pk__in=ids).defer("data")}
    assets = []
    for index, asset_id in enumerate(ids, start=1):
        asset = found.get(asset_id)
        if asset is None or asset.owner_id != generation.owner_id:
            return f"Video {index} of the list was deleted before it could be joined."
        assets.append(asset)
    return assets if len(assets) >= MIN_ITEMS else "The list of videos to join is missing."


def _time_limit() -> float:
    """Seconds a join may take: a clear failure before django-q2 kills the task at its timeout."""
    return max(30.0, float(settings.Q_CLUSTER.get("timeout", 900)) - TIME_SPARE_SECONDS)


def _join(generation_id: int) -> None:
    generation = Generation.objects.select_related("owner").get(pk=generation_id)
    sources = _sources(generation)
    if isinstance(sources, str):
        _fail(generation_id, sources)
        return
    inputs = generation.inputs or {}
    try:
        with gallery_combine.assets_joined(
            assets=sources,
            transition=inputs.get("transition", "cut"),
            width=inputs.get("width"),
            height=inputs.get("height"),
            scratch=gallery_services.scratch_dir(),
            max_bytes=settings.MEDIA_MAX_BYTES,
            max_seconds=settings.COMBINE_MAX_SECONDS,
            on_progress=_progress_recorder(generation_id),
            time_limit=_time_limit(),
        ) as joined:
            generation_move(
                CombineMoves.STORING,
                pk=generation_id,
                download_bytes_received=joined.size_bytes,
                download_bytes_total=joined.size_bytes,
            )
            with joined.path.open("rb") as stream:
                asset = gallery_services.asset_store(
                    owner=generation.owner,
                    stream=stream,
                    kind=Asset.Kind.VIDEO,
                    max_bytes=settings.MEDIA_MAX_BYTES,
                    filename=f"video-{generation_id}.mp4",
                    expected_types={"video/mp4"},
                )
    except gallery_combine.JoinStopped:
        return  # canceled or deleted: the row says so already, nothing was stored
    except _WorkerStopping:
        # Given back, not queued from here: a task queued now could reach a worker of this cluster
        # while it still holds the lease (and be dropped). The next worker's start queues it.
        generation_move(
            CombineMoves.REQUEUED, pk=generation_id, output={**(generation.output or {}), "given_back": True}
        )
        return
    except gallery_combine.JoinFailed as exc:
        _fail(generation_id, exc.message)
        return
    except ServiceError as exc:  # the gallery refused the file: too large, over quota, disk full
        _fail(generation_id, f"The combined video was not stored: {exc.message}")
        return
    except Exception as exc:
        logger.exception("combine %s failed", generation_id)
        _fail(generation_id, f"Joining the videos failed: {type(exc).__name__}: {exc}")
        return
    attached = generation_move(
        CombineMoves.JOINED,
        pk=generation_id,
        where=Q(asset__isnull=True),
        asset=asset,
        version=joined.method,
        download_bytes_received=joined.size_bytes,
        download_bytes_total=joined.size_bytes,
        output={
            **(generation.output or {}),
            "method": joined.method,
            "duration": joined.duration,
            "width": joined.width,
            "height": joined.height,
            "crossfade_seconds": joined.crossfade_seconds,
        },
    )
    if not attached:  # canceled or deleted while it was being stored
        gallery_services.asset_delete(asset=asset)


def combine_recover() -> int:
    """Queue again the combines a stopping worker gave back, and those whose worker died mid-join
    (no live holder of the lease); after MAX_RECOVERIES deaths the combine fails with a message
    instead. Queued ones wait their turn (the broker holds their task), up to PROCESSING_GIVE_UP
    after their creation, as any generation in flight (the expiry job leaves combines to this)."""
    recovered = 0
    unfinished = Generation.objects.filter(
        source_kind=SOURCE_KIND, status=Status.PROCESSING, asset__isnull=True
    )
    given_up_before = timezone.now() - PROCESSING_GIVE_UP
    for generation in unfinished:
        output = generation.output or {}
        if generation.created_at < given_up_before and not leases.lease_is_held(
            name=_lease_name(generation.pk)
        ):
            # Its task was lost (a broker that never re-delivers), or the queue never reached it.
            generation_move(
                CombineMoves.FAILED,
                pk=generation.pk,
                where=Q(download_phase=generation.download_phase, asset__isnull=True),
                error=f"The videos were not joined within {PROCESSING_GIVE_UP.total_seconds() / 3600:g} hours "
                "(the worker queue never reached this job); retry it.",
            )
            continue
        if generation.download_phase == DownloadPhase.QUEUED:
            if output.get("given_back") and generation_move(
                CombineMoves.REQUEUED,
                pk=generation.pk,
                where=Q(download_phase=DownloadPhase.QUEUED),
                output={**output, "given_back": False},
            ):
                _queue(generation.pk)
                recovered += 1
            continue
        if leases.lease_is_held(name=_lease_name(generation.pk)):
            continue  # a live worker is joining it
        attempts = int(output.get("recoveries", 0))
        unchanged = Q(download_phase=generation.download_phase, asset__isnull=True)
        if attempts >= MAX_RECOVERIES:
            generation_move(
                CombineMoves.FAILED,
                pk=generation.pk,
                where=unchanged,
                error=f"The worker stopped {attempts + 1} times while joining these videos; retry, "
                "or join fewer or shorter videos.",
            )
            continue
        if generation_move(
            CombineMoves.REQUEUED,
            pk=generation.pk,
            where=unchanged,
            output={**output, "recoveries": attempts + 1},
        ):
            _queue(generation.pk)
            recovered += 1
    return recovered
