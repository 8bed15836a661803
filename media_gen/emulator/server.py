"""A Replicate emulator: a real HTTP server speaking the parts of Replicate's REST API we use.

Run it with `manage.py replicate_emulator`, or start it in-process on a free port:

    with Emulator(EmulatorConfig(start_delay=0.02, run_delay=0.05)) as emulator:
        client = replicate.Client(api_token="demo", base_url=emulator.url)

Faults are switched on with `emulator.set_faults(...)` or `POST /_emulator/faults` (JSON with the
fields of `Faults`); `POST /_emulator/reset` clears them.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from media_gen.emulator import geometry, kinds, media
from media_gen.emulator.catalogue import COLLECTIONS, MODELS, MODELS_BY_ID, MODELS_BY_VERSION, EmulatedModel
from media_gen.emulator.kinds import INPUT_IMAGE_MAX_BYTES

logger = logging.getLogger(__name__)

TERMINAL = {"succeeded", "failed", "canceled"}
ALL_EVENTS = ("start", "output", "logs", "completed")
MODELS_PAGE_SIZE = 5


@dataclass
class Faults:
    """Switchable misbehaviour. Counters apply to the next N requests or predictions."""

    rate_limit: int = 0  # next N API requests answer 429 with Retry-After
    retry_after: int = 1
    server_error: int = 0  # next N API requests answer server_error_status
    server_error_status: int = 500
    slow_seconds: float = 0.0  # every API answer waits this long first
    fail_predictions: int = 0  # next N predictions end "failed" with fail_error
    fail_error: str = "CUDA out of memory. Tried to allocate 2.00 GiB"
    output_ttl_seconds: float = 3600.0  # output files answer 404 this long after completion
    duplicate_webhooks: int = 0  # each webhook is delivered this many extra times, same webhook-id
    file_failures: int = 0  # next N output downloads answer 500
    oversize_output_bytes: int = 0  # pad every output file to this size
    wrong_type_output: bool = False  # output files hold HTML instead of media
    output_url_override: str = ""  # every output URL is replaced by this one
    redirect_output_to: str = ""  # output downloads answer 302 to this URL
    file_bytes_per_second: int = 0  # output downloads trickle at this rate (0: as fast as possible)


@dataclass
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0 picks a free port
    start_delay: float = 0.5  # seconds in "starting"
    run_delay: float = 2.0  # seconds in "processing"
    image_size: tuple[int, int] = (256, 256)
    video_size: tuple[int, int] = (160, 96)
    video_frames: int = 12
    video_fps: int = 8
    webhook_mode: str = "deliver"  # "deliver" POSTs webhooks; "record" keeps them in `outbox`
    webhook_secret: str = ""  # "whsec_<base64>"; generated when empty
    api_token: str = ""  # when set, requests must carry "Authorization: Bearer <api_token>"
    # List the test doubles (models whose output the app must refuse) in collections and model
    # listings; off, they still run by id but demo mode's model picker does not offer them.
    list_test_doubles: bool = False
    faults: Faults = field(default_factory=Faults)


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def webhook_signature(*, secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """Replicate's (Standard Webhooks) signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass
class WebhookDelivery:
    url: str
    headers: dict[str, str]
    body: bytes
    event: str


@dataclass
class _Prediction:
    id: str
    model: EmulatedModel
    input: dict[str, Any]
    webhook: str | None
    events: tuple[str, ...]
    status: str = "starting"
    output: Any = None
    error: str | None = None
    logs: str = ""
    created_at: str = field(default_factory=_now_iso)
    started_at: str | None = None
    completed_at: str | None = None
    completed_monotonic: float | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    text: str | list[str] | None = None  # the answer of a text model: a string, or its tokens
    will_fail: str | None = None

    def as_json(self, base_url: str) -> dict[str, Any]:
        metrics = {}
        if self.status == "succeeded":
            metrics = {"predict_time": 0.05, "total_time": 0.1}
        return {
            "id": self.id,
            "model": self.model.id,
            "version": self.model.version_id,
            "input": self.input,
            "logs": self.logs,
            "output": self.output,
            "data_removed": False,
            "error": self.error,
            "status": self.status,
            "source": "api",
            "created_at": self.created_at,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "metrics": metrics,
            "urls": {
                "get": f"{base_url}/v1/predictions/{self.id}",
                "cancel": f"{base_url}/v1/predictions/{self.id}/cancel",
                "web": f"https://replicate.com/p/{self.id}",
            },
        }


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None):
        self.config = config or EmulatorConfig()
        self.faults = self.config.faults
        self.secret = (
            self.config.webhook_secret or "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        )
        self.predictions: dict[str, _Prediction] = {}
        self.outbox: list[WebhookDelivery] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API request
        self.lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._workers: list[threading.Thread] = []

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the emulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "Emulator":
        handler = type("BoundHandler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer((self.config.host, self.config.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="replicate-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def listed(self, models: Iterable[EmulatedModel]) -> list[EmulatedModel]:
        """The models a listing shows: test doubles only when the config lists them."""
        return [m for m in models if self.config.list_test_doubles or not m.test_double]

    # --- control --------------------------------------------------------------------------------
    def set_faults(self, **changes: Any) -> None:
        known = {f.name for f in fields(Faults)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"Unknown faults: {sorted(unknown)}")
        with self.lock:
            for name, value in changes.items():
                setattr(self.faults, name, value)

    def reset(self) -> None:
        with self.lock:
            self.faults = self.config.faults = Faults()
            self.outbox.clear()
            self.requests.clear()

    def wait_for(self, prediction_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
        """Block until the prediction is final; returns its JSON."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.predictions[prediction_id].status not in TERMINAL:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"prediction {prediction_id} still {self.predictions[prediction_id].status}"
                    )
                self.lock.wait(remaining)
            return self.predictions[prediction_id].as_json(self.url)

    def wait_idle(self, *, timeout: float = 10.0) -> None:
        for prediction_id in list(self.predictions):
            self.wait_for(prediction_id, timeout=timeout)
        for worker in list(self._workers):
            worker.join(timeout)

    def take_webhooks(self) -> list[WebhookDelivery]:
        """Recorded deliveries (webhook_mode="record"), oldest first; the outbox is emptied."""
        with self.lock:
            taken, self.outbox[:] = list(self.outbox), []
            return taken

    def signed_headers(
        self, body: bytes, *, webhook_id: str | None = None, timestamp: int | None = None
    ) -> dict:
        webhook_id = webhook_id or "msg_" + secrets.token_hex(12)
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "webhook-id": webhook_id,
            "webhook-timestamp": stamp,
            "webhook-signature": webhook_signature(
                secret=self.secret, webhook_id=webhook_id, timestamp=stamp, body=body
            ),
        }

    # --- predictions ----------------------------------------------------------------------------
    def create_prediction(self, model: EmulatedModel, body: dict[str, Any]) -> _Prediction:
        events = tuple(body.get("webhook_events_filter") or ALL_EVENTS)
        prediction = _Prediction(
            id=base64.b32encode(secrets.token_bytes(20)).decode().lower()[:26],
            model=model,
            input=body.get("input") or {},
            webhook=body.get("webhook"),
            events=events,
        )
        with self.lock:
            if self.faults.fail_predictions > 0:
                self.faults.fail_predictions -= 1
                prediction.will_fail = self.faults.fail_error
            self.predictions[prediction.id] = prediction
        self._emit(prediction, "start")
        worker = threading.Thread(target=self._run, args=(prediction,), daemon=True)
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()
        return prediction

    def cancel_prediction(self, prediction: _Prediction) -> None:
        with self.lock:
            if prediction.status in TERMINAL:
                return
            prediction.status = "canceled"
            prediction.completed_at = _now_iso()
            prediction.completed_monotonic = time.monotonic()
            self.lock.notify_all()
        self._emit(prediction, "completed")

    def _run(self, prediction: _Prediction) -> None:
        time.sleep(self.config.start_delay)
        with self.lock:
            if prediction.status in TERMINAL:
                return
            prediction.status = "processing"
            prediction.started_at = _now_iso()
            prediction.logs = f"Using seed: {self._seed(prediction)}\n"
            self.lock.notify_all()
        self._emit(prediction, "logs")
        time.sleep(self.config.run_delay)
        if prediction.will_fail is None:
            try:
                if prediction.model.task == "generate":
                    files, text = self._make_files(prediction), None
                else:
                    outcome = kinds.run(
                        prediction.model,
                        prediction.input,
                        seed=self._seed(prediction),
                        fetch=self._fetch_input,
                    )
                    files = [(fmt, self._faulted(data)) for fmt, data in outcome.files]
                    text = outcome.tokens if outcome.tokens is not None else outcome.text
            except (RuntimeError, OSError, ValueError) as exc:
                prediction.will_fail = f"Prediction failed: {exc}"
        with self.lock:
            if prediction.status in TERMINAL:
                return
            if prediction.will_fail is not None:
                prediction.status = "failed"
                prediction.error = prediction.will_fail
                prediction.logs += "Traceback (most recent call last):\n" + prediction.will_fail + "\n"
            else:
                prediction.files, prediction.text = files, text
                prediction.output = self._output_value(prediction)
                prediction.status = "succeeded"
                prediction.logs += "100%|##########| done\n"
            prediction.completed_at = _now_iso()
            prediction.completed_monotonic = time.monotonic()
            self.lock.notify_all()
        self._emit(prediction, "completed")

    @staticmethod
    def _seed(prediction: _Prediction) -> int:
        seed = prediction.input.get("seed")
        if isinstance(seed, int):
            return seed
        return int.from_bytes(hashlib.sha256(prediction.id.encode()).digest()[:4], "big")

    def _input_image(self, prediction: _Prediction) -> Any:
        for name, spec in prediction.model.properties.items():
            value = prediction.input.get(name)
            if spec.get("format") == "uri" and isinstance(value, str) and value:
                data = self._fetch_input(value)
                if data:
                    return media.load_image(data)
        return None

    def _input_video(self, prediction: _Prediction) -> bytes | None:
        """The MP4 a video-to-video model was given (a uri input named like a video), if any."""
        for name, spec in prediction.model.properties.items():
            value = prediction.input.get(name)
            if spec.get("format") == "uri" and "video" in name and isinstance(value, str) and value:
                data = self._fetch_input(value)
                if data and media.is_mp4(data):
                    return data
        return None

    @staticmethod
    def _fetch_input(value: str, max_bytes: int = INPUT_IMAGE_MAX_BYTES) -> bytes | None:
        if value.startswith("data:"):
            _, _, encoded = value.partition(",")
            try:
                return base64.b64decode(encoded)
            except ValueError:
                return None
        if value.startswith(("http://", "https://")):
            try:
                with httpx.stream("GET", value, timeout=5, follow_redirects=True) as response:
                    if response.status_code != 200:
                        return None
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            return None
                        chunks.append(chunk)
                    return b"".join(chunks)
            except httpx.HTTPError:
                return None
        return None

    def _make_files(self, prediction: _Prediction) -> list[tuple[str, bytes]]:
        model = prediction.model
        prompt = str(prediction.input.get("prompt") or model.description)
        seed = self._seed(prediction)
        count = 1
        if model.output == "list":
            requested = prediction.input.get("num_outputs", 1)
            count = max(1, min(int(requested), 4)) if isinstance(requested, int) else 1
        source_video = self._input_video(prediction) if model.media == "video" else None
        background = None if source_video else self._input_image(prediction)
        file_format = model.file_format
        if model.media == "image":
            requested_format = prediction.input.get("output_format")
            if requested_format in media.PIL_FORMATS:
                file_format = "jpeg" if requested_format == "jpg" else requested_format
        config, inputs = self.config, prediction.input
        image_size = geometry.image_size(model, inputs, base=config.image_size)
        video = geometry.video_shape(
            model,
            inputs,
            base=config.video_size,
            frames=config.video_frames,
            fps=config.video_fps,
            start_image=background,
        )
        files = []
        for index in range(count):
            if model.media == "image":
                data = media.image_bytes(
                    prompt=prompt,
                    seed=seed + index,
                    size=image_size,
                    file_format=file_format,
                    background=background,
                )
            elif source_video is not None:
                # A video-to-video model restyles its input: same size, frames and rate.
                data = media.video_restyled(data=source_video, style=str(inputs.get("style") or ""))
            elif background is not None:
                # An image-to-video model animates its start image, which is the first frame.
                data = media.video_from_image(
                    image=background, size=(video.width, video.height), frames=video.frames, fps=video.fps
                )
            else:
                data = media.video_bytes(
                    prompt=prompt,
                    seed=seed + index,
                    size=(video.width, video.height),
                    frames=video.frames,
                    fps=video.fps,
                    background=background,
                )
            files.append((file_format, self._faulted(data)))
        return files

    def _faulted(self, data: bytes) -> bytes:
        """An output file as the switched-on faults spoil it (HTML instead of media, padding)."""
        if self.faults.wrong_type_output:
            data = b"<!DOCTYPE html><html><body><h1>Not an image</h1></body></html>\n"
        if self.faults.oversize_output_bytes > len(data):
            data += b"\0" * (self.faults.oversize_output_bytes - len(data))
        return data

    def _output_value(self, prediction: _Prediction) -> Any:
        if prediction.model.output in {"text", "tokens"}:
            return prediction.text
        if self.faults.output_url_override:
            urls = [self.faults.output_url_override for _ in prediction.files]
        else:
            urls = [
                f"{self.url}/files/{prediction.id}/{i}.{fmt}" for i, (fmt, _) in enumerate(prediction.files)
            ]
        if prediction.model.output == "list":
            return urls
        if prediction.model.output == "data_url" and not self.faults.output_url_override:
            file_format, data = prediction.files[0]
            return f"data:{media.CONTENT_TYPES[file_format]};base64,{base64.b64encode(data).decode()}"
        return urls[0]

    # --- webhooks -------------------------------------------------------------------------------
    def _emit(self, prediction: _Prediction, event: str) -> None:
        if not prediction.webhook or event not in prediction.events:
            return
        with self.lock:
            body = json.dumps(prediction.as_json(self.url)).encode()
            copies = 1 + max(0, self.faults.duplicate_webhooks)
        headers = {"content-type": "application/json", **self.signed_headers(body)}
        delivery = WebhookDelivery(url=prediction.webhook, headers=headers, body=body, event=event)
        if self.config.webhook_mode == "record":
            with self.lock:
                self.outbox.extend([delivery] * copies)
                self.lock.notify_all()
            return
        for _ in range(copies):
            threading.Thread(target=self._deliver, args=(delivery,), daemon=True).start()

    @staticmethod
    def _deliver(delivery: WebhookDelivery) -> None:
        # Replicate retries failed deliveries with back-off; three tries are enough for a local emulator.
        for attempt in range(3):
            try:
                response = httpx.post(
                    delivery.url, content=delivery.body, headers=delivery.headers, timeout=10
                )
                if response.status_code < 500:
                    return
            except httpx.HTTPError as exc:
                logger.info("webhook delivery to %s failed: %s", delivery.url, exc)
            time.sleep(0.5 * 2**attempt)


class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"
    server_version = "ReplicateEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("emulator: " + format, *args)

    # --- plumbing -------------------------------------------------------------------------------
    def _send(self, status: int, payload: Any = None, *, headers: dict[str, str] | None = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _problem(self, status: int, detail: str, *, headers: dict[str, str] | None = None) -> None:
        titles = {
            400: "Bad request",
            401: "Unauthenticated",
            404: "Not found",
            422: "Input validation failed",
            429: "Too many requests",
            500: "Internal server error",
            502: "Bad gateway",
            503: "Service unavailable",
        }
        self._send(
            status,
            {"title": titles.get(status, "Error"), "detail": detail, "status": status},
            headers=headers,
        )

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self._body() or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_QUERY(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        emulator = self.emulator
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] == ["files"]:
            return self._file(parts[1:])
        if parts[:1] == ["covers"]:
            return self._cover(parts[1:])
        if parts[:1] == ["_emulator"]:
            return self._control(parts[1:])
        if parts[:1] != ["v1"]:
            return self._problem(404, "Not found")
        if (
            emulator.config.api_token
            and self.headers.get("Authorization") != f"Bearer {emulator.config.api_token}"
        ):
            return self._problem(401, "You did not pass a valid authentication token")
        with emulator.lock:
            emulator.requests.append((self.command, url.path))
            faults = emulator.faults
            slow = faults.slow_seconds
            refusal: tuple[int, dict[str, str]] | None = None
            if faults.rate_limit > 0:
                faults.rate_limit -= 1
                refusal = (429, {"Retry-After": str(faults.retry_after)})
            elif faults.server_error > 0:
                faults.server_error -= 1
                refusal = (faults.server_error_status, {})
        if slow:
            time.sleep(slow)
        if refusal is not None:
            status, headers = refusal
            if status == 429:
                self._body()
                return self._problem(
                    429, "Request was throttled. Expected available in 1 second.", headers=headers
                )
            self._body()
            return self._problem(status, "The server had an error while processing your request.")
        self._api(parts[1:], parse_qs(url.query))

    # --- the REST API ---------------------------------------------------------------------------
    def _api(self, parts: list[str], query: dict[str, list[str]]) -> None:
        emulator = self.emulator
        method = self.command
        base = emulator.url
        if parts == ["account"] and method == "GET":
            return self._send(
                200, {"type": "organization", "username": "demo", "name": "Demo", "github_url": None}
            )
        if parts == ["collections"] and method == "GET":
            results = [
                {"name": c["name"], "slug": slug, "description": c["description"]}
                for slug, c in COLLECTIONS.items()
            ]
            return self._send(200, {"next": None, "previous": None, "results": results})
        if len(parts) == 2 and parts[0] == "collections" and method == "GET":
            collection = COLLECTIONS.get(parts[1])
            if collection is None:
                return self._problem(404, "Collection not found")
            listed = emulator.listed(MODELS_BY_ID[model_id] for model_id in collection["models"])
            models = [model.as_json(base) for model in listed]
            return self._send(
                200,
                {**{k: collection[k] for k in ("name", "description")}, "slug": parts[1], "models": models},
            )
        if parts == ["models"] and method == "GET":
            start = int((query.get("cursor") or ["0"])[0] or 0)
            listed = emulator.listed(MODELS)
            page = listed[start : start + MODELS_PAGE_SIZE]
            following = start + MODELS_PAGE_SIZE
            return self._send(
                200,
                {
                    "next": f"{base}/v1/models?cursor={following}" if following < len(listed) else None,
                    "previous": f"{base}/v1/models?cursor={max(0, start - MODELS_PAGE_SIZE)}"
                    if start
                    else None,
                    "results": [model.as_json(base) for model in page],
                },
            )
        if parts == ["models"] and method == "QUERY":
            needle = self._body().decode(errors="replace").strip().lower()
            hits = [m for m in emulator.listed(MODELS) if needle in f"{m.id} {m.description}".lower()]
            return self._send(
                200, {"next": None, "previous": None, "results": [m.as_json(base) for m in hits]}
            )
        if len(parts) >= 3 and parts[0] == "models":
            model = MODELS_BY_ID.get(f"{parts[1]}/{parts[2]}")
            if model is None:
                return self._problem(404, "The requested resource could not be found.")
            if len(parts) == 3 and method == "GET":
                return self._send(200, model.as_json(base))
            if len(parts) == 5 and parts[3] == "versions" and method == "GET":
                if parts[4] != model.version_id:
                    return self._problem(404, "Version not found")
                return self._send(200, model.as_json(base)["latest_version"])
            if parts[3:] == ["predictions"] and method == "POST":
                return self._create(model)
        if parts == ["predictions"] and method == "POST":
            return self._create(None)
        if len(parts) >= 2 and parts[0] == "predictions":
            prediction = emulator.predictions.get(parts[1])
            if prediction is None:
                return self._problem(404, "Prediction not found")
            if len(parts) == 2 and method == "GET":
                with emulator.lock:
                    return self._send(200, prediction.as_json(base))
            if parts[2:] == ["cancel"] and method == "POST":
                self._body()
                emulator.cancel_prediction(prediction)
                with emulator.lock:
                    return self._send(200, prediction.as_json(base))
        if parts == ["webhooks", "default", "secret"] and method == "GET":
            return self._send(200, {"key": emulator.secret})
        return self._problem(404, "The requested resource could not be found.")

    def _create(self, model: EmulatedModel | None) -> None:
        emulator = self.emulator
        body = self._json_body()
        if body is None:
            return self._problem(400, "The request body is not a JSON object.")
        if model is None:
            model = MODELS_BY_VERSION.get(str(body.get("version", "")).split(":")[-1])
            if model is None:
                return self._problem(422, "Invalid version or not permitted")
        inputs = body.get("input")
        if not isinstance(inputs, dict):
            return self._problem(422, "- input: Invalid type. Expected: object")
        missing = [name for name in model.required if name not in inputs]
        if missing:
            return self._problem(422, "".join(f"- input: {name} is required\n" for name in missing).strip())
        # The newer demo models check their inputs as Replicate does (422 at create); the older ones
        # keep their lenience, which tests and the web app rely on.
        problems = kinds.validate(model, inputs) if model.task != "generate" else []
        if problems:
            return self._problem(422, "\n".join(problems))
        webhook = body.get("webhook")
        if webhook is not None and not (
            isinstance(webhook, str) and webhook.startswith(("http://", "https://"))
        ):
            return self._problem(422, "- webhook: Does not match format 'uri'")
        prediction = emulator.create_prediction(model, body)
        wait = self._prefer_wait()
        if wait:
            deadline = time.monotonic() + wait
            with emulator.lock:
                while prediction.status not in TERMINAL and time.monotonic() < deadline:
                    emulator.lock.wait(deadline - time.monotonic())
        with emulator.lock:
            payload = prediction.as_json(emulator.url)
        self._send(201, payload, headers={"Location": payload["urls"]["get"]})

    def _prefer_wait(self) -> float:
        prefer = (self.headers.get("Prefer") or "").strip()
        if prefer == "wait":
            return 60.0
        if prefer.startswith("wait="):
            try:
                return float(min(max(int(prefer[5:]), 1), 60))
            except ValueError:
                return 0.0
        return 0.0

    # --- output files ---------------------------------------------------------------------------
    def _file(self, parts: list[str]) -> None:
        emulator = self.emulator
        if len(parts) != 2:
            return self._problem(404, "Not found")
        prediction = emulator.predictions.get(parts[0])
        index_text = parts[1].split(".")[0]
        if prediction is None or not index_text.isdigit() or int(index_text) >= len(prediction.files):
            return self._problem(404, "Not found")
        with emulator.lock:
            faults = emulator.faults
            expired = (
                prediction.completed_monotonic is not None
                and time.monotonic() - prediction.completed_monotonic > faults.output_ttl_seconds
            )
            failing = faults.file_failures > 0
            if failing:
                faults.file_failures -= 1
            redirect = faults.redirect_output_to
            rate = faults.file_bytes_per_second
        if expired:
            return self._problem(404, "This file has been deleted")
        if failing:
            return self._problem(500, "Internal server error")
        if redirect:
            return self._send(302, None, headers={"Location": redirect})
        file_format, data = prediction.files[int(index_text)]
        self.send_response(200)
        self.send_header("Content-Type", media.CONTENT_TYPES[file_format])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if rate <= 0:
            self.wfile.write(data)
            return
        # A slow delivery host: slices every 50 ms, so a client can watch its progress.
        step = max(1, rate // 20)
        for start in range(0, len(data), step):
            self.wfile.write(data[start : start + step])
            self.wfile.flush()
            time.sleep(0.05)

    def _cover(self, parts: list[str]) -> None:
        model_id = "/".join(parts).removesuffix(".webp")
        if model_id not in MODELS_BY_ID:
            return self._problem(404, "Not found")
        data = media.cover_bytes(model_id)
        self.send_response(200)
        self.send_header("Content-Type", "image/webp")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "public, max-age=86400")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # --- control --------------------------------------------------------------------------------
    def _control(self, parts: list[str]) -> None:
        emulator = self.emulator
        if parts == ["faults"] and self.command == "POST":
            changes = self._json_body()
            if changes is None:
                return self._problem(400, "Send a JSON object of faults.")
            try:
                emulator.set_faults(**changes)
            except (ValueError, TypeError) as exc:
                return self._problem(400, str(exc))
            return self._send(200, asdict(emulator.faults))
        if parts == ["reset"] and self.command == "POST":
            self._body()
            emulator.reset()
            return self._send(200, asdict(emulator.faults))
        if parts == ["state"] and self.command == "GET":
            with emulator.lock:
                return self._send(
                    200,
                    {
                        "faults": asdict(emulator.faults),
                        "predictions": {pid: p.status for pid, p in emulator.predictions.items()},
                        "outbox": len(emulator.outbox),
                    },
                )
        return self._problem(404, "Not found")
