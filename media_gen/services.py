"""Writes and workflows of media generation (keyword-only functions).

A generation's status only moves forward: every transition is a conditional UPDATE
(`filter(status__in=<allowed from>).update(...)`), so a webhook and a poll that race each other
cannot move it back, and only one of them can start the download. The download claims the row
for a while, stores the asset, then attaches it with one more conditional UPDATE; a loser deletes
its copy, so each output ends as exactly one asset.
"""

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_q.tasks import async_task

from gallery import selectors as gallery_selectors
from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import catalogue, downloads, replicate_client, uploads
from media_gen.inputs import inputs_validate
from media_gen.models import DownloadAttempt, DownloadPhase, Generation, WebhookReceipt
from media_gen.replicate_client import UpstreamError
from media_gen.webhooks import WebhookInvalid, webhook_verify
from simpoc.services import ServiceError

logger = logging.getLogger(__name__)
Status = Generation.Status

# Back-off between download tries, in seconds; the last value repeats.
DOWNLOAD_BACKOFF_SECONDS = (5, 15, 30, 60, 120, 300)
# Replicate deletes outputs about an hour after completion; stop well before.
DOWNLOAD_WINDOW = timedelta(minutes=50)
DOWNLOAD_CLAIM = timedelta(minutes=10)
# Bytes received are written to the row at most this often while a download runs.
DOWNLOAD_PROGRESS_SECONDS = 0.25
# What a generation waiting for (another) download try shows.
PROGRESS_QUEUED = {
    "download_phase": DownloadPhase.QUEUED,
    "download_bytes_received": 0,
    "download_bytes_total": None,
}
# A row left "pending" this long never got an answer from the create call (the process died).
PENDING_GIVE_UP = timedelta(minutes=10)
# A prediction still running (or unreachable: 5xx, timeouts) this long after we created it is given
# up, far beyond any model's run on Replicate, so no item stays "processing" for ever.
PROCESSING_GIVE_UP = timedelta(hours=3)
POLL_BATCH = 200
POLL_LOOP_SECONDS = 55
WEBHOOK_RECEIPTS_KEPT = timedelta(days=2)
OWN_ASSET_URL = re.compile(r"^(?:https?://[^/]+)?/api/(?:images|videos)/(\d+)/data/?(?:\?.*)?$")
EXPECTED_TYPES = {
    Generation.Kind.IMAGE: gallery_services.IMAGE_TYPES,
    Generation.Kind.VIDEO: gallery_services.VIDEO_TYPES,
}
UPLOAD_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class UpstreamRefused(ServiceError):
    def __init__(self, message: str, *, status_code: int, retry_after: int | None = None):
        super().__init__(message, status_code=status_code)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


def _now() -> datetime:
    return timezone.now()


def _webhook_url(generation: Generation) -> str | None:
    if not uploads.site_is_public():
        return None
    return f"{settings.BASE_URL}/api/webhooks/replicate?generation={generation.pk}"


def _fetchable_inputs(*, user: AbstractBaseUser, properties: dict[str, Any], inputs: dict[str, Any]) -> dict:
    """Replace links to our own images (`/api/images/{id}/data`) by URLs Replicate can fetch."""
    resolved = dict(inputs)
    for name, value in inputs.items():
        if properties.get(name, {}).get("format") != "uri" or not isinstance(value, str):
            continue
        match = OWN_ASSET_URL.match(value)
        if not match:
            continue
        generation = Generation.objects.filter(pk=int(match.group(1))).select_related("asset").first()
        asset = generation.asset if generation else None
        if asset is None or not gallery_selectors.asset_is_visible_to(asset=asset, user=user):
            raise ServiceError(f"input.{name}: that image is not available to you.", status_code=422)
        if asset.kind != Asset.Kind.IMAGE:
            raise ServiceError(f"input.{name}: that item is not an image.", status_code=422)
        resolved[name] = uploads.asset_fetchable_url(asset=asset)
    return resolved


def generation_start(
    *,
    user: AbstractBaseUser,
    kind: str,
    model_id: str,
    inputs: dict[str, Any],
    collection: str = "",
    version: str | None = None,
) -> Generation:
    """Validate against the model's schema, save the row, then create the prediction."""
    owner, _, name = model_id.partition("/")
    if not owner or not name or "/" in name:
        raise ServiceError("model_id must look like owner/name.", status_code=422)
    schema = catalogue.catalogue_schema(owner=owner, name=name)
    cleaned = inputs_validate(properties=schema["input_schema"], required=schema["required"], inputs=inputs)
    upstream_inputs = _fetchable_inputs(user=user, properties=schema["input_schema"], inputs=cleaned)
    prompt = cleaned.get("prompt")
    with transaction.atomic():
        # Serialises one user's starts so two requests cannot both slip under the cap.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        in_flight = Generation.objects.filter(owner=user, status__in=Generation.IN_FLIGHT).count()
        if in_flight >= settings.GENERATION_MAX_IN_FLIGHT:
            raise ServiceError(
                f"You have {in_flight} generations in progress (the limit is {settings.GENERATION_MAX_IN_FLIGHT}); "
                "wait for one to finish.",
                status_code=429,
            )
        generation = Generation.objects.create(
            owner=user,
            kind=kind,
            model_id=f"{owner}/{name}",
            version=version or "",
            collection=collection[:64],
            prompt=prompt if isinstance(prompt, str) else "",
            inputs=cleaned,
        )
    _prediction_create(generation=generation, upstream_inputs=upstream_inputs, version=version)
    generation.refresh_from_db()
    return generation


def _prediction_create(
    *, generation: Generation, upstream_inputs: dict[str, Any], version: str | None
) -> None:
    webhook = _webhook_url(generation)
    try:
        prediction = replicate_client.prediction_create(
            model_id=generation.model_id, version=version, inputs=upstream_inputs, webhook=webhook
        )
    except UpstreamError as exc:
        message = str(exc)
        Generation.objects.filter(pk=generation.pk, status=Status.PENDING).update(
            status=Status.FAILED, error=message, completed_at=_now(), updated_at=_now()
        )
        if exc.status == 429:
            raise UpstreamRefused(
                f"Replicate is busy (rate limited); try again in {exc.retry_after or 10} seconds.",
                status_code=429,
                retry_after=exc.retry_after or 10,
            ) from exc
        if exc.status == 422 or exc.status == 404:
            raise ServiceError(f"Replicate refused the inputs: {message}", status_code=422) from exc
        raise UpstreamRefused(f"Replicate is unavailable: {message}", status_code=502) from exc
    Generation.objects.filter(pk=generation.pk, status=Status.PENDING).update(
        status=Status.PROCESSING,
        prediction_id=prediction["id"],
        version=prediction.get("version") or generation.version,
        upstream_status=prediction["status"],
        webhook_requested=webhook is not None,
        updated_at=_now(),
    )
    if prediction["status"] in {"succeeded", "failed", "canceled"}:
        generation.refresh_from_db()
        generation_apply_prediction(generation=generation, prediction=prediction)
    elif webhook is None:
        # No webhook will come: make sure a poller is running now, not at the next schedule tick.
        async_task("media_gen.tasks.generation_poll_loop", task_name=f"poll after generation {generation.pk}")


def _first_output_url(output: Any) -> str | None:
    if isinstance(output, str) and output:
        return output
    if isinstance(output, list):
        for item in output:
            if isinstance(item, str) and item:
                return item
    if isinstance(output, dict):
        for key in ("url", "video", "image", "output"):
            if isinstance(output.get(key), str):
                return output[key]
    return None


def generation_apply_prediction(*, generation: Generation, prediction: dict[str, Any]) -> None:
    """Move the generation forward to what Replicate says (from a webhook or a poll)."""
    if not generation.prediction_id or prediction.get("id") != generation.prediction_id:
        return
    upstream = str(prediction.get("status") or "")
    now = _now()
    moving = Generation.objects.filter(pk=generation.pk)
    if upstream in {"starting", "processing"}:
        moving.filter(status__in=[Status.PENDING, Status.PROCESSING]).update(
            status=Status.PROCESSING, upstream_status=upstream, updated_at=now
        )
    elif upstream == "succeeded":
        output = prediction.get("output")
        url = _first_output_url(output)
        if url is None:
            moving.filter(status__in=[Status.PENDING, Status.PROCESSING]).update(
                status=Status.FAILED,
                upstream_status=upstream,
                output=output,
                error="Replicate reported success but sent no output file.",
                completed_at=now,
                updated_at=now,
            )
            return
        completed = parse_datetime(str(prediction.get("completed_at") or "")) or now
        started = moving.filter(status__in=[Status.PENDING, Status.PROCESSING]).update(
            status=Status.DOWNLOADING,
            upstream_status=upstream,
            output=output,
            output_url=url,
            upstream_completed_at=completed,
            download_next_at=now,
            updated_at=now,
            **PROGRESS_QUEUED,
        )
        if started:
            async_task(
                "media_gen.tasks.generation_download", generation.pk, task_name=f"download {generation.pk}"
            )
    elif upstream in {"failed", "canceled", "aborted"}:
        error = prediction.get("error") or ""
        if upstream == "failed" and not error:
            error = "The prediction failed on Replicate without an error message."
        elif upstream == "aborted" and not error:
            error = "Replicate aborted the prediction before it started (deadline passed)."
        moving.filter(status__in=[Status.PENDING, Status.PROCESSING]).update(
            status=Status.CANCELED if upstream == "canceled" else Status.FAILED,
            upstream_status=upstream,
            error=str(error)[:10_000],
            completed_at=now,
            updated_at=now,
        )


def _download_failed(*, generation: Generation, message: str, permanent: bool, now: datetime) -> None:
    window_end = (generation.upstream_completed_at or now) + DOWNLOAD_WINDOW
    backoff = DOWNLOAD_BACKOFF_SECONDS[min(generation.download_tries, len(DOWNLOAD_BACKOFF_SECONDS)) - 1]
    next_at = now + timedelta(seconds=backoff)
    still = Generation.objects.filter(pk=generation.pk, status=Status.DOWNLOADING)
    if permanent or next_at > window_end:
        reason = message if permanent else f"{message} (gave up after {generation.download_tries} tries)"
        still.update(
            status=Status.FAILED,
            error=reason,
            completed_at=now,
            download_claimed_until=None,
            updated_at=now,
            download_phase="",
        )
    else:
        still.update(download_next_at=next_at, download_claimed_until=None, updated_at=now, **PROGRESS_QUEUED)


def _progress_recorder(generation_id: int) -> downloads.ProgressCallback:
    """Writes bytes received to the row, at most every DOWNLOAD_PROGRESS_SECONDS (the first call always)."""
    last = [0.0]

    def record(received: int, total: int | None) -> None:
        now = time.monotonic()
        if last[0] and now - last[0] < DOWNLOAD_PROGRESS_SECONDS:
            return
        last[0] = now
        Generation.objects.filter(
            pk=generation_id, status=Status.DOWNLOADING, download_phase=DownloadPhase.DOWNLOADING
        ).update(download_bytes_received=received, download_bytes_total=total)

    return record


def generation_download(*, generation_id: int, now: datetime | None = None) -> None:
    """One try at copying the output into the gallery; idempotent and safe to run concurrently."""
    now = now or _now()
    claimed = (
        Generation.objects.filter(pk=generation_id, status=Status.DOWNLOADING, asset__isnull=True)
        .filter(Q(download_claimed_until__isnull=True) | Q(download_claimed_until__lt=now))
        .update(
            download_claimed_until=now + DOWNLOAD_CLAIM,
            download_tries=F("download_tries") + 1,
            updated_at=now,
            download_phase=DownloadPhase.DOWNLOADING,
            download_bytes_received=0,
            download_bytes_total=None,
        )
    )
    if not claimed:
        return
    generation = Generation.objects.select_related("owner").get(pk=generation_id)
    attempt = DownloadAttempt.objects.create(
        generation=generation, url=downloads.describe_url(generation.output_url), started_at=now
    )
    try:
        fetched = downloads.download_fetch(
            url=generation.output_url,
            max_bytes=settings.MEDIA_MAX_BYTES,
            on_progress=_progress_recorder(generation_id),
        )
        Generation.objects.filter(pk=generation_id, status=Status.DOWNLOADING).update(
            download_phase=DownloadPhase.STORING,
            download_bytes_received=fetched.size,
            download_bytes_total=Coalesce(F("download_bytes_total"), Value(fetched.size)),
        )
        with fetched.file:
            asset = gallery_services.asset_store(
                owner=generation.owner,
                stream=fetched.file,
                kind=generation.kind,
                max_bytes=settings.MEDIA_MAX_BYTES,
                filename=f"{generation.kind}-{generation.pk}",
                expected_types=EXPECTED_TYPES[generation.kind],
            )
    except downloads.DownloadError as exc:
        DownloadAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=_now(), error=exc.message, http_status=exc.http_status, bytes_received=exc.received
        )
        _download_failed(generation=generation, message=exc.message, permanent=exc.permanent, now=now)
        return
    except ServiceError as exc:  # the gallery refused the bytes: wrong type, too large, over quota
        DownloadAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=_now(), error=exc.message, http_status=200
        )
        _download_failed(
            generation=generation, message=f"The output was refused: {exc.message}", permanent=True, now=now
        )
        return
    DownloadAttempt.objects.filter(pk=attempt.pk).update(
        finished_at=_now(), succeeded=True, http_status=fetched.http_status, bytes_received=fetched.size
    )
    attached = Generation.objects.filter(
        pk=generation_id, status=Status.DOWNLOADING, asset__isnull=True
    ).update(
        asset=asset,
        status=Status.COMPLETED,
        error="",
        completed_at=_now(),
        download_claimed_until=None,
        updated_at=_now(),
        download_phase=DownloadPhase.DONE,
    )
    if not attached:  # canceled or finished by another worker meanwhile
        gallery_services.asset_delete(asset=asset)


def generation_poll_in_flight(*, now: datetime | None = None) -> int:
    """One polling round over everything in flight; returns how many are still in flight after it."""
    now = now or _now()
    running = (
        Generation.objects.filter(status=Status.PROCESSING).exclude(prediction_id="").order_by("updated_at")
    )
    for generation in running[:POLL_BATCH]:
        try:
            prediction = replicate_client.prediction_get(prediction_id=generation.prediction_id)
        except UpstreamError as exc:
            if exc.status == 404:
                generation_apply_prediction(
                    generation=generation, prediction=_prediction_vanished(generation)
                )
                continue
            logger.warning("polling %s failed: %s", generation.prediction_id, exc)
            if exc.status == 429:
                break
            continue
        generation_apply_prediction(generation=generation, prediction=prediction)
    due = Generation.objects.filter(status=Status.DOWNLOADING, asset__isnull=True, download_next_at__lte=now)
    for generation_id in due.values_list("pk", flat=True)[:POLL_BATCH]:
        generation_download(generation_id=generation_id, now=now)
    Generation.objects.filter(status=Status.PENDING, created_at__lt=now - PENDING_GIVE_UP).update(
        status=Status.FAILED,
        error="The request to Replicate never completed (the server restarted or timed out).",
        completed_at=now,
        updated_at=now,
    )
    Generation.objects.filter(status=Status.PROCESSING, created_at__lt=now - PROCESSING_GIVE_UP).update(
        status=Status.FAILED,
        error=(
            f"Replicate did not finish the prediction within {PROCESSING_GIVE_UP.total_seconds() / 3600:g} "
            "hours (or could not be reached); gave up."
        ),
        completed_at=now,
        updated_at=now,
    )
    WebhookReceipt.objects.filter(received_at__lt=now - WEBHOOK_RECEIPTS_KEPT).delete()
    return Generation.objects.filter(status__in=Generation.IN_FLIGHT).count()


def generation_poll_loop(*, seconds: float = POLL_LOOP_SECONDS) -> None:
    """Poll every GENERATION_POLL_SECONDS while anything is in flight, for at most ``seconds``.

    The persisted schedule starts it every minute and a run without a webhook starts it at once;
    a cache lock keeps one loop at a time.
    """
    lock = "media_gen:poll-loop"
    if not cache.add(lock, 1, timeout=int(seconds) + 30):
        return
    try:
        deadline = time.monotonic() + seconds
        while generation_poll_in_flight() and time.monotonic() < deadline:
            time.sleep(max(0.05, settings.GENERATION_POLL_SECONDS))
    finally:
        cache.delete(lock)


@dataclass(frozen=True)
class WebhookOutcome:
    accepted: bool
    message: str


def webhook_receive(*, generation_id: int | None, headers: dict[str, str], body: bytes) -> WebhookOutcome:
    """Verify, drop duplicates by webhook-id, and queue the work; never waits on Replicate's files."""
    webhook_id = headers.get("webhook-id", "")
    webhook_verify(
        webhook_id=webhook_id,
        timestamp=headers.get("webhook-timestamp", ""),
        signature=headers.get("webhook-signature", ""),
        body=body,
    )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookInvalid("The webhook body is not JSON.", status_code=400) from exc
    if not isinstance(payload, dict):
        raise WebhookInvalid("The webhook body is not a prediction object.", status_code=400)
    generation = Generation.objects.filter(pk=generation_id).first() if generation_id else None
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(webhook_id=webhook_id, generation=generation)
    except IntegrityError:
        return WebhookOutcome(accepted=False, message="Duplicate delivery ignored.")
    if generation is None:
        return WebhookOutcome(accepted=False, message="No such generation; ignored.")
    try:
        async_task(
            "media_gen.tasks.generation_webhook_process",
            generation.pk,
            body.decode(),
            task_name=f"webhook {webhook_id}",
        )
    except Exception:
        # Not queued (the broker is down): forget the receipt, so Replicate's retry of this
        # delivery is accepted instead of being dropped as a duplicate.
        WebhookReceipt.objects.filter(webhook_id=webhook_id).delete()
        raise
    return WebhookOutcome(accepted=True, message="Accepted.")


def generation_webhook_process(*, generation_id: int, payload: dict[str, Any]) -> None:
    generation = Generation.objects.filter(pk=generation_id).first()
    if generation is not None:
        generation_apply_prediction(generation=generation, prediction=payload)


def _may_change(*, generation: Generation, user: AbstractBaseUser) -> None:
    if not (user.is_staff or generation.owner_id == user.pk):
        raise ServiceError("Not found.", status_code=404)


def generation_cancel(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    _may_change(generation=generation, user=user)
    if generation.status in Generation.FINAL:
        raise ServiceError(f"This generation is already {generation.public_status}.", status_code=409)
    if generation.prediction_id and generation.status == Status.PROCESSING:
        try:
            replicate_client.prediction_cancel(prediction_id=generation.prediction_id)
        except UpstreamError as exc:
            if exc.status not in (404, 409, 422):
                raise UpstreamRefused(f"Could not cancel on Replicate: {exc}", status_code=502) from exc
    now = _now()
    Generation.objects.filter(pk=generation.pk, status__in=Generation.IN_FLIGHT).update(
        status=Status.CANCELED,
        error="Canceled by the user.",
        completed_at=now,
        download_claimed_until=None,
        updated_at=now,
        download_phase="",
    )
    generation.refresh_from_db()
    return generation


def generation_output_fetchable(*, generation: Generation, now: datetime | None = None) -> bool:
    """Replicate still keeps the output (inside our download window) and we have no copy of it yet."""
    now = now or _now()
    return bool(
        generation.output_url
        and generation.asset_id is None
        and generation.upstream_completed_at is not None
        and now < generation.upstream_completed_at + DOWNLOAD_WINDOW
    )


def generation_retry(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Download again while Replicate still has the output, else run the same inputs again."""
    _may_change(generation=generation, user=user)
    if generation.status not in (Status.FAILED, Status.CANCELED):
        raise ServiceError("Only a failed or canceled generation can be retried.", status_code=409)
    if generation_output_fetchable(generation=generation):
        return generation_download_retry(generation=generation, user=user)
    return generation_rerun(generation=generation, user=user)


def generation_download_retry(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Copy the output again now: after a failed download, or instead of waiting out the back-off."""
    _may_change(generation=generation, user=user)
    now = _now()
    if generation.status == Status.DOWNLOADING and generation.asset_id is None:
        # Still trying on its own: make the next try due now (a claimed row is left to its worker).
        nudged = Generation.objects.filter(
            pk=generation.pk, status=Status.DOWNLOADING, asset__isnull=True
        ).update(download_next_at=now, updated_at=now)
    elif generation.status in (Status.FAILED, Status.CANCELED) and generation_output_fetchable(
        generation=generation, now=now
    ):
        nudged = Generation.objects.filter(pk=generation.pk, status=generation.status).update(
            status=Status.DOWNLOADING,
            error="",
            completed_at=None,
            download_tries=0,
            download_next_at=now,
            download_claimed_until=None,
            updated_at=now,
            **PROGRESS_QUEUED,
        )
    elif generation.status in (Status.FAILED, Status.CANCELED) and generation.output_url:
        raise ServiceError(
            "Replicate no longer keeps this output (it deletes outputs about an hour after a run); "
            "re-run it instead.",
            status_code=409,
        )
    else:
        raise ServiceError(
            f"There is no output to download: this generation is {generation.get_status_display().lower()}.",
            status_code=409,
        )
    if nudged:
        async_task(
            "media_gen.tasks.generation_download", generation.pk, task_name=f"download {generation.pk}"
        )
    generation.refresh_from_db()
    return generation


def generation_rerun(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Run a failed or canceled generation again with the same inputs (a new prediction, same record)."""
    _may_change(generation=generation, user=user)
    if generation.status not in (Status.FAILED, Status.CANCELED):
        raise ServiceError("Only a failed or canceled generation can be run again.", status_code=409)
    now = _now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=generation.owner_id).first()
        in_flight = Generation.objects.filter(
            owner_id=generation.owner_id, status__in=Generation.IN_FLIGHT
        ).count()
        if in_flight >= settings.GENERATION_MAX_IN_FLIGHT:
            raise ServiceError(
                f"{in_flight} generations are in progress (the limit is {settings.GENERATION_MAX_IN_FLIGHT}).",
                status_code=429,
            )
        reset = Generation.objects.filter(pk=generation.pk, status=generation.status).update(
            status=Status.PENDING,
            prediction_id="",
            upstream_status="",
            output=None,
            output_url="",
            error="",
            upstream_completed_at=None,
            completed_at=None,
            download_tries=0,
            download_next_at=None,
            download_claimed_until=None,
            updated_at=now,
            download_phase="",
        )
    if not reset:
        raise ServiceError("This generation changed meanwhile; reload it.", status_code=409)
    owner, _, name = generation.model_id.partition("/")
    schema = catalogue.catalogue_schema(owner=owner, name=name)
    upstream_inputs = _fetchable_inputs(
        user=generation.owner, properties=schema["input_schema"], inputs=generation.inputs
    )
    _prediction_create(
        generation=generation, upstream_inputs=upstream_inputs, version=generation.version or None
    )
    generation.refresh_from_db()
    return generation


def generation_refresh(*, generation: Generation) -> Generation:
    """Ask Replicate about a running prediction now instead of waiting for the next poll."""
    if generation.status != Status.PROCESSING or not generation.prediction_id:
        raise ServiceError("Only a generation running on Replicate can be checked.", status_code=409)
    try:
        prediction = replicate_client.prediction_get(prediction_id=generation.prediction_id)
    except UpstreamError as exc:
        if exc.status != 404:
            raise UpstreamRefused(f"Could not reach Replicate: {exc}", status_code=502) from exc
        prediction = _prediction_vanished(generation)
    generation_apply_prediction(generation=generation, prediction=prediction)
    generation.refresh_from_db()
    return generation


def _prediction_vanished(generation: Generation) -> dict[str, Any]:
    return {
        "id": generation.prediction_id,
        "status": "failed",
        "error": "Replicate no longer knows this prediction.",
    }


def generation_delete(*, generation: Generation, user: AbstractBaseUser) -> None:
    """Delete the record and its stored output; cancel upstream first if it is still running."""
    _may_change(generation=generation, user=user)
    if generation.status == Status.PROCESSING and generation.prediction_id:
        try:
            replicate_client.prediction_cancel(prediction_id=generation.prediction_id)
        except UpstreamError as exc:
            logger.info("cancel before delete of %s failed: %s", generation.pk, exc)
    with transaction.atomic():
        asset = Asset.objects.filter(pk=generation.asset_id).first() if generation.asset_id else None
        generation.delete()
        if asset is not None:
            gallery_services.asset_delete(asset=asset)


def generation_set_favorite(*, generation: Generation, user: AbstractBaseUser, favorite: bool) -> Generation:
    if generation.owner_id != user.pk:
        raise ServiceError("Only the owner can change favourites.", status_code=403)
    Generation.objects.filter(pk=generation.pk).update(favorite=favorite, updated_at=_now())
    if generation.asset is not None:
        gallery_services.asset_set_favorite(asset=generation.asset, favorite=favorite)
    generation.refresh_from_db()
    return generation


def generation_prune_before(*, cutoff: datetime) -> int:
    """Retention hook: delete generations without a stored output, older than ``cutoff``, never favourites."""
    stale = Generation.objects.filter(
        created_at__lt=cutoff, asset__isnull=True, favorite=False, status__in=Generation.FINAL
    )
    _, per_model = stale.delete()
    return per_model.get(Generation._meta.label, 0)


@dataclass(frozen=True)
class StoredUpload:
    asset: Asset
    url: str
    filename: str


def upload_image_store(
    *, user: AbstractBaseUser, stream: IO[bytes], filename: str, size: int | None
) -> StoredUpload:
    """Store an input image (checked by magic bytes, ≤ UPLOAD_MAX_BYTES) and a URL Replicate can fetch."""
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise gallery_services.AssetTooLarge(
            f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", status_code=413
        )
    safe_name = (filename or "upload").replace("/", "_").replace("\\", "_")[:200]
    try:
        asset = gallery_services.asset_store(
            owner=user,
            stream=stream,
            kind=Asset.Kind.UPLOAD,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            filename=safe_name,
            expected_types=UPLOAD_TYPES,
        )
    except gallery_services.AssetRejected as exc:
        raise ServiceError(f"Upload a JPEG, PNG, GIF or WebP image. {exc.message}", status_code=400) from exc
    data = None
    if asset.size_bytes <= uploads.DATA_URL_MAX_BYTES and hasattr(stream, "seek"):
        stream.seek(0)
        data = stream.read(asset.size_bytes + 1)
    return StoredUpload(
        asset=asset, url=uploads.asset_fetchable_url(asset=asset, data=data), filename=safe_name
    )


def polling_schedule_ensure() -> None:
    """The persisted django-q2 schedule that polls in-flight generations every minute (idempotent)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="media_gen: poll generations in flight",
        defaults={
            "func": "media_gen.tasks.generation_poll_loop",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
