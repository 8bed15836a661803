"""Webhook verification and de-duplication; downloads that fail, vanish, or point somewhere unsafe."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen import downloads, replicate_client, services
from media_gen.models import DownloadAttempt, Generation
from tests.media_gen.conftest import deliver_webhooks

pytestmark = pytest.mark.django_db


def start_image(client, model_id: str = "ideogram-ai/ideogram-v2-turbo") -> int:
    response = client.post(
        "/api/run-image-model",
        {"model_id": model_id, "input": {"prompt": "a kite"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    return response.json()["image_id"]


def post_webhook(client, generation_id: int, body: bytes, headers: dict):
    return client.post(
        f"/api/webhooks/replicate?generation={generation_id}",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_duplicate_webhook_downloads_once(user_client, webhook_client, public_site):
    public_site.set_faults(duplicate_webhooks=2)
    image_id = start_image(user_client)
    answers = deliver_webhooks(webhook_client, public_site)
    assert [a.json()["ok"] for a in answers] == [True, False, False]
    assert all(a.status_code == 200 for a in answers)
    assert Asset.objects.filter(kind="image").count() == 1
    assert DownloadAttempt.objects.count() == 1
    assert user_client.get(f"/api/images/{image_id}").json()["status"] == "completed"


def test_forged_webhook_is_rejected_and_changes_nothing(user_client, webhook_client, public_site):
    image_id = start_image(user_client)
    public_site.wait_idle()
    prediction = replicate_client.prediction_get(prediction_id=Generation.objects.get().prediction_id)
    body = json.dumps(prediction).encode()
    headers = public_site.signed_headers(body)
    headers["webhook-signature"] = "v1," + "A" * 44
    response = post_webhook(webhook_client, image_id, body, headers)
    assert response.status_code == 401
    tampered = post_webhook(
        webhook_client, image_id, body.replace(b"succeeded", b"failed"), public_site.signed_headers(body)
    )
    assert tampered.status_code == 401
    assert post_webhook(webhook_client, image_id, body, {}).status_code == 400
    assert Generation.objects.get().status == "processing"


def test_stale_and_replayed_webhooks_are_dropped(user_client, webhook_client, public_site):
    image_id = start_image(user_client)
    public_site.wait_idle()
    delivery = public_site.take_webhooks()[0]
    stale = public_site.signed_headers(delivery.body, timestamp=int(time.time()) - 600)
    assert post_webhook(webhook_client, image_id, delivery.body, stale).status_code == 400
    assert Generation.objects.get().status == "processing"
    headers = {k: v for k, v in delivery.headers.items() if k != "content-type"}
    assert post_webhook(webhook_client, image_id, delivery.body, headers).json()["ok"] is True
    replay = post_webhook(webhook_client, image_id, delivery.body, headers)
    assert replay.status_code == 200 and replay.json()["ok"] is False
    assert Asset.objects.filter(kind="image").count() == 1


def test_webhook_for_another_prediction_does_not_touch_the_generation(
    user_client, webhook_client, public_site
):
    first = start_image(user_client)
    second = start_image(user_client)
    public_site.wait_idle()
    second_body = next(d.body for d in public_site.take_webhooks() if str(second) in d.url)
    response = post_webhook(webhook_client, first, second_body, public_site.signed_headers(second_body))
    assert response.status_code == 200
    assert Generation.objects.get(pk=first).status == "processing"


def test_download_that_fails_twice_then_succeeds(user_client, webhook_client, public_site):
    public_site.set_faults(file_failures=2)
    image_id = start_image(user_client)
    deliver_webhooks(webhook_client, public_site)
    assert user_client.get(f"/api/images/{image_id}").json()["status"] == "processing"
    later = timezone.now() + timedelta(minutes=1)
    services.generation_poll_in_flight(now=later)
    services.generation_poll_in_flight(now=later + timedelta(minutes=2))
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "completed"
    attempts = list(
        DownloadAttempt.objects.order_by("started_at", "id").values_list("succeeded", "http_status", "error")
    )
    assert [(ok, status) for ok, status, _ in attempts] == [(False, 500), (False, 500), (True, 200)]
    assert "HTTP 500" in attempts[0][2]


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"output_ttl_seconds": 0.0}, "no longer available"),
        ({"oversize_output_bytes": 300_000}, "over the limit"),
        ({"wrong_type_output": True}, "not accepted"),
        ({"output_url_override": "http://169.254.169.254/latest/meta-data/"}, "not an allowed host"),
        ({"redirect_output_to": "https://10.1.2.3/secret.png"}, "not an allowed host"),
    ],
    ids=["vanished", "oversize", "wrong-type", "private-address", "redirect-to-private"],
)
def test_unusable_output_fails_with_a_clear_error(
    user_client, webhook_client, public_site, settings, faults, words
):
    settings.MEDIA_MAX_BYTES = 200_000
    public_site.set_faults(**faults)
    image_id = start_image(user_client)
    deliver_webhooks(webhook_client, public_site)
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "failed"
    assert words in record["error"]
    assert record["metadata"]["error"] == record["error"]
    assert not Asset.objects.filter(kind="image").exists()
    assert DownloadAttempt.objects.get().error


def test_allowed_host_resolving_to_a_private_address_is_refused(settings):
    settings.DOWNLOAD_ALLOWED_HOSTS = ["localhost"]
    with pytest.raises(downloads.DownloadError, match="non-public address") as caught:
        downloads.download_fetch(url="https://localhost/output.png", max_bytes=1000)
    assert caught.value.permanent


def test_plain_http_is_refused_outside_the_emulator(settings, emulator):
    settings.DOWNLOAD_ALLOWED_HOSTS = ["replicate.delivery"]
    with pytest.raises(downloads.DownloadError, match="plain http"):
        downloads.download_fetch(url="http://replicate.delivery/x.png", max_bytes=1000)


def test_in_flight_predictions_finish_after_a_restart(user, emulator):
    """Rows left in flight by a stopped server are finished by the scheduled poll loop alone."""
    from media_gen import tasks

    emulator.config.run_delay = 0.3
    try:
        generations = []
        for prompt in ("first", "second"):
            prediction = replicate_client.prediction_create(
                model_id="black-forest-labs/flux-schnell",
                version=None,
                inputs={"prompt": prompt},
                webhook=None,
            )
            generations.append(
                Generation.objects.create(
                    owner=user,
                    kind="image",
                    model_id="black-forest-labs/flux-schnell",
                    prompt=prompt,
                    inputs={"prompt": prompt},
                    status="processing",
                    prediction_id=prediction["id"],
                )
            )
        assert services.generation_poll_in_flight() == 2  # still running upstream
        tasks.generation_poll_loop()  # what the persisted schedule runs
    finally:
        emulator.config.run_delay = 0.03
    assert sorted(Generation.objects.values_list("status", flat=True)) == ["completed", "completed"]
    assert Asset.objects.filter(kind="image").count() == 2


def test_abandoned_pending_rows_fail_with_an_explanation(user, emulator):
    generation = Generation.objects.create(
        owner=user,
        kind="image",
        model_id="a/b",
        status="pending",
        created_at=timezone.now() - timedelta(hours=1),
    )
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "pending", "the poll round only polls; giving up is a job of its own"
    assert services.generation_expire_stale() == 1
    generation.refresh_from_db()
    assert generation.status == "failed" and "never completed" in generation.error
    assert generation.completed_at is not None


def test_old_webhook_receipts_are_forgotten_by_their_own_job_only(user, emulator):
    from media_gen.models import WebhookReceipt

    old = WebhookReceipt.objects.create(webhook_id="msg_old", received_at=timezone.now() - timedelta(days=3))
    recent = WebhookReceipt.objects.create(webhook_id="msg_recent")
    services.generation_poll_in_flight()
    assert WebhookReceipt.objects.filter(pk=old.pk).exists(), "the poll round purged receipts"
    assert services.webhook_receipts_purge() == 1
    assert list(WebhookReceipt.objects.values_list("pk", flat=True)) == [recent.pk]


def test_retention_hook_prunes_only_old_assetless_non_favourites(user):
    from tests.media_gen.factories import GenerationFactory

    old = timezone.now() - timedelta(days=40)
    doomed = GenerationFactory(owner=user, status="failed", created_at=old)
    kept_favourite = GenerationFactory(owner=user, status="failed", created_at=old, favorite=True)
    kept_recent = GenerationFactory(owner=user, status="failed")
    assert services.generation_prune_before(cutoff=timezone.now() - timedelta(days=30)) == 1
    remaining = set(Generation.objects.values_list("pk", flat=True))
    assert remaining == {kept_favourite.pk, kept_recent.pk} and doomed.pk not in remaining
