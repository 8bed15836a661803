"""How an output reaches us: the signed webhook, the poll round, and the download into the gallery.

The download claims the row for a while, stores the asset, then attaches it with one more
conditional move; a loser deletes its copy, so each output ends as exactly one asset.
"""

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from redis.exceptions import RedisError

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import downloads, replicate_client
from media_gen.models import DownloadAttempt, DownloadPhase, Generation, GenerationOutput, WebhookReceipt
from media_gen.replicate_client import UpstreamError
from media_gen.services.lifecycle import (
    DOWNLOAD_WINDOW,
    Moves,
    generation_apply_prediction,
    generation_move,
    output_kind,
    output_urls,
    outputs_discard,
    prediction_vanished,
)
from media_gen.webhooks import WebhookInvalid, webhook_transaction, webhook_verify
from simpoc import leases, shutdown
from simpoc.services import ServiceError

logger = logging.getLogger(__name__)
Status = Generation.Status

# Back-off between download tries, in seconds; the last value repeats.
DOWNLOAD_BACKOFF_SECONDS = (5, 15, 30, 60, 120, 300)
DOWNLOAD_CLAIM = timedelta(minutes=10)
# Bytes received are written to the row at most this often while a download runs.
DOWNLOAD_PROGRESS_SECONDS = 0.25
POLL_BATCH = 200
POLL_LOOP_SECONDS = 55
POLL_LOOP_LEASE = "media_gen:poll-loop"
DOWNLOAD_LEASE_PREFIX = "media_gen:download:"
WEBHOOK_RECEIPTS_KEPT = timedelta(days=2)


# --- Webhooks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookOutcome:
    accepted: bool
    message: str


def _webhook_payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookInvalid("The webhook body is not JSON.", status_code=400) from exc
    if not isinstance(payload, dict):
        raise WebhookInvalid("The webhook body is not a prediction object.", status_code=400)
    return payload


def _receipt_insert(*, webhook_id: str, generation_id: int | None) -> bool:
    """Record the webhook-id; False when it was already recorded (a redelivery). No exception, so the
    surrounding transaction stays usable, and no savepoint: one statement on either engine."""
    table = WebhookReceipt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (webhook_id, generation_id, received_at) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (webhook_id) DO NOTHING",
            [webhook_id, generation_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        return cursor.rowcount == 1


def webhook_receive(*, generation_id: int | None, headers: dict[str, str], body: bytes) -> WebhookOutcome:
    """Verify, drop duplicates by webhook-id, and apply what Replicate says; never waits on its files.

    The receipt, the generation's move and the download task (queued only when the output is ready)
    are one write transaction: on SQLite one acquisition of the write lock per delivery, and a
    broker that cannot take the task rolls the receipt back too, so Replicate's retry is accepted.
    """
    webhook_id = headers.get("webhook-id", "")
    webhook_verify(
        webhook_id=webhook_id,
        timestamp=headers.get("webhook-timestamp", ""),
        signature=headers.get("webhook-signature", ""),
        body=body,
    )
    payload = _webhook_payload(body)
    # Read before the write transaction, so the write lock is held for the writes alone.
    generation = Generation.objects.filter(pk=generation_id).first() if generation_id else None
    with webhook_transaction():  # SQLite: bounded retries for the lock, then 503 (nothing written)
        if not _receipt_insert(webhook_id=webhook_id, generation_id=generation.pk if generation else None):
            return WebhookOutcome(accepted=False, message="Duplicate delivery ignored.")
        if generation is None:
            return WebhookOutcome(accepted=False, message="No such generation; ignored.")
        generation_apply_prediction(generation=generation, prediction=payload)
    return WebhookOutcome(accepted=True, message="Accepted.")


def generation_webhook_process(*, generation_id: int, payload: dict[str, Any]) -> None:
    """What a webhook task queued before receipts applied their prediction themselves still does."""
    generation = Generation.objects.filter(pk=generation_id).first()
    if generation is not None:
        generation_apply_prediction(generation=generation, prediction=payload)


def webhook_receipts_purge(*, now: datetime | None = None) -> int:
    """Forget webhook-ids older than Replicate's redelivery window (a job of its own); how many."""
    cutoff = (now or timezone.now()) - WEBHOOK_RECEIPTS_KEPT
    deleted, _ = WebhookReceipt.objects.filter(received_at__lt=cutoff).delete()
    return deleted


# --- Polling --------------------------------------------------------------------------------------


def _poll_one(generation: Generation) -> bool:
    """Ask Replicate about one prediction and apply the answer; False when rate limited (stop the round)."""
    try:
        prediction = replicate_client.prediction_get(prediction_id=generation.prediction_id)
    except UpstreamError as exc:
        if exc.status == 404:
            generation_apply_prediction(generation=generation, prediction=prediction_vanished(generation))
            return True
        logger.warning("polling %s failed: %s", generation.prediction_id, exc)
        return exc.status != 429
    generation_apply_prediction(generation=generation, prediction=prediction)
    return True


def generation_poll_in_flight(*, now: datetime | None = None) -> int:
    """One polling round: running predictions, then downloads due; how many are still in flight after it."""
    now = now or timezone.now()
    running = (
        Generation.objects.filter(status=Status.PROCESSING).exclude(prediction_id="").order_by("updated_at")
    )
    for generation in running[:POLL_BATCH]:
        if not _poll_one(generation):
            break
    due = Generation.objects.filter(status=Status.DOWNLOADING, asset__isnull=True, download_next_at__lte=now)
    for generation_id in due.values_list("pk", flat=True)[:POLL_BATCH]:
        generation_download(generation_id=generation_id, now=now)
    return Generation.objects.filter(status__in=Generation.IN_FLIGHT).count()


def _lease_seconds() -> float:
    """A lease outlives a dead holder by at most one polling interval (plus a second for the round)."""
    return max(1.0, settings.GENERATION_POLL_SECONDS) + 1.0


def generation_poll_loop(*, seconds: float = POLL_LOOP_SECONDS) -> None:
    """Poll every GENERATION_POLL_SECONDS while anything is in flight, for at most ``seconds``.

    The persisted schedule starts it every minute and a run without a webhook starts it at once.
    One loop at a time holds the lease POLL_LOOP_LEASE, renewed every round: a loop whose worker
    was killed is taken over by the next one within a polling interval (at once on the same
    machine). On a stop request (SIGTERM to qcluster) it ends after the round in progress.
    """
    ttl = _lease_seconds()
    with leases.lease_held(name=POLL_LOOP_LEASE, ttl=ttl, wait=ttl) as lease:
        if lease is None:
            return
        deadline = time.monotonic() + seconds
        while _poll_round(lease):
            if time.monotonic() >= deadline or shutdown.wait(max(0.05, settings.GENERATION_POLL_SECONDS)):
                return


def _poll_round(lease: leases.HeldLease) -> bool:
    """One round under the lease; False when the loop should end (nothing in flight, lease lost, stop).

    A database or broker that is restarting or unreachable costs the round, not the loop: the
    connection is dropped so the next round opens a new one, and the loop carries on (a download
    that could not be queued is due, and the next round downloads it).
    """
    try:
        if not lease.renew():
            return False
        in_flight = generation_poll_in_flight()
        return bool(in_flight) and not shutdown.requested() and lease.renew()
    except (OperationalError, InterfaceError, RedisError) as exc:
        logger.warning("poll round cut short, the database or the broker is unavailable: %s", exc)
        connection.close()
        return not shutdown.requested()


# --- Downloading ----------------------------------------------------------------------------------


def _retry_at(*, generation: Generation, now: datetime) -> datetime | None:
    """When to try a failed download again: after the back-off, unless that is past the download window."""
    window_end = (generation.upstream_completed_at or now) + DOWNLOAD_WINDOW
    backoff = DOWNLOAD_BACKOFF_SECONDS[min(generation.download_tries, len(DOWNLOAD_BACKOFF_SECONDS)) - 1]
    next_at = now + timedelta(seconds=backoff)
    return None if next_at > window_end else next_at


class _WorkerStopping(Exception):
    """The worker is stopping (SIGTERM) mid-download: the try is given back, not counted."""


class _Progress:
    """Bytes over all the files of one try, written to the row at most every DOWNLOAD_PROGRESS_SECONDS.

    ``download_bytes_received`` counts every file stored so far plus the one coming in.
    ``download_bytes_total`` is the files stored so far, the current file's Content-Length, and for
    the files still to come the average size of the ones known (they are the same model's outputs):
    an estimate that is exact once the last file's length is known, and never below what was received.
    None while the current file's length is unknown.
    """

    def __init__(self, *, generation_id: int, stored_sizes: list[int], pending: int):
        self.generation_id = generation_id
        self.sizes = list(stored_sizes)
        self.done = sum(stored_sizes)
        self.pending = pending  # files still to fetch, the current one included
        self.finished = 0  # files this try is done with (stored or failed for good)
        self.last = 0.0

    def estimate(self, current_total: int | None) -> int | None:
        if current_total is None:
            return None
        known = [*self.sizes, current_total]
        later = max(0, self.pending - 1)
        return self.done + current_total + later * (sum(known) // len(known))

    def file_done(self, size: int | None) -> None:
        """One file finished (``size`` when it was stored, None when it failed for good)."""
        self.pending -= 1
        self.finished += 1
        self.last = 0.0
        if size is not None:
            self.done += size
            self.sizes.append(size)

    def recorder(self) -> downloads.ProgressCallback:
        downloading = Q(download_phase=DownloadPhase.DOWNLOADING)

        def record(received: int, total: int | None) -> None:
            if shutdown.requested():
                raise _WorkerStopping()
            now = time.monotonic()
            if self.last and now - self.last < DOWNLOAD_PROGRESS_SECONDS:
                return
            self.last = now
            generation_move(
                Moves.DOWNLOAD_PROGRESS,
                pk=self.generation_id,
                where=downloading,
                download_bytes_received=self.done + received,
                download_bytes_total=self.estimate(total),
            )

        return record


def _progress_recorder(generation_id: int) -> downloads.ProgressCallback:
    """The progress of a try that fetches one file (what a single-output download reports)."""
    return _Progress(generation_id=generation_id, stored_sizes=[], pending=1).recorder()


def _download_claim(generation_id: int, now: datetime) -> bool:
    """Claim the row for one try; the caller holds the download's lease, so no live try is running.

    ``download_claimed_until`` is still written (the admin shows it) but no longer decides: a try
    whose worker died leaves it in the future, and the lease is what tells that worker is gone.
    """
    return bool(
        generation_move(
            Moves.DOWNLOAD_CLAIMED,
            pk=generation_id,
            where=Q(asset__isnull=True),
            now=now,
            download_claimed_until=now + DOWNLOAD_CLAIM,
            download_tries=F("download_tries") + 1,
        )
    )


def _expected_types(kind: str) -> frozenset[str]:
    """The sniffed types an output stored as ``kind`` may have; anything else is refused."""
    if kind == Asset.Kind.IMAGE:
        return gallery_services.IMAGE_TYPES
    if kind == Asset.Kind.VIDEO:
        return gallery_services.VIDEO_TYPES
    return gallery_services.AUDIO_TYPES


def _fetch_and_store(
    *, generation: Generation, output: GenerationOutput, kind: str, progress: _Progress
) -> tuple[Asset, downloads.Fetched]:
    """Download one output file into a scratch file, then store it as the owner's asset of ``kind``."""
    if progress.finished:  # a file before this one was tried in this try: the phase may be "storing"
        generation_move(Moves.DOWNLOAD_NEXT_FILE, pk=generation.pk)
    fetched = downloads.download_fetch(
        url=output.url, max_bytes=settings.MEDIA_MAX_BYTES, on_progress=progress.recorder()
    )
    generation_move(
        Moves.DOWNLOAD_STORING,
        pk=generation.pk,
        download_bytes_received=progress.done + fetched.size,
        download_bytes_total=Coalesce(F("download_bytes_total"), Value(progress.estimate(fetched.size))),
    )
    with fetched.file:
        asset = gallery_services.asset_store(
            owner=generation.owner,
            stream=fetched.file,
            kind=kind,
            max_bytes=settings.MEDIA_MAX_BYTES,
            filename=f"{generation.kind}-{generation.pk}"
            + (f"-{output.position + 1}" if output.position else ""),
            expected_types=_expected_types(kind),
        )
    return asset, fetched


def _outputs_ensure(generation: Generation) -> list[GenerationOutput]:
    """The generation's output rows in order, one per file of Replicate's output (made by the first try)."""
    urls = output_urls(generation.output) or [generation.output_url]
    GenerationOutput.objects.bulk_create(
        [GenerationOutput(generation=generation, position=i, url=url) for i, url in enumerate(urls)],
        ignore_conflicts=True,
    )
    return list(
        GenerationOutput.objects.filter(generation=generation).select_related("asset").order_by("position")
    )


def generation_download(*, generation_id: int, now: datetime | None = None) -> None:
    """One try at copying the output into the gallery; idempotent and safe to run concurrently."""
    now = now or timezone.now()
    with leases.lease_held(name=f"{DOWNLOAD_LEASE_PREFIX}{generation_id}", ttl=_lease_seconds()) as lease:
        if lease is None or not _download_claim(generation_id, now):
            return  # a live worker is on it, or it is no longer waiting for a download
        with lease.kept_alive():
            _download_try(generation_id, now)


class _Next:
    """What a try does after one file: go on to the next file, or stop (backed off, refused, stopping)."""

    GO_ON = True
    STOP = False


def _download_try(generation_id: int, now: datetime) -> None:
    """Fetch every output file not stored yet, in order; then complete (or fail) the generation.

    A file that fails for a while (5xx, a timeout) ends the try and the generation backs off: the
    next try fetches only the files still missing. A file that fails for good (deleted upstream,
    too large, or still failing when the download window closes) is recorded on its row and the
    others are still fetched: the generation completes with the files that came and its ``error``
    names the missing ones; it fails only when none came. A file of the wrong type (HTML from a
    music model, an image from a video model) means the model does not produce what its collection
    says: the generation fails and every file already stored for it is deleted.
    """
    generation = Generation.objects.select_related("owner").get(pk=generation_id)
    kind = output_kind(generation)
    outputs = _outputs_ensure(generation)
    pending = [output for output in outputs if output.asset_id is None and not output.error]
    progress = _Progress(
        generation_id=generation_id,
        stored_sizes=[output.asset.size_bytes for output in outputs if output.asset is not None],
        pending=len(pending),
    )
    for output in pending:
        if (
            _output_download(generation=generation, output=output, kind=kind, progress=progress, now=now)
            is _Next.STOP
        ):
            return
    _download_finish(generation_id=generation_id, now=now)


def _output_download(
    *, generation: Generation, output: GenerationOutput, kind: str, progress: _Progress, now: datetime
) -> bool:
    attempt = DownloadAttempt.objects.create(
        generation=generation, url=downloads.describe_url(output.url), started_at=now
    )
    attempts = DownloadAttempt.objects.filter(pk=attempt.pk)
    row = GenerationOutput.objects.filter(pk=output.pk)
    try:
        asset, fetched = _fetch_and_store(generation=generation, output=output, kind=kind, progress=progress)
    except downloads.DownloadError as exc:
        attempts.update(
            finished_at=timezone.now(),
            error=exc.message,
            http_status=exc.http_status,
            bytes_received=exc.received,
        )
        next_at = None if exc.permanent else _retry_at(generation=generation, now=now)
        if next_at is not None:
            generation_move(Moves.DOWNLOAD_BACKOFF, pk=generation.pk, now=now, download_next_at=next_at)
            return _Next.STOP
        reason = (
            exc.message
            if exc.permanent
            else f"{exc.message} (gave up after {generation.download_tries} tries)"
        )
        row.update(error=reason)
        progress.file_done(None)
        return _Next.GO_ON
    except _WorkerStopping:
        attempts.update(
            finished_at=timezone.now(), error="The worker stopped; the next one downloads it again."
        )
        generation_move(
            Moves.DOWNLOAD_BACKOFF,
            pk=generation.pk,
            download_next_at=timezone.now(),
            download_tries=F("download_tries") - 1,
        )
        return _Next.STOP
    except ServiceError as exc:  # the gallery refused the bytes: wrong type, too large, over quota
        attempts.update(finished_at=timezone.now(), error=exc.message, http_status=200)
        reason = f"The output was refused: {exc.message}"
        if isinstance(exc, gallery_services.AssetRejected) and exc.status_code == 415:
            outputs_discard(generation_id=generation.pk)
            generation_move(Moves.DOWNLOAD_GAVE_UP, pk=generation.pk, now=now, error=reason)
            return _Next.STOP
        row.update(error=reason)
        progress.file_done(None)
        return _Next.GO_ON
    attempts.update(
        finished_at=timezone.now(),
        succeeded=True,
        http_status=fetched.http_status,
        bytes_received=fetched.size,
    )
    if not row.filter(asset__isnull=True).update(asset=asset, error=""):
        gallery_services.asset_delete(asset=asset)  # the generation was deleted meanwhile
    progress.file_done(asset.size_bytes)
    return _Next.GO_ON


def _download_finish(*, generation_id: int, now: datetime) -> None:
    """Every file was tried: attach the first stored one and complete, or fail when none was stored."""
    outputs = list(GenerationOutput.objects.filter(generation_id=generation_id).order_by("position"))
    stored = [output for output in outputs if output.asset_id is not None]
    missing = [output for output in outputs if output.asset_id is None]
    if len(outputs) == 1:
        reasons = [output.error for output in missing]
    else:
        reasons = [
            f"Output {output.position + 1} of {len(outputs)} was not stored: {output.error}"
            for output in missing
        ]
    if not stored:
        generation_move(Moves.DOWNLOAD_GAVE_UP, pk=generation_id, now=now, error="; ".join(reasons))
        return
    attached = generation_move(
        Moves.DOWNLOAD_ATTACHED,
        pk=generation_id,
        where=Q(asset__isnull=True),
        now=now,
        asset_id=stored[0].asset_id,
        error="; ".join(reasons),
    )
    if not attached and Generation.objects.filter(pk=generation_id, asset__isnull=True).exists():
        outputs_discard(generation_id=generation_id)  # canceled meanwhile: nothing stays stored
    elif attached and Generation.objects.filter(pk=generation_id, favorite=True).exists():
        # Marked a favourite while it was downloading: its files are kept from retention too.
        for asset in Asset.objects.filter(pk__in=[output.asset_id for output in stored]):
            gallery_services.asset_set_favorite(asset=asset, favorite=True)
