"""The webhook fast path (media_gen.webhook_fast) answers exactly as the route does, leaves the same
rows and queue entries behind, and leaves everything unusual to the route."""

import base64
import json
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from media_gen import webhook_fast
from media_gen.emulator.server import webhook_signature
from media_gen.models import Generation, WebhookReceipt
from media_gen.services.lifecycle import (
    Moves,
    generation_move,
    generation_move_execute,
    generation_move_statement,
)
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_" + base64.b64encode(b"fast-path-secret-0123456789abcd!").decode()
# Columns that differ between two rows by construction (ids) or by the clock.
UNCOMPARED = {"id", "prediction_id", "prompt", "inputs", "created_at", "updated_at", "completed_at"}
CLOCKED = ("updated_at", "completed_at", "download_next_at", "upstream_completed_at")


@pytest.fixture
def secret(settings):
    settings.REPLICATE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def fast_answers(monkeypatch):
    """What the fast path returned for each request (None: it left the request to the route)."""
    seen: list = []
    real = webhook_fast.webhook_response

    def spy(request):
        answer = real(request)
        seen.append(answer)
        return answer

    monkeypatch.setattr(webhook_fast, "webhook_response", spy)
    return seen


def _signed(body: bytes, *, webhook_id: str, secret: str = SECRET, stamp: int | None = None) -> dict:
    stamp_text = str(int(time.time()) if stamp is None else stamp)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp_text,
        "webhook-signature": webhook_signature(
            secret=secret, webhook_id=webhook_id, timestamp=stamp_text, body=body
        ),
    }


def _post(query: str, body: bytes, headers: dict):
    return Client().post(
        f"/api/webhooks/replicate{query}", data=body, content_type="application/json", headers=headers
    )


def _routed(monkeypatch, query: str, body: bytes, headers: dict):
    """The same request answered by the route alone (the fast path off)."""
    with monkeypatch.context() as patch:
        patch.setattr(webhook_fast, "webhook_response", lambda request: None)
        return _post(query, body, headers)


def _same_answer(fast, routed) -> None:
    assert fast.status_code == routed.status_code
    assert fast.content == routed.content
    assert dict(fast.headers) == dict(routed.headers)


def _row(generation: Generation) -> dict:
    values = Generation.objects.filter(pk=generation.pk).values().get()
    shape = {name: values[name] is None for name in CLOCKED}
    return {k: v for k, v in values.items() if k not in UNCOMPARED and k not in CLOCKED} | shape


def _prediction(generation: Generation, status: str, **extra) -> bytes:
    return json.dumps({"id": generation.prediction_id, "status": status, **extra}).encode()


FILE = ["https://replicate.delivery/abc/out.png"]
CASES = {
    "starting": ("processing", "image", "text-to-image", {"status": "starting"}),
    "processing": ("pending", "image", "text-to-image", {"status": "processing", "logs": "step 3/20"}),
    "succeeded-file": (
        "processing",
        "image",
        "text-to-image",
        {"status": "succeeded", "output": FILE, "completed_at": "2026-12-01T19:00:00.123456Z"},
    ),
    "succeeded-no-date": ("processing", "video", "text-to-video", {"status": "succeeded", "output": FILE[0]}),
    "succeeded-text": (
        "processing",
        "video",
        "video-to-text",
        {"status": "succeeded", "output": ["a ", "cat"]},
    ),
    "succeeded-refused": ("processing", "image", "text-to-image", {"status": "succeeded", "output": None}),
    "failed": ("processing", "image", "text-to-image", {"status": "failed", "error": "CUDA out of memory"}),
    "failed-silent": ("processing", "image", "text-to-image", {"status": "failed", "error": None}),
    "canceled": ("processing", "image", "", {"status": "canceled"}),
    "aborted": ("pending", "audio", "text-to-speech", {"status": "aborted"}),
    "unknown-status": ("processing", "image", "text-to-image", {"status": "queued"}),
    "already-final": ("completed", "image", "text-to-image", {"status": "processing"}),
    "downloading-late-success": (
        "downloading",
        "image",
        "text-to-image",
        {"status": "succeeded", "output": FILE},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_ordinary_delivery_is_answered_and_applied_as_the_route_does(
    case, secret, user, fast_answers, monkeypatch
):
    monkeypatch.setattr(Conf, "SYNC", False)  # the download is queued, not run here
    status, kind, collection, prediction = CASES[case]
    fast_row = GenerationFactory(owner=user, status=status, kind=kind, collection=collection)
    route_row = GenerationFactory(owner=user, status=status, kind=kind, collection=collection)

    body = _prediction(fast_row, **prediction)
    fast = _post(f"?generation={fast_row.pk}", body, _signed(body, webhook_id=f"msg_fast_{case}"))
    body = _prediction(route_row, **prediction)
    routed = _routed(
        monkeypatch, f"?generation={route_row.pk}", body, _signed(body, webhook_id=f"msg_route_{case}")
    )

    assert fast_answers[0] is not None, "the fast path left an ordinary delivery to the route"
    _same_answer(fast, routed)
    assert _row(fast_row) == _row(route_row)
    assert WebhookReceipt.objects.get(webhook_id=f"msg_fast_{case}").generation_id == fast_row.pk
    queued = [SignedPackage.loads(q.payload) for q in OrmQ.objects.order_by("id")]
    assert [(t["func"], t["args"], t["name"]) for t in queued] == [
        ("media_gen.tasks.generation_download", (g.pk,), f"download {g.pk}")
        for g in (fast_row, route_row)
        if case in ("succeeded-file", "succeeded-no-date")
    ]
    if queued:  # the same package as django-q2's own broker wrote, and its worker takes it
        assert {k for k in queued[0]} == {k for k in queued[1]}
        assert {k: v for k, v in queued[0].items() if k not in ("id", "args", "name", "started")} == {
            k: v for k, v in queued[1].items() if k not in ("id", "args", "name", "started")
        }
        fast_q, route_q = OrmQ.objects.order_by("id")
        assert (fast_q.key, fast_q.lock is not None) == (route_q.key, True)
        assert fast_q.pk in [pk for pk, _ in get_broker().dequeue()]


def test_a_duplicate_and_another_predictions_delivery_match_the_route(
    secret, user, fast_answers, monkeypatch
):
    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "processing")
    headers = _signed(body, webhook_id="msg_twice")
    first = _post(f"?generation={generation.pk}", body, headers)
    again = _post(f"?generation={generation.pk}", body, headers)
    routed_again = _routed(monkeypatch, f"?generation={generation.pk}", body, headers)
    assert first.json() == {"ok": True, "message": "Accepted."}
    assert fast_answers[1] is not None
    _same_answer(again, routed_again)
    assert again.json() == {"ok": False, "message": "Duplicate delivery ignored."}

    other = json.dumps({"id": "someone-elses", "status": "failed"}).encode()
    fast = _post(f"?generation={generation.pk}", other, _signed(other, webhook_id="msg_other_1"))
    routed = _routed(
        monkeypatch, f"?generation={generation.pk}", other, _signed(other, webhook_id="msg_other_2")
    )
    assert fast_answers[-1] is not None
    _same_answer(fast, routed)
    assert Generation.objects.get(pk=generation.pk).status == "processing"
    assert WebhookReceipt.objects.filter(webhook_id__startswith="msg_other").count() == 2


def _unusual(generation: Generation) -> dict:
    """Requests the fast path must leave to the route: query, body, headers."""
    good = _prediction(generation, "processing")
    pk = generation.pk
    return {
        "bad-signature": (
            f"?generation={pk}",
            good,
            _signed(good, webhook_id="m1", secret="whsec_" + "QUFB" * 8),
        ),
        "no-headers": (f"?generation={pk}", good, {}),
        "stale": (f"?generation={pk}", good, _signed(good, webhook_id="m2", stamp=int(time.time()) - 600)),
        "long-id": (f"?generation={pk}", good, _signed(good, webhook_id="m" * 201)),
        "not-json": (f"?generation={pk}", b"{nope", _signed(b"{nope", webhook_id="m3")),
        "not-an-object": (f"?generation={pk}", b"[1, 2]", _signed(b"[1, 2]", webhook_id="m4")),
        "nan": (f"?generation={pk}", b'{"id": NaN}', _signed(b'{"id": NaN}', webhook_id="m5")),
        "unknown-generation": ("?generation=999999999", good, _signed(good, webhook_id="m6")),
        "no-generation": ("", good, _signed(good, webhook_id="m7")),
        "other-query": (f"?generation={pk}&x=1", good, _signed(good, webhook_id="m8")),
        "bad-date": (
            f"?generation={pk}",
            _prediction(generation, "succeeded", output=FILE, completed_at="2026-13-45T00:00:00Z"),
            None,
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "bad-signature",
        "no-headers",
        "stale",
        "long-id",
        "not-json",
        "not-an-object",
        "nan",
        "unknown-generation",
        "no-generation",
        "other-query",
    ],
)
def test_unusual_requests_are_left_to_the_route(case, secret, user, fast_answers, monkeypatch):
    generation = GenerationFactory(owner=user, status="processing")
    query, body, headers = _unusual(generation)[case]
    answer = _post(query, body, headers)
    assert fast_answers == [None]
    WebhookReceipt.objects.all().delete()
    _same_answer(answer, _routed(monkeypatch, query, body, headers))


def test_a_prediction_the_route_cannot_apply_fails_there_not_here(secret, user, fast_answers):
    generation = GenerationFactory(owner=user, status="processing")
    query, body, _ = _unusual(generation)["bad-date"]
    answer = Client(raise_request_exception=False).post(
        f"/api/webhooks/replicate{query}",
        data=body,
        content_type="application/json",
        headers=_signed(body, webhook_id="m9"),
    )
    assert answer.status_code == 500
    assert fast_answers == [None]
    assert not WebhookReceipt.objects.exists()


def test_an_unknown_secret_is_left_to_the_route(settings, user, fast_answers, monkeypatch):
    """No configured secret and none cached: the route fetches it (here: Replicate is unreachable)."""
    settings.REPLICATE_WEBHOOK_SECRET = ""
    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "processing")
    from media_gen import webhooks

    monkeypatch.setattr(
        webhooks.replicate_client,
        "webhook_secret",
        lambda: (_ for _ in ()).throw(webhooks.UpstreamError("unreachable", status=502)),
    )
    answer = _post(f"?generation={generation.pk}", body, _signed(body, webhook_id="m10"))
    assert fast_answers == [None]
    assert answer.status_code == 503 and answer["Retry-After"] == "2"


MOVE_VALUES = {
    "upstream_status": "succeeded",
    "output": {"files": ["https://replicate.delivery/x.png"], "n": 2},
    "error": "an error",
    "download_bytes_total": None,
}


@pytest.mark.parametrize("name", [n for n in vars(Moves) if n.isupper()])
def test_the_row_move_is_the_orm_move(name, user):
    move = getattr(Moves, name)
    now = timezone.now() - timedelta(minutes=3)
    start = move.sources[0]
    before = {"status": start, "output": ["old"], "download_bytes_total": 10, "updated_at": now}
    orm_row = GenerationFactory(owner=user, **before)
    raw_row = GenerationFactory(owner=user, **before)
    assert generation_move(move, pk=orm_row.pk, now=now, **MOVE_VALUES) == 1
    assert (
        generation_move_execute(generation_move_statement(move, pk=raw_row.pk, now=now, **MOVE_VALUES)) == 1
    )
    orm_values = Generation.objects.filter(pk=orm_row.pk).values().get()
    raw_values = Generation.objects.filter(pk=raw_row.pk).values().get()
    for values in (orm_values, raw_values):
        for column in ("id", "prediction_id", "prompt", "inputs", "created_at"):
            values.pop(column)
    assert raw_values == orm_values
    assert raw_values["output"] == MOVE_VALUES["output"]


def test_the_row_move_leaves_a_row_outside_its_sources(user):
    generation = GenerationFactory(owner=user, status="completed")
    assert (
        generation_move_execute(
            generation_move_statement(Moves.RUNNING, pk=generation.pk, upstream_status="processing")
        )
        == 0
    )
    assert Generation.objects.get(pk=generation.pk).status == "completed"


def test_json_null_output_is_stored_as_sql_null_as_the_orm_does(user):
    generation = GenerationFactory(owner=user, status="processing", output=["old"])
    generation_move_execute(
        generation_move_statement(Moves.UPSTREAM_FAILED, pk=generation.pk, output=None, error="x")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT output IS NULL FROM media_gen_generation WHERE id = %s", [generation.pk])
        assert cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_busy_past_the_budget_the_fast_path_answers_the_routes_503(secret, user, fast_answers, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is SQLite's")
    import sqlite3

    from media_gen import webhooks

    monkeypatch.setattr(webhooks, "LOCK_BUDGET_SECONDS", 0.05)
    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "succeeded", output=FILE)
    Client().get("/health")  # the URLconf loaded before the lock is held
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        fast = _post(f"?generation={generation.pk}", body, _signed(body, webhook_id="msg_busy_fast"))
        routed = _routed(
            monkeypatch, f"?generation={generation.pk}", body, _signed(body, webhook_id="msg_busy_r")
        )
    finally:
        holder.rollback()
        holder.close()
    assert fast_answers[0] is not None and fast.status_code == 503
    _same_answer(fast, routed)
    assert fast["Retry-After"] == str(webhooks.RETRY_AFTER_SECONDS)
    assert not WebhookReceipt.objects.exists() and not OrmQ.objects.exists()
    assert Generation.objects.get(pk=generation.pk).status == "processing"


def test_two_copies_racing_past_the_read_are_recorded_once(secret, user, fast_answers, monkeypatch):
    """Both copies of a delivery read "not received" before either commits: the INSERT decides."""
    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "succeeded", output=FILE)
    headers = _signed(body, webhook_id="msg_race")
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(webhook_fast, "_received", lambda webhook_id: False)
    first = _post(f"?generation={generation.pk}", body, headers)
    second = _post(f"?generation={generation.pk}", body, headers)
    assert None not in fast_answers
    assert first.json() == {"ok": True, "message": "Accepted."}
    assert second.json() == {"ok": False, "message": "Duplicate delivery ignored."}
    assert OrmQ.objects.count() == 1 and WebhookReceipt.objects.count() == 1


def test_a_broker_that_fails_inside_the_transaction_leaves_the_answer_to_the_route(
    secret, user, fast_answers, monkeypatch
):
    """The download cannot be queued (Redis down): nothing is recorded, the route answers its 503,
    and Replicate's redelivery is accepted."""
    import redis

    from media_gen.services import lifecycle

    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "succeeded", output=FILE)
    headers = _signed(body, webhook_id="msg_broker_down")

    def broker_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(webhook_fast, "_row_broker", lambda: None)  # as with REDIS_URL: queued inside
    monkeypatch.setattr(lifecycle, "async_task", broker_down)
    down = Client(raise_request_exception=False).post(
        f"/api/webhooks/replicate?generation={generation.pk}",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert fast_answers == [None]
    assert down.status_code == 503 and down["Retry-After"], down.content
    assert not WebhookReceipt.objects.exists()
    assert Generation.objects.get(pk=generation.pk).status == "processing"


def test_a_cache_that_is_down_leaves_the_answer_to_the_route(settings, user, fast_answers, monkeypatch):
    """No configured secret and the cache (Redis) unreachable: the route's 503, not a 500."""
    import redis

    from media_gen import webhooks

    settings.REPLICATE_WEBHOOK_SECRET = ""

    def cache_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(webhooks.cache, "get", cache_down)
    generation = GenerationFactory(owner=user, status="processing")
    body = _prediction(generation, "processing")
    answer = Client(raise_request_exception=False).post(
        f"/api/webhooks/replicate?generation={generation.pk}",
        data=body,
        content_type="application/json",
        headers=_signed(body, webhook_id="msg_cache_down"),
    )
    assert fast_answers == [None]
    assert answer.status_code == 503 and answer["Retry-After"], answer.content
