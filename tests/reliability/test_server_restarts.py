"""Issue 17, item 2: the real servers restarted while work is in flight. The app runs as it does in
production (``scripts/serve http``, i.e. granian, and ``manage.py qcluster`` child processes)
against servers of its own: a throwaway PostgreSQL cluster stopped and started with pg_ctl, and the
web server killed mid-upload and mid-stream. Requests during an outage get 503 with Retry-After,
never a 500 or a hang; the worker reconnects by itself; every item completes once; nothing is
stored twice or orphaned.

These tests start their own servers, so they run once per suite run (the SQLite pass) and are
skipped on the PostgreSQL pass. Their numbers are in tests/reliability/README.md.
"""

import hashlib
import http.client
import io
import json
import shutil
import time
from email.message import Message

import pytest
from django.core import signing
from django.db import connection
from PIL import Image

from media_gen import uploads
from tests.reliability.servers import App, ThrowawayPostgres, ThrowawayRedis, postgres_available

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="starts its own servers: runs once, on the SQLite pass"
)
MODEL = "black-forest-labs/flux-schnell"
GENERATIONS = 4


def app_env(emulator, **extra: str) -> dict[str, str]:
    return {
        "REPLICATE_BASE_URL": emulator.url,
        "REPLICATE_API_TOKEN": "",
        "GENERATION_POLL_SECONDS": "1",
        "GENERATION_MAX_IN_FLIGHT": "100",
        "Q_WORKERS": "2",
        "LOG_LEVEL": "INFO",
        **extra,
    }


def run_image(app: App, key: str, prompt: str) -> tuple[int, Message, dict]:
    status, headers, body = app.request(
        "POST",
        "/api/run-image-model",
        key=key,
        body={"model_id": MODEL, "input": {"prompt": prompt}, "collection": "text-to-image"},
    )
    return status, headers, json.loads(body or b"{}")


def image_status(app: App, key: str, image_id: int) -> str:
    status, _, body = app.get(f"/api/images/{image_id}", key=key)
    return json.loads(body)["status"] if status == 200 else f"http {status}"


def wait_all_completed(app: App, key: str, ids: list[int], *, timeout: float) -> float:
    started = time.monotonic()
    while True:
        statuses = [image_status(app, key, image_id) for image_id in ids]
        if all(status == "completed" for status in statuses):
            return time.monotonic() - started
        assert time.monotonic() - started < timeout, statuses
        time.sleep(0.2)


@pytest.fixture
def postgres():
    if not postgres_available():
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    server = ThrowawayPostgres()
    yield server
    server.close()


def test_postgresql_restarted_while_generations_downloads_and_webhooks_are_in_flight(emulator, postgres):
    app = App(app_env(emulator, DATABASE_URL=postgres.url))
    try:
        app.manage("migrate", "--skip-checks", "-v0")
        key = app.api_key()
        app.start("web")
        app.start("worker")

        emulator.config.run_delay = 2.0
        ids = []
        for n in range(GENERATIONS):
            status, _, body = run_image(app, key, f"kite {n}")
            assert status == 200, body
            ids.append(body["image_id"])
        time.sleep(0.3)
        emulator.config.run_delay = 0.03

        postgres.stop("fast")  # a real server restart: every connection is cut
        outage_started = time.monotonic()
        try:
            # The web answers 503 with Retry-After, quickly, for reads, writes and webhooks.
            for method, path, body in (
                ("GET", "/api/images", None),
                ("POST", "/api/run-image-model", {"model_id": MODEL, "input": {"prompt": "x"}}),
            ):
                asked = time.monotonic()
                status, headers, _ = app.request(method, path, key=key, body=body, timeout=15)
                assert status == 503, (method, path, status)
                assert int(headers["Retry-After"]) > 0
                assert time.monotonic() - asked < 10
            prediction_id = next(iter(emulator.predictions))  # the first generation's
            payload = json.dumps(emulator.wait_for(prediction_id)).encode()
            headers = emulator.signed_headers(payload)
            status, response_headers, _ = _post_webhook(app, ids[0], payload, headers)
            assert status == 503 and int(response_headers["Retry-After"]) > 0
            time.sleep(2.0)  # the outage lasts a while: the worker's rounds fail meanwhile
        finally:
            postgres.start()
        outage = time.monotonic() - outage_started

        status, _, _ = _post_webhook(app, ids[0], payload, emulator.signed_headers(payload))
        assert status == 200, "Replicate's redelivery is accepted once the database is back"
        recovered = wait_all_completed(app, key, ids, timeout=60)
        print(
            f"\nPostgreSQL down {outage:.1f} s; all {GENERATIONS} completed {recovered:.1f} s after it was back"
        )

        creates = sum(
            1 for method, path in emulator.requests if method == "POST" and path.endswith("/predictions")
        )
        assert creates == GENERATIONS, "nothing refused during the outage reached Replicate"
        images, generations, distinct, orphans = app.query(
            "SELECT (SELECT count(*) FROM gallery_asset WHERE kind = 'image'), "
            "(SELECT count(*) FROM media_gen_generation), "
            "(SELECT count(DISTINCT asset_id) FROM media_gen_generation), "
            "(SELECT count(*) FROM gallery_asset a WHERE kind = 'image' AND NOT EXISTS "
            "(SELECT 1 FROM media_gen_generation g WHERE g.asset_id = a.id))"
        )[0]
        assert (images, generations, distinct, orphans) == (GENERATIONS, GENERATIONS, GENERATIONS, 0)
    finally:
        app.close()


def test_redis_restarted_while_generations_and_downloads_are_in_flight(emulator):
    """The scale-out queue and cache on a Redis of our own, restarted mid-flight."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = ThrowawayRedis()
    app = App(app_env(emulator, REDIS_URL=redis.url))
    try:
        app.manage("migrate", "--skip-checks", "-v0")
        key = app.api_key()
        app.start("web")
        app.start("worker")

        emulator.config.run_delay = 2.0
        ids = [run_image(app, key, f"kite {n}")[2]["image_id"] for n in range(GENERATIONS)]
        time.sleep(0.3)
        emulator.config.run_delay = 0.03

        redis.stop()
        outage_started = time.monotonic()
        try:
            asked = time.monotonic()
            status, headers, _ = run_image(app, key, "started while the cache is down")
            assert status == 503 and int(headers["Retry-After"]) > 0, "refused before anything upstream"
            assert time.monotonic() - asked < 10
            assert app.get("/api/images", key=key)[0] == 200, "reads need neither cache nor broker"
            time.sleep(2.0)
        finally:
            redis.start()
        outage = time.monotonic() - outage_started

        recovered = wait_all_completed(app, key, ids, timeout=60)
        print(f"\nRedis down {outage:.1f} s; all {GENERATIONS} completed {recovered:.1f} s after it was back")
        creates = sum(
            1 for method, path in emulator.requests if method == "POST" and path.endswith("/predictions")
        )
        assert creates == GENERATIONS
        images, distinct = app.query(
            "SELECT (SELECT count(*) FROM gallery_asset WHERE kind = 'image'), "
            "(SELECT count(DISTINCT asset_id) FROM media_gen_generation)"
        )[0]
        assert (images, distinct) == (GENERATIONS, GENERATIONS)
    finally:
        app.close()
        redis.close()


def _post_webhook(app: App, generation_id: int, payload: bytes, headers: dict) -> tuple[int, Message, bytes]:
    connection_ = http.client.HTTPConnection("127.0.0.1", app.web_port, timeout=15)
    try:
        connection_.request(
            "POST",
            f"/api/webhooks/replicate?generation={generation_id}",
            body=payload,
            headers={**headers, "Content-Type": "application/json"},
        )
        response = connection_.getresponse()
        return response.status, response.msg, response.read()  # any case: granian sends lower case
    finally:
        connection_.close()


def png_of(size: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((size, size), 64).convert("RGB").save(out, "PNG")
    return out.getvalue()


def test_web_server_killed_mid_upload_and_mid_stream(emulator):
    app = App(app_env(emulator))
    try:
        app.manage("migrate", "--skip-checks", "-v0")
        key = app.api_key()
        app.start("web")

        # Mid-upload: the body is half sent when the web server dies.
        image = png_of(900)
        boundary = "reliability-boundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        upload = http.client.HTTPConnection("127.0.0.1", app.web_port, timeout=15)
        upload.putrequest("POST", "/api/upload-image")
        upload.putheader("X-API-Key", key)
        upload.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        upload.putheader("Content-Length", str(len(head) + len(image) + len(tail)))
        upload.endheaders()
        upload.send(head + image[: len(image) // 2])
        time.sleep(0.3)
        app.kill("web")
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            upload.send(image[len(image) // 2 :] + tail)
            upload.getresponse().read()
        upload.close()

        app.start("web")
        assert app.query("SELECT count(*) FROM gallery_asset") == [(0,)], (
            "a half-received upload stores nothing"
        )
        multipart = head + image + tail
        again = http.client.HTTPConnection("127.0.0.1", app.web_port, timeout=15)
        again.request(
            "POST",
            "/api/upload-image",
            body=multipart,
            headers={"X-API-Key": key, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = again.getresponse()
        assert response.status in (200, 201), response.read()[:300]
        response.read()
        again.close()
        [(asset_id,)] = app.query("SELECT id FROM gallery_asset WHERE kind = 'upload'")
        token = signing.dumps(asset_id, key=app.env["SECRET_KEY"], salt=uploads.SIGNING_SALT, compress=False)

        # Mid-stream: the client has read part of the file when the web server dies; after the
        # restart a Range request fetches the rest, and the bytes are the uploaded ones.
        path = f"/api/upload-image/{token}"
        stream = http.client.HTTPConnection("127.0.0.1", app.web_port, timeout=15)
        stream.request("GET", path, headers={"X-API-Key": key})
        response = stream.getresponse()
        assert response.status == 200, response.status
        first = response.read(len(image) // 3)
        app.kill("web")
        rest_before_kill = b""
        try:
            rest_before_kill = response.read()
        except (http.client.IncompleteRead, ConnectionError, OSError) as exc:
            rest_before_kill = getattr(exc, "partial", b"")
        stream.close()
        received = first + rest_before_kill
        app.start("web")
        if len(received) < len(image):
            resumed = http.client.HTTPConnection("127.0.0.1", app.web_port, timeout=15)
            resumed.request("GET", path, headers={"X-API-Key": key, "Range": f"bytes={len(received)}-"})
            answer = resumed.getresponse()
            assert answer.status == 206
            received += answer.read()
            resumed.close()
        assert hashlib.sha256(received).hexdigest() == hashlib.sha256(image).hexdigest()
    finally:
        app.close()
