"""Issue 16 item 5: a webhook that cannot take SQLite's write lock within its budget is answered 503
with Retry-After and writes nothing; Replicate's redelivery of it is then recorded exactly once."""

import base64
import json
import sqlite3
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from media_gen import webhooks
from media_gen.emulator import webhook_signature
from media_gen.models import Generation, WebhookReceipt
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec_" + base64.b64encode(b"busy-test-secret-0123456789abcd!").decode()


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is SQLite's")


def _delivery(generation: Generation, webhook_id: str) -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps({"id": generation.prediction_id, "status": "processing", "output": None}).encode()
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": webhook_signature(
            secret=SECRET, webhook_id=webhook_id, timestamp=stamp, body=body
        ),
    }
    return f"/api/webhooks/replicate?generation={generation.pk}", body, headers


def _post(delivery: tuple[str, bytes, dict[str, str]]):
    path, body, headers = delivery
    return Client().post(path, data=body, content_type="application/json", headers=headers)


def _hold_write_lock() -> sqlite3.Connection:
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, timeout=5, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_busy_past_the_budget_is_503_with_retry_after_and_the_resend_counts_once(
    sqlite_only, settings, monkeypatch, user
):
    settings.REPLICATE_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr(webhooks, "LOCK_BUDGET_SECONDS", 0.3)
    generation = GenerationFactory(owner=user, status="pending", prediction_id="p-busy")
    delivery = _delivery(generation, "msg_busy_1")
    Client().get("/health")  # the first request loads the URLconf: not part of the timing

    holder = _hold_write_lock()
    try:
        began = time.monotonic()
        response = _post(delivery)
        waited = time.monotonic() - began
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == str(webhooks.RETRY_AFTER_SECONDS)
    assert "busy" in response.json()["detail"]
    assert 0.3 <= waited < 10, "it retried for its budget, not for SQLite's busy timeout (20 s)"
    assert not WebhookReceipt.objects.exists()
    assert Generation.objects.get(pk=generation.pk).status == "pending"

    again = _post(delivery)  # Replicate sends the same delivery (same webhook-id) again
    assert again.status_code == 200 and again.json()["ok"] is True, again.content
    assert _post(delivery).json() == {"ok": False, "message": "Duplicate delivery ignored."}
    assert WebhookReceipt.objects.filter(webhook_id="msg_busy_1").count() == 1
    assert Generation.objects.get(pk=generation.pk).status == "processing"


def test_a_lock_released_within_the_budget_is_waited_for(sqlite_only, settings, monkeypatch, user):
    settings.REPLICATE_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr(webhooks, "LOCK_BUDGET_SECONDS", 5.0)
    generation = GenerationFactory(owner=user, status="pending", prediction_id="p-wait")
    Client().get("/health")
    holder = _hold_write_lock()
    release = threading.Timer(0.2, holder.rollback)
    release.start()
    try:
        response = _post(_delivery(generation, "msg_wait_1"))
    finally:
        release.join()
        holder.close()
    assert response.status_code == 200 and response.json()["ok"] is True, response.content
    assert WebhookReceipt.objects.filter(webhook_id="msg_wait_1").count() == 1
    # The connection's own busy timeout is back for every other write.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == int(connection.settings_dict["OPTIONS"]["timeout"] * 1000)
