"""django-q2 task functions of media generation: thin, calling services."""

import json

from media_gen import services
from media_gen.services import combine


def generation_download(generation_id: int) -> None:
    services.generation_download(generation_id=generation_id)


def generation_webhook_process(generation_id: int, body: str) -> None:
    services.generation_webhook_process(generation_id=generation_id, payload=json.loads(body))


def generation_poll_loop() -> None:
    """What the persisted schedule runs every minute (and a run without a webhook, at once)."""
    services.generation_poll_loop()


def generation_expire_stale() -> None:
    services.generation_expire_stale()


def webhook_receipts_purge() -> None:
    services.webhook_receipts_purge()


def combine_run(generation_id: int) -> None:
    """Join the videos of a combine (``media_gen.services.combine``) and store the result."""
    combine.combine_run(generation_id=generation_id)


def combine_recover() -> None:
    """What the persisted schedule (and each worker start) runs: combines whose worker died."""
    combine.combine_recover()
