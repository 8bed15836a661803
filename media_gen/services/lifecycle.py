"""A generation's life: start, follow Replicate's answer, cancel, retry, re-run, delete.

A generation's status only moves forward, and only through ``generation_move``: every change of a
row is one of the ``Move``s below, applied as a conditional UPDATE
(``filter(status__in=<allowed from>).update(<its fields>)``), so a webhook and a poll that race
each other cannot move it back, and only one of them can start the download.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_q.tasks import async_task
from redis.exceptions import RedisError

from gallery import selectors as gallery_selectors
from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import catalogue, collections, replicate_client, uploads
from media_gen.inputs import inputs_validate
from media_gen.models import DownloadPhase, Generation, GenerationOutput
from media_gen.replicate_client import UpstreamError
from simpoc.rules import user_row_lock
from simpoc.services import ServiceError

logger = logging.getLogger(__name__)
Status = Generation.Status

# Replicate deletes outputs about an hour after completion; stop well before.
DOWNLOAD_WINDOW = timedelta(minutes=50)
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
# A link to one of our own stored files (what the gallery hands a form): the family, id and output.
OWN_ASSET_URL = re.compile(
    r"^(?:https?://[^/]+)?/api/(images|videos|audio)/(\d+)/data/?(?:\?(?:.*&)?output=(\d+)(?:&.*)?|\?.*)?$"
)
FAMILY_OF_PATH = {
    "images": Generation.Kind.IMAGE,
    "videos": Generation.Kind.VIDEO,
    "audio": Generation.Kind.AUDIO,
}


class UpstreamRefused(ServiceError):
    def __init__(self, message: str, *, status_code: int, retry_after: int | None = None):
        super().__init__(message, status_code=status_code)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


# --- The moves ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One allowed change of a generation row: from which statuses, to which, and what it sets."""

    sources: tuple[str, ...]
    target: str | None = None  # None: the status stays
    sets: dict[str, Any] = field(default_factory=dict)
    finishes: bool = False  # stamps completed_at
    touches: bool = True  # stamps updated_at


_UNCLAIMED = {"download_claimed_until": None}
_FRESH_DOWNLOAD = {"error": "", "completed_at": None, "download_tries": 0, **_UNCLAIMED}


class Moves:
    # The create call: answered, or refused.
    ACCEPTED = Move((Status.PENDING,), Status.PROCESSING)
    CREATE_FAILED = Move((Status.PENDING,), Status.FAILED, finishes=True)
    # What Replicate says (webhook or poll).
    RUNNING = Move((Status.PENDING, Status.PROCESSING), Status.PROCESSING)
    SUCCEEDED = Move((Status.PENDING, Status.PROCESSING), Status.DOWNLOADING, sets=PROGRESS_QUEUED)
    UPSTREAM_FAILED = Move((Status.PENDING, Status.PROCESSING), Status.FAILED, finishes=True)
    # A text model's answer is the result itself: kept in the record, nothing to download.
    TEXT_RECEIVED = Move(
        (Status.PENDING, Status.PROCESSING), Status.COMPLETED, sets={"error": ""}, finishes=True
    )
    UPSTREAM_CANCELED = Move((Status.PENDING, Status.PROCESSING), Status.CANCELED, finishes=True)
    # The copy into storage (media_gen.services.delivery).
    DOWNLOAD_CLAIMED = Move(
        (Status.DOWNLOADING,),
        sets={
            "download_phase": DownloadPhase.DOWNLOADING,
            "download_bytes_received": 0,
            "download_bytes_total": None,
        },
    )
    DOWNLOAD_PROGRESS = Move((Status.DOWNLOADING,), touches=False)
    # The next file of a multi-file output starts coming in (the previous one was being stored).
    DOWNLOAD_NEXT_FILE = Move(
        (Status.DOWNLOADING,), sets={"download_phase": DownloadPhase.DOWNLOADING}, touches=False
    )
    DOWNLOAD_STORING = Move(
        (Status.DOWNLOADING,), sets={"download_phase": DownloadPhase.STORING}, touches=False
    )
    DOWNLOAD_BACKOFF = Move((Status.DOWNLOADING,), sets={**PROGRESS_QUEUED, **_UNCLAIMED})
    DOWNLOAD_GAVE_UP = Move(
        (Status.DOWNLOADING,), Status.FAILED, sets={**_UNCLAIMED, "download_phase": ""}, finishes=True
    )
    DOWNLOAD_ATTACHED = Move(
        (Status.DOWNLOADING,),
        Status.COMPLETED,
        sets={"error": "", **_UNCLAIMED, "download_phase": DownloadPhase.DONE},
        finishes=True,
    )
    DOWNLOAD_NUDGED = Move((Status.DOWNLOADING,))
    DOWNLOAD_AGAIN = Move(
        (Status.FAILED, Status.CANCELED), Status.DOWNLOADING, sets={**_FRESH_DOWNLOAD, **PROGRESS_QUEUED}
    )
    # The owner's moves.
    CANCELED = Move(
        Generation.IN_FLIGHT,
        Status.CANCELED,
        sets={"error": "Canceled by the user.", **_UNCLAIMED, "download_phase": ""},
        finishes=True,
    )
    RERUN = Move(
        (Status.FAILED, Status.CANCELED),
        Status.PENDING,
        sets={
            **_FRESH_DOWNLOAD,
            "prediction_id": "",
            "upstream_status": "",
            "output": None,
            "output_url": "",
            "text_output": "",
            "upstream_completed_at": None,
            "download_next_at": None,
            "download_phase": "",
        },
    )
    MARKED = Move(tuple(Status.values))  # favourite: any status, the status stays
    # Housekeeping (generation_expire_stale).
    PENDING_EXPIRED = Move(
        (Status.PENDING,),
        Status.FAILED,
        sets={"error": "The request to Replicate never completed (the server restarted or timed out)."},
        finishes=True,
    )
    PROCESSING_EXPIRED = Move(
        (Status.PROCESSING,),
        Status.FAILED,
        sets={
            "error": f"Replicate did not finish the prediction within {PROCESSING_GIVE_UP.total_seconds() / 3600:g} "
            "hours (or could not be reached); gave up."
        },
        finishes=True,
    )


def generation_move(
    move: Move, *, pk: int | None = None, where: Q | None = None, now: datetime | None = None, **values: Any
) -> int:
    """Apply ``move`` as one conditional UPDATE; the number of rows moved (0: another writer was first).

    ``values`` are the move's variable fields (the prediction id, an error text, a claim time).
    """
    rows = Generation.objects.filter(status__in=move.sources)
    if pk is not None:
        rows = rows.filter(pk=pk)
    if where is not None:
        rows = rows.filter(where)
    return rows.update(**_move_changes(move, now or timezone.now(), values))


def _move_changes(move: Move, now: datetime, values: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = dict(move.sets)
    if move.target is not None:
        changes["status"] = move.target
    if move.finishes:
        changes["completed_at"] = now
    if move.touches:
        changes["updated_at"] = now
    changes.update(values)
    return changes


def generation_move_statement(
    move: Move, *, pk: int, now: datetime | None = None, **values: Any
) -> tuple[str, list[Any]]:
    """``generation_move(move, pk=pk, now=now, **values)``'s UPDATE and its parameters, written here
    instead of compiled by a queryset: the same statement (each value prepared by its field, ``None``
    as NULL). The webhook fast path prepares it before it takes the write lock."""
    meta = Generation._meta
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in _move_changes(move, now or timezone.now(), values).items():
        field = meta.get_field(name)
        prepared = field.get_db_prep_save(value, connection=connection)
        if prepared is None:
            assignments.append(f"{quote(field.column)} = NULL")
        else:
            assignments.append(f"{quote(field.column)} = %s")
            params.append(prepared)
    sources = ", ".join(["%s"] * len(move.sources))
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 (names are the model's)
        f"WHERE ({quote('status')} IN ({sources}) AND {quote('id')} = %s)"
    )
    return sql, [*params, *move.sources, pk]


def generation_move_execute(statement: tuple[str, list[Any]]) -> int:
    """Run a ``generation_move_statement``: the number of rows moved (0 or 1)."""
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- Starting -------------------------------------------------------------------------------------


def _webhook_url(generation: Generation) -> str | None:
    if not uploads.site_is_public():
        return None
    return f"{settings.BASE_URL}/api/webhooks/replicate?generation={generation.pk}"


def _own_asset(*, family: str, generation_id: int, output: int) -> Asset | None:
    generation = Generation.objects.filter(pk=generation_id, kind=family).first()
    if generation is None:
        return None
    if output:
        found = GenerationOutput.objects.filter(generation=generation, position=output).first()
        asset_id = found.asset_id if found is not None else None
    else:
        asset_id = generation.asset_id
    return Asset.objects.defer("data").filter(pk=asset_id).first() if asset_id is not None else None


def _fetchable_inputs(*, user: AbstractBaseUser, properties: dict[str, Any], inputs: dict[str, Any]) -> dict:
    """Replace links to our own stored files (`/api/images|videos|audio/{id}/data[?output=N]`) by URLs
    Replicate can fetch. An input whose name says which media it wants gets only that media."""
    resolved = dict(inputs)
    for name, value in inputs.items():
        if properties.get(name, {}).get("format") != "uri" or not isinstance(value, str):
            continue
        match = OWN_ASSET_URL.match(value)
        if not match:
            continue
        family = FAMILY_OF_PATH[match.group(1)]
        asset = _own_asset(family=family, generation_id=int(match.group(2)), output=int(match.group(3) or 0))
        if asset is None or not gallery_selectors.asset_is_visible_to(asset=asset, user=user):
            raise ServiceError(f"input.{name}: that {family} is not available to you.", status_code=422)
        wanted = [media for media in FAMILY_OF_PATH.values() if media in name.lower()]
        if wanted and family not in wanted:
            raise ServiceError(f"input.{name}: wants a {wanted[0]}, not a {family}.", status_code=422)
        resolved[name] = uploads.asset_fetchable_url(asset=asset)
    return resolved


def _lock_owner_in_flight(owner_id: int) -> int:
    """Lock the owner's row (serialising their starts), then count what they have in flight.

    Call inside ``transaction.atomic()``; two requests then cannot both slip under the cap.
    """
    user_row_lock(user_id=owner_id)
    return Generation.objects.filter(owner_id=owner_id, status__in=Generation.IN_FLIGHT).count()


def _lock_owner_under_cap(owner_id: int) -> None:
    """``_lock_owner_in_flight``, refusing with 429 when a new start would pass the in-flight cap."""
    in_flight = _lock_owner_in_flight(owner_id)
    if in_flight >= settings.GENERATION_MAX_IN_FLIGHT:
        raise ServiceError(
            f"You have {in_flight} generations in progress (the limit is {settings.GENERATION_MAX_IN_FLIGHT}); "
            "wait for one to finish.",
            status_code=429,
        )


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
        _lock_owner_under_cap(user.pk)
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


def _create_refused(exc: UpstreamError) -> ServiceError:
    """What the client is told when Replicate refused the create call."""
    message = str(exc)
    if exc.status == 429:
        return UpstreamRefused(
            f"Replicate is busy (rate limited); try again in {exc.retry_after or 10} seconds.",
            status_code=429,
            retry_after=exc.retry_after or 10,
        )
    if exc.status in (404, 422):
        return ServiceError(f"Replicate refused the inputs: {message}", status_code=422)
    return UpstreamRefused(f"Replicate is unavailable: {message}", status_code=502)


def _prediction_create(
    *, generation: Generation, upstream_inputs: dict[str, Any], version: str | None
) -> None:
    webhook = _webhook_url(generation)
    try:
        prediction = replicate_client.prediction_create(
            model_id=generation.model_id, version=version, inputs=upstream_inputs, webhook=webhook
        )
    except UpstreamError as exc:
        generation_move(Moves.CREATE_FAILED, pk=generation.pk, error=str(exc))
        raise _create_refused(exc) from exc
    generation_move(
        Moves.ACCEPTED,
        pk=generation.pk,
        prediction_id=prediction["id"],
        version=prediction.get("version") or generation.version,
        upstream_status=prediction["status"],
        webhook_requested=webhook is not None,
    )
    if prediction["status"] in {"succeeded", "failed", "canceled"}:
        generation.refresh_from_db()
        generation_apply_prediction(generation=generation, prediction=prediction)
    elif webhook is None:
        # No webhook will come: make sure a poller is running now, not at the next schedule tick.
        try:
            async_task(
                "media_gen.tasks.generation_poll_loop", task_name=f"poll after generation {generation.pk}"
            )
        except (RedisError, DatabaseError) as exc:
            # The prediction runs upstream already: answering 503 would invite a second one. The
            # persisted schedule (and the next worker start) polls it once the broker is back.
            logger.warning("generation %s started; its poll could not be queued: %s", generation.pk, exc)


# --- Following Replicate --------------------------------------------------------------------------


# Keys under which a model answering with an object puts its file (or its text).
_FILE_KEYS = ("url", "video", "image", "audio", "output")
_TEXT_KEYS = ("text", "caption", "output")


def output_kind(generation: Generation) -> str:
    """What ``generation``'s output is stored as: "image", "video", "audio" or "text" (its collection
    says; media_gen.collections)."""
    return collections.output_kind(family=generation.kind, slug=generation.collection)


def _is_file_url(value: Any) -> bool:
    """A string that is one URL (what a model sends for a file), not prose that mentions one."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.startswith(("https://", "http://", "data:")) and not any(c.isspace() for c in text)


def output_urls(output: Any) -> list[str]:
    """Every file URL of Replicate's output value, in the model's order (one per GenerationOutput)."""
    if isinstance(output, str):
        return [output] if _is_file_url(output) else []
    if isinstance(output, list):
        urls: list[str] = []
        for item in output:
            urls.extend(output_urls(item) if isinstance(item, dict) else [item] if _is_file_url(item) else [])
        return urls
    if isinstance(output, dict):
        # A known name first; else the first file it names (``{"audio_out": url}``), one file only:
        # the others of such an object are side files (a JSON of timings), not more outputs.
        named = [output.get(key) for key in _FILE_KEYS] + list(output.values())
        return next(([value] for value in named if _is_file_url(value)), [])
    return []


def _text_of(output: Any) -> str:
    """The text of a text model's output: a string, or the chunks it streamed (joined as sent)."""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(isinstance(item, str) for item in output):
        return "".join(output)
    if isinstance(output, dict):
        for key in _TEXT_KEYS:
            if isinstance(output.get(key), str):
                return output[key]
    return ""


def _text_refused(output: Any, *, collection: str) -> str | None:
    """Why a text model's output cannot be kept as text, or None when it can."""
    text = _text_of(output)
    if isinstance(output, dict) and text.strip() and not _is_file_url(text):
        return None  # an object with its text under a known name (other entries are extras)
    sent = [output] if not isinstance(output, list) else output
    files = [item for item in sent if _is_file_url(item) or (isinstance(item, dict) and output_urls(item))]
    if files:
        return (
            f"The model returned a file, but {collection or 'this collection'} produces text; "
            "nothing was stored."
        )
    if not text.strip():
        return "Replicate reported success but sent no text."
    return None


def _files_refused(output: Any, *, kind: str) -> str | None:
    """Why a file model's output has nothing to download, or None when it names files."""
    if output_urls(output):
        return None
    if _text_of(output).strip():
        return f"The model answered with text, but its collection produces {kind} files; nothing was stored."
    return "Replicate reported success but sent no output file."


def _upstream_error(upstream: str, error: Any) -> str:
    if upstream == "failed" and not error:
        return "The prediction failed on Replicate without an error message."
    if upstream == "aborted" and not error:
        return "Replicate aborted the prediction before it started (deadline passed)."
    return str(error or "")[:10_000]


def prediction_move(
    *, generation: Any, prediction: dict[str, Any], now: datetime
) -> tuple[Move, dict[str, Any]] | None:
    """The move (and its variable fields) that brings ``generation`` to what Replicate says, or None.

    Pure: reads ``generation.prediction_id``, ``.kind`` and ``.collection`` only (a model or the
    webhook fast path's row), writes nothing. After a ``Moves.SUCCEEDED`` that moved the row, the
    download is queued (``download_queue``).
    """
    if not generation.prediction_id or prediction.get("id") != generation.prediction_id:
        return None
    upstream = str(prediction.get("status") or "")
    if upstream in {"starting", "processing"}:
        return Moves.RUNNING, {"upstream_status": upstream}
    if upstream == "succeeded":
        return _success_move(generation=generation, prediction=prediction, now=now)
    if upstream in {"failed", "canceled", "aborted"}:
        move = Moves.UPSTREAM_CANCELED if upstream == "canceled" else Moves.UPSTREAM_FAILED
        return move, {
            "upstream_status": upstream,
            "error": _upstream_error(upstream, prediction.get("error")),
        }
    return None


def download_queue(generation_id: int, *, broker: Any = None) -> None:
    """Queue the download of a generation that ``Moves.SUCCEEDED`` just moved (on ``broker``, else
    django-q2's configured one)."""
    extra = {"broker": broker} if broker is not None else {}
    async_task(
        "media_gen.tasks.generation_download", generation_id, task_name=f"download {generation_id}", **extra
    )


def generation_apply_prediction(*, generation: Generation, prediction: dict[str, Any]) -> None:
    """Move the generation forward to what Replicate says (from a webhook or a poll)."""
    now = timezone.now()
    planned = prediction_move(generation=generation, prediction=prediction, now=now)
    if planned is None:
        return
    move, values = planned
    if generation_move(move, pk=generation.pk, now=now, **values) and move is Moves.SUCCEEDED:
        download_queue(generation.pk)


def _success_move(
    *, generation: Any, prediction: dict[str, Any], now: datetime
) -> tuple[Move, dict[str, Any]]:
    """Keep a text output in the record (done), or start downloading every file of the output."""
    output = prediction.get("output")
    kind = output_kind(generation)
    refused = (
        _text_refused(output, collection=generation.collection)
        if kind == collections.TEXT
        else _files_refused(output, kind=kind)
    )
    if refused is not None:
        return Moves.UPSTREAM_FAILED, {"upstream_status": "succeeded", "output": output, "error": refused}
    if kind == collections.TEXT:
        return Moves.TEXT_RECEIVED, {
            "upstream_status": "succeeded",
            "output": output,
            "text_output": _text_of(output),
        }
    return Moves.SUCCEEDED, {
        "upstream_status": "succeeded",
        "output": output,
        "output_url": output_urls(output)[0],
        "upstream_completed_at": parse_datetime(str(prediction.get("completed_at") or "")) or now,
        "download_next_at": now,
    }


def prediction_vanished(generation: Generation) -> dict[str, Any]:
    """What to apply when Replicate answers 404 for the prediction."""
    return {
        "id": generation.prediction_id,
        "status": "failed",
        "error": "Replicate no longer knows this prediction.",
    }


def generation_refresh(*, generation: Generation) -> Generation:
    """Ask Replicate about a running prediction now instead of waiting for the next poll."""
    if generation.status != Status.PROCESSING or not generation.prediction_id:
        raise ServiceError("Only a generation running on Replicate can be checked.", status_code=409)
    try:
        prediction = replicate_client.prediction_get(prediction_id=generation.prediction_id)
    except UpstreamError as exc:
        if exc.status != 404:
            raise UpstreamRefused(f"Could not reach Replicate: {exc}", status_code=502) from exc
        prediction = prediction_vanished(generation)
    generation_apply_prediction(generation=generation, prediction=prediction)
    generation.refresh_from_db()
    return generation


def generation_expire_stale(*, now: datetime | None = None) -> int:
    """Give up on rows Replicate never answered for (the create call or the run); how many failed.

    A job of its own (``media_gen.tasks.generation_expire_stale``), not part of the poll round.
    """
    now = now or timezone.now()
    pending = generation_move(Moves.PENDING_EXPIRED, where=Q(created_at__lt=now - PENDING_GIVE_UP), now=now)
    # A combine runs here, not on Replicate: combine_recover gives up on it with its own reason.
    processing = generation_move(
        Moves.PROCESSING_EXPIRED,
        where=Q(created_at__lt=now - PROCESSING_GIVE_UP) & ~Q(source_kind="combine"),
        now=now,
    )
    return pending + processing


# --- The owner's actions --------------------------------------------------------------------------


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
    if generation_move(Moves.CANCELED, pk=generation.pk):
        outputs_discard(generation_id=generation.pk)  # files a download had stored so far
    generation.refresh_from_db()
    return generation


def generation_output_fetchable(*, generation: Generation, now: datetime | None = None) -> bool:
    """Replicate still keeps the output (inside our download window) and we have no copy of it yet."""
    now = now or timezone.now()
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
    now = timezone.now()
    if generation.status == Status.DOWNLOADING and generation.asset_id is None:
        # Still trying on its own: make the next try due now (a claimed row is left to its worker).
        move = Moves.DOWNLOAD_NUDGED
    elif generation.status in (Status.FAILED, Status.CANCELED) and generation_output_fetchable(
        generation=generation, now=now
    ):
        move = Moves.DOWNLOAD_AGAIN
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
    if generation_move(move, pk=generation.pk, where=Q(asset__isnull=True), now=now, download_next_at=now):
        # Files that failed for good are tried again; the ones already stored are kept (not fetched twice).
        GenerationOutput.objects.filter(generation_id=generation.pk, asset__isnull=True).update(error="")
        async_task(
            "media_gen.tasks.generation_download", generation.pk, task_name=f"download {generation.pk}"
        )
    generation.refresh_from_db()
    return generation


def _source_upstream_inputs(generation: Generation) -> dict[str, Any]:
    """A generation made from a stored asset (``services.sources``) sends that asset again."""
    if not generation.source_input:
        return {}
    asset = (
        Asset.objects.filter(pk=generation.source_asset_id).first() if generation.source_asset_id else None
    )
    if asset is None:
        raise ServiceError(
            f"input.{generation.source_input}: the stored item this was made from is gone, "
            "so it cannot run again.",
            status_code=409,
        )
    return {generation.source_input: uploads.asset_fetchable_url(asset=asset)}


def generation_rerun(*, generation: Generation, user: AbstractBaseUser) -> Generation:
    """Run a failed or canceled generation again with the same inputs (a new prediction, same record)."""
    _may_change(generation=generation, user=user)
    if generation.status not in (Status.FAILED, Status.CANCELED):
        raise ServiceError("Only a failed or canceled generation can be run again.", status_code=409)
    if generation.source_kind == "combine":
        # Joined here by a job, not run on Replicate. Imported late: combine builds on these moves.
        from media_gen.services.combine import combine_retry

        return combine_retry(generation=generation, user=user)
    source_inputs = _source_upstream_inputs(generation)
    with transaction.atomic():
        in_flight = _lock_owner_in_flight(generation.owner_id)
        if in_flight >= settings.GENERATION_MAX_IN_FLIGHT:
            raise ServiceError(
                f"{in_flight} generations are in progress (the limit is {settings.GENERATION_MAX_IN_FLIGHT}).",
                status_code=429,
            )
        reset = generation_move(Moves.RERUN, pk=generation.pk, where=Q(status=generation.status))
    if not reset:
        raise ServiceError("This generation changed meanwhile; reload it.", status_code=409)
    outputs_discard(generation_id=generation.pk)  # the new prediction's files replace the old ones
    owner, _, name = generation.model_id.partition("/")
    schema = catalogue.catalogue_schema(owner=owner, name=name)
    upstream_inputs = _fetchable_inputs(
        user=generation.owner, properties=schema["input_schema"], inputs=generation.inputs
    )
    upstream_inputs.update(source_inputs)
    _prediction_create(
        generation=generation, upstream_inputs=upstream_inputs, version=generation.version or None
    )
    generation.refresh_from_db()
    return generation


def generation_delete(*, generation: Generation, user: AbstractBaseUser) -> None:
    """Delete the record and its stored output; cancel upstream first if it is still running."""
    _may_change(generation=generation, user=user)
    if generation.status == Status.PROCESSING and generation.prediction_id:
        try:
            replicate_client.prediction_cancel(prediction_id=generation.prediction_id)
        except UpstreamError as exc:
            logger.info("cancel before delete of %s failed: %s", generation.pk, exc)
    with transaction.atomic():
        assets = list(Asset.objects.filter(pk__in=_output_asset_ids([generation.pk], generation.asset_id)))
        frame = _frame_made_for(generation)
        generation.delete()
        for asset in assets:
            gallery_services.asset_delete(asset=asset)
        if frame is not None and not Generation.objects.filter(source_asset=frame).exists():
            gallery_services.asset_delete(asset=frame)


def _output_asset_ids(generation_ids: list[int], *also: int | None) -> set[int]:
    """The stored files of these generations' outputs (every position), plus ``also``."""
    stored = GenerationOutput.objects.filter(generation_id__in=generation_ids, asset__isnull=False)
    return {*stored.values_list("asset_id", flat=True), *(pk for pk in also if pk is not None)}


def outputs_discard(*, generation_id: int) -> None:
    """Delete the files stored for a generation's outputs and forget its output rows: a re-run, a
    cancel, or an output refused as a whole (a wrong type) leaves nothing stored."""
    with transaction.atomic():
        assets = list(Asset.objects.filter(pk__in=_output_asset_ids([generation_id])))
        GenerationOutput.objects.filter(generation_id=generation_id).delete()
        Generation.objects.filter(pk=generation_id, asset__in=assets).update(asset=None)
        for asset in assets:
            gallery_services.asset_delete(asset=asset)


def _frame_made_for(generation: Generation) -> Asset | None:
    """The upload made only to be this generation's input (a render's frame), which goes with it;
    a source that lives on its own (the render's video) stays."""
    if not generation.source_kind or generation.source_asset_id is None:
        return None
    return Asset.objects.filter(pk=generation.source_asset_id, kind=Asset.Kind.UPLOAD).first()


def generation_set_favorite(*, generation: Generation, user: AbstractBaseUser, favorite: bool) -> Generation:
    if generation.owner_id != user.pk:
        raise ServiceError("Only the owner can change favourites.", status_code=403)
    generation_move(Moves.MARKED, pk=generation.pk, favorite=favorite)
    # Every output file, not only the first: retention keeps favourite assets only.
    for asset in Asset.objects.filter(pk__in=_output_asset_ids([generation.pk], generation.asset_id)):
        gallery_services.asset_set_favorite(asset=asset, favorite=favorite)
    generation.refresh_from_db()
    return generation


def generation_prune_before(*, cutoff: datetime) -> int:
    """Retention hook: delete generations without a stored output, older than ``cutoff``, never favourites."""
    stale = Generation.objects.filter(
        created_at__lt=cutoff, asset__isnull=True, favorite=False, status__in=Generation.FINAL
    )
    with transaction.atomic():
        # A row's output files go with it (a failed multi-file run may have kept none, but never leaves one behind).
        orphans = list(
            Asset.objects.filter(pk__in=_output_asset_ids(list(stale.values_list("pk", flat=True))))
        )
        _, per_model = stale.delete()
        for asset in orphans:
            gallery_services.asset_delete(asset=asset)
    return per_model.get(Generation._meta.label, 0)
