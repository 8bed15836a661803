"""The one seam to Replicate (or, in demo mode and tests, the built-in emulator).

Everything else in the project calls these functions and gets plain dicts back or an
`UpstreamError`; nothing outside this module sees HTTP or the `replicate` package.
"""

import functools
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import replicate
from django.conf import settings
from replicate.exceptions import ReplicateError

REPLICATE_URL = "https://api.replicate.com"
EMULATOR_URL = "http://127.0.0.1:8765"
# The client retries GETs on 429/503/504 honouring Retry-After without a cap; a web request must not
# hang for minutes, so reads give up after this many tries and waits.
READ_MAX_ATTEMPTS = 3
READ_MAX_WAIT_SECONDS = 5.0
TIMEOUT = httpx.Timeout(20.0, connect=5.0, pool=10.0)


@dataclass
class UpstreamError(Exception):
    """Replicate refused or could not be reached. `status` is None when nothing answered."""

    message: str
    status: int | None = None
    retry_after: int | None = None

    def __str__(self) -> str:
        return self.message


def base_url() -> str:
    if settings.REPLICATE_BASE_URL:
        return settings.REPLICATE_BASE_URL.rstrip("/")
    return EMULATOR_URL if settings.REPLICATE_DEMO_MODE else REPLICATE_URL


def base_host() -> str:
    """host[:port] of the upstream, so downloads can trust the emulator in demo mode and tests."""
    return urlsplit(base_url()).netloc.lower()


_last_response = threading.local()


def _remember_retry_after(response: httpx.Response) -> None:
    # ReplicateError drops the headers; keep Retry-After of the last answer on this thread.
    _last_response.retry_after = response.headers.get("Retry-After")


def _bound_timeout(request: httpx.Request) -> None:
    # The package sends creates with timeout=None (no limit at all) unless Prefer: wait is asked
    # for; a create that never answers must not hold a web request or a worker for ever.
    limits = TIMEOUT.as_dict()
    timeout = request.extensions.get("timeout") or {}
    request.extensions["timeout"] = {
        name: limits[name] if timeout.get(name) is None else timeout[name] for name in limits
    }


@functools.lru_cache(maxsize=8)
def _client(token: str, url: str) -> replicate.Client:
    client = replicate.Client(
        api_token=token or "demo-mode",
        base_url=url,
        timeout=TIMEOUT,
        event_hooks={"request": [_bound_timeout], "response": [_remember_retry_after]},
    )
    retry = client._client._transport  # the package's RetryTransport around httpx's transport
    retry.max_attempts = READ_MAX_ATTEMPTS
    original_sleep = retry._calculate_sleep
    retry._calculate_sleep = lambda attempts, headers: min(
        original_sleep(attempts, headers), READ_MAX_WAIT_SECONDS
    )
    return client


def client() -> replicate.Client:
    return _client(settings.REPLICATE_API_TOKEN, base_url())


def _error(exc: Exception) -> UpstreamError:
    if isinstance(exc, ReplicateError):
        status = exc.status or 502
        detail = (exc.detail or exc.title or "no detail").strip()
        header = getattr(_last_response, "retry_after", None) or ""
        retry_after = int(header) if header.isdigit() else None
        if status == 429:
            return UpstreamError(f"Replicate is rate limiting requests: {detail}", status, retry_after or 10)
        return UpstreamError(f"Replicate answered {status}: {detail}", status, retry_after)
    return UpstreamError(f"Replicate could not be reached: {exc.__class__.__name__}: {exc}".strip(), None)


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ReplicateError as exc:
        raise _error(exc) from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise _error(exc) from exc


def _model_json(model: Any) -> dict[str, Any]:
    version = model.latest_version
    return {
        "id": f"{model.owner}/{model.name}",
        "owner": model.owner,
        "name": model.name,
        "description": model.description or "",
        "url": model.url,
        "cover_image_url": model.cover_image_url,
        "run_count": model.run_count or 0,
        "latest_version": version.id if version else None,
        "openapi_schema": version.openapi_schema if version else None,
    }


def collection_get(*, slug: str) -> dict[str, Any]:
    collection = _call(client().collections.get, slug)
    return {
        "slug": collection.slug,
        "name": collection.name,
        "description": collection.description,
        "models": [_model_json(model) for model in collection.models or []],
    }


def model_get(*, owner: str, name: str) -> dict[str, Any]:
    return _model_json(_call(client().models.get, f"{owner}/{name}"))


def models_list(*, cursor: str | None = None, query: str = "") -> dict[str, Any]:
    models = client().models
    page = _call(models.search, query) if query else _call(models.list, cursor if cursor else ...)
    return {"results": [_model_json(model) for model in page.results], "next": page.next}


def _prediction_json(prediction: Any) -> dict[str, Any]:
    return {
        "id": prediction.id,
        "model": prediction.model,
        "version": prediction.version,
        "status": prediction.status,
        "output": prediction.output,
        "error": prediction.error,
        "logs": prediction.logs,
        "created_at": prediction.created_at,
        "started_at": prediction.started_at,
        "completed_at": prediction.completed_at,
        "metrics": prediction.metrics,
    }


def prediction_create(
    *, model_id: str, version: str | None, inputs: dict[str, Any], webhook: str | None
) -> dict[str, Any]:
    """Create a prediction by version when one is given, else through the model's own endpoint.

    The client never retries a create (a retry could run the model twice), and neither do we.
    """
    params: dict[str, Any] = {}
    if webhook:
        params = {"webhook": webhook, "webhook_events_filter": ["completed"]}
    predictions = client().predictions
    if version:
        prediction = _call(predictions.create, version=version, input=inputs, **params)
    else:
        prediction = _call(predictions.create, model=model_id, input=inputs, **params)
    return _prediction_json(prediction)


def prediction_get(*, prediction_id: str) -> dict[str, Any]:
    return _prediction_json(_call(client().predictions.get, prediction_id))


def prediction_cancel(*, prediction_id: str) -> dict[str, Any]:
    return _prediction_json(_call(client().predictions.cancel, prediction_id))


def webhook_secret() -> str:
    """The account's default webhook signing secret, "whsec_<base64>"."""
    return _call(client().webhooks.default.secret).key
