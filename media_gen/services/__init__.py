"""Writes and workflows of media generation (keyword-only functions), one module per job:

- ``lifecycle``: the allowed moves of a generation (``Moves``, ``generation_move``) and the owner's
  actions (start, cancel, retry, re-run, delete, favourite), what Replicate says, expiry;
- ``delivery``: the signed webhook, the poll round and loop, the download into the gallery;
- ``uploads``: input files (images, videos, audio) a user uploads;
- ``sources``: a generation started from a stored asset (a render's frame or video, a stored generation);
- ``jobs``: the persisted schedules.

Callers import from here; tests that replace a module's collaborators patch that module.
"""

from media_gen.services.delivery import (
    DOWNLOAD_BACKOFF_SECONDS,
    DOWNLOAD_CLAIM,
    WebhookOutcome,
    generation_download,
    generation_poll_in_flight,
    generation_poll_loop,
    generation_webhook_process,
    webhook_receipts_purge,
    webhook_receive,
)
from media_gen.services.jobs import schedules_ensure
from media_gen.services.lifecycle import (
    DOWNLOAD_WINDOW,
    PENDING_GIVE_UP,
    PROCESSING_GIVE_UP,
    Move,
    Moves,
    UpstreamRefused,
    generation_apply_prediction,
    generation_cancel,
    generation_delete,
    generation_download_retry,
    generation_expire_stale,
    generation_move,
    generation_output_fetchable,
    generation_prune_before,
    generation_refresh,
    generation_rerun,
    generation_retry,
    generation_set_favorite,
    generation_start,
)
from media_gen.services.sources import (
    AssetRun,
    SourceInput,
    asset_run_prepare,
    generation_start_from_asset,
    generation_start_from_source,
)
from media_gen.services.uploads import StoredUpload, upload_image_store, upload_media_store

__all__ = [
    "DOWNLOAD_BACKOFF_SECONDS",
    "DOWNLOAD_CLAIM",
    "DOWNLOAD_WINDOW",
    "PENDING_GIVE_UP",
    "PROCESSING_GIVE_UP",
    "AssetRun",
    "Move",
    "Moves",
    "SourceInput",
    "StoredUpload",
    "UpstreamRefused",
    "WebhookOutcome",
    "asset_run_prepare",
    "generation_apply_prediction",
    "generation_cancel",
    "generation_delete",
    "generation_download",
    "generation_download_retry",
    "generation_expire_stale",
    "generation_move",
    "generation_output_fetchable",
    "generation_poll_in_flight",
    "generation_poll_loop",
    "generation_prune_before",
    "generation_refresh",
    "generation_rerun",
    "generation_retry",
    "generation_set_favorite",
    "generation_start",
    "generation_start_from_asset",
    "generation_start_from_source",
    "generation_webhook_process",
    "schedules_ensure",
    "upload_image_store",
    "upload_media_store",
    "webhook_receipts_purge",
    "webhook_receive",
]
