"""Item 10: webhooks with a bad signature, missing headers, a stale or future timestamp, a replayed
id or for an unknown prediction are refused or ignored, and never acted on."""

import json
import time

import pytest

from gallery.models import Asset
from media_gen import replicate_client
from media_gen.models import DownloadAttempt, Generation

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(user, public_site):
    """A generation whose prediction succeeded upstream, with the webhook Replicate would send."""
    generation = Generation.objects.create(
        owner=user, kind="image", model_id="black-forest-labs/flux-schnell"
    )
    prediction = replicate_client.prediction_create(
        model_id=generation.model_id,
        version=None,
        inputs={"prompt": "x"},
        webhook=f"https://simpoc.example.com/api/webhooks/replicate?generation={generation.pk}",
    )
    Generation.objects.filter(pk=generation.pk).update(status="processing", prediction_id=prediction["id"])
    public_site.wait_idle()
    delivery = next(d for d in public_site.take_webhooks() if d.event == "completed")
    return generation, delivery.body


def post(client, generation_id, body: bytes, headers: dict):
    return client.post(
        f"/api/webhooks/replicate?generation={generation_id}",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def untouched(generation) -> None:
    generation.refresh_from_db()
    assert generation.status == "processing"
    assert not DownloadAttempt.objects.exists()
    assert not Asset.objects.exists()


def forged(body: bytes, headers: dict) -> dict:
    return {**headers, "webhook-signature": "v1,bm90IHRoZSByaWdodCBzaWduYXR1cmUgYXQgYWxsIQ=="}


@pytest.mark.parametrize(
    ("tamper", "status"),
    [
        (lambda site, body: {}, 400),
        (lambda site, body: {k: v for k, v in site.signed_headers(body).items() if k != "webhook-id"}, 400),
        (
            lambda site, body: {
                k: v for k, v in site.signed_headers(body).items() if k != "webhook-signature"
            },
            400,
        ),
        (
            lambda site, body: {
                k: v for k, v in site.signed_headers(body).items() if k != "webhook-timestamp"
            },
            400,
        ),
        (lambda site, body: forged(body, site.signed_headers(body)), 401),
        (lambda site, body: {**site.signed_headers(body), "webhook-signature": "v2,abc"}, 401),
        (lambda site, body: {**site.signed_headers(body), "webhook-signature": "v1,not base64!"}, 401),
        (lambda site, body: site.signed_headers(body, timestamp=int(time.time()) - 301), 400),
        (lambda site, body: site.signed_headers(body, timestamp=int(time.time()) + 301), 400),
        (lambda site, body: {**site.signed_headers(body), "webhook-timestamp": "yesterday"}, 400),
        (lambda site, body: site.signed_headers(body, webhook_id="x" * 500), 400),
    ],
    ids=[
        "no-headers",
        "no-id",
        "no-signature",
        "no-timestamp",
        "bad-signature",
        "unknown-scheme",
        "garbage-signature",
        "stale",
        "future",
        "timestamp-not-a-number",
        "giant-id",
    ],
)
def test_unsigned_or_stale_webhooks_are_refused(webhook_client, public_site, running, tamper, status):
    generation, body = running
    response = post(webhook_client, generation.pk, body, tamper(public_site, body))
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    untouched(generation)


def test_signature_for_another_body_is_refused(webhook_client, public_site, running):
    generation, body = running
    headers = public_site.signed_headers(body)
    swapped = body.replace(b'"succeeded"', b'"failed"')
    assert post(webhook_client, generation.pk, swapped, headers).status_code == 401
    untouched(generation)


def test_replayed_webhook_id_is_ignored(webhook_client, public_site, running):
    generation, body = running
    headers = public_site.signed_headers(body)
    # The first delivery arrives while we pretend the download is not possible yet: record only.
    first = post(webhook_client, generation.pk, body, headers)
    assert first.status_code == 200 and first.json()["ok"] is True
    attempts = DownloadAttempt.objects.count()
    Generation.objects.filter(pk=generation.pk).update(status="processing", asset=None)
    replay = post(webhook_client, generation.pk, body, headers)
    assert replay.status_code == 200 and replay.json()["ok"] is False
    assert DownloadAttempt.objects.count() == attempts, "a replayed delivery must not be acted on"
    assert Generation.objects.get(pk=generation.pk).status == "processing"


@pytest.mark.parametrize("target", ["unknown-generation", "no-generation", "other-prediction"])
def test_webhook_for_an_unknown_prediction_is_ignored(webhook_client, public_site, running, user, target):
    generation, body = running
    if target == "other-prediction":
        payload = {**json.loads(body), "id": "someoneelsesprediction0000"}
        body = json.dumps(payload).encode()
        path_id = generation.pk
    else:
        path_id = generation.pk + 1000 if target == "unknown-generation" else ""
    response = webhook_client.post(
        f"/api/webhooks/replicate?generation={path_id}" if path_id != "" else "/api/webhooks/replicate",
        data=body,
        content_type="application/json",
        headers=public_site.signed_headers(body),
    )
    assert response.status_code == 200
    untouched(generation)


def test_webhook_body_that_is_not_a_prediction_is_refused(webhook_client, public_site, running):
    generation, _ = running
    for body in (b"[1, 2, 3]", b"not json at all", b'"a string"'):
        response = post(webhook_client, generation.pk, body, public_site.signed_headers(body))
        assert response.status_code == 400, body
    untouched(generation)


def test_the_genuine_webhook_is_acted_on_so_the_guards_are_real(webhook_client, public_site, running):
    generation, body = running
    response = post(webhook_client, generation.pk, body, public_site.signed_headers(body))
    assert response.status_code == 200
    generation.refresh_from_db()
    assert generation.status == "completed"
