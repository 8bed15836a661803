"""Generation actions in the admin: retry download, re-run, cancel, check upstream, delete."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen.models import DownloadAttempt, Generation
from tests.admin.conftest import deliver_webhooks, messages_of, start_image
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/media_gen/generation/"


def act(client, action: str, *generations, **extra):
    data = {"action": action, "_selected_action": [g.pk for g in generations], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_retry_download_of_a_failed_download_completes_it(root_client, failed_download):
    assert DownloadAttempt.objects.filter(generation=failed_download, succeeded=False).count() == 2
    response = act(root_client, "retry_download", failed_download)
    failed_download.refresh_from_db()
    assert failed_download.status == "completed"
    assert failed_download.asset is not None and failed_download.asset.kind == Asset.Kind.IMAGE
    assert DownloadAttempt.objects.filter(generation=failed_download, succeeded=True).count() == 1
    assert any("Retried the download of 1" in m and "now completed" in m for m in messages_of(response))


def test_retry_download_refuses_an_output_replicate_no_longer_keeps(root_client, user, emulator):
    expired = GenerationFactory(
        owner=user,
        status="failed",
        output_url="https://replicate.delivery/gone.png",
        upstream_completed_at=timezone.now() - timedelta(hours=2),
        error="HTTP 500",
    )
    never_ran = GenerationFactory(owner=user, status="failed", output_url="", error="CUDA out of memory")
    response = act(root_client, "retry_download", expired, never_ran)
    text = " ".join(messages_of(response))
    assert "Not retried the download of 2" in text
    assert "no longer keeps this output" in text and "no output to download" in text
    assert set(Generation.objects.values_list("status", flat=True)) == {"failed"}


def test_rerun_runs_a_failed_prediction_again_with_the_same_inputs(
    root_client, user, public_site, webhook_client
):
    public_site.set_faults(fail_predictions=1)
    generation = start_image(user, prompt="a red lighthouse")
    deliver_webhooks(webhook_client, public_site)
    generation.refresh_from_db()
    assert generation.status == "failed"
    first_prediction = generation.prediction_id
    response = act(root_client, "rerun", generation)
    assert any("Re-ran 1" in m for m in messages_of(response))
    deliver_webhooks(webhook_client, public_site)
    generation.refresh_from_db()
    assert generation.prediction_id != first_prediction
    assert generation.status == "completed"
    assert public_site.predictions[generation.prediction_id].input["prompt"] == "a red lighthouse"


def test_rerun_of_a_completed_generation_starts_a_new_one(root_client, user, public_site):
    done = GenerationFactory(owner=user, model_id="ideogram-ai/ideogram-v2-turbo", inputs={"prompt": "dunes"})
    response = act(root_client, "rerun", done)
    new = Generation.objects.exclude(pk=done.pk).get()
    assert new.owner == user and new.inputs == {"prompt": "dunes"} and new.status == "processing"
    assert any(f"started as generation #{new.pk}" in m for m in messages_of(response))


def test_cancel_a_selection_reports_each(root_client, user, emulator):
    running = [
        GenerationFactory(owner=user, status="processing", upstream_status="processing") for _ in range(2)
    ]
    finished = GenerationFactory(owner=user)
    response = act(root_client, "cancel_generations", *running, finished)
    text = " ".join(messages_of(response))
    assert "Canceled 2" in text and "Not canceled 1" in text and "already completed" in text
    assert [g.status for g in Generation.objects.filter(pk__in=[g.pk for g in running])] == ["canceled"] * 2


def test_check_upstream_now_moves_a_stuck_generation_forward(root_client, user, public_site):
    generation = start_image(user)
    public_site.wait_idle()  # finished on Replicate; its webhook never reaches us
    public_site.take_webhooks()
    assert Generation.objects.get(pk=generation.pk).status == "processing"
    response = act(root_client, "refresh_upstream", generation)
    generation.refresh_from_db()
    assert generation.status == "completed" and generation.asset_id
    assert any("Checked 1" in m and "succeeded" in m for m in messages_of(response))


def test_delete_selected_removes_generations_and_their_stored_output(root_client, user, emulator):
    asset = AssetFactory(owner=user)
    with_output = GenerationFactory(owner=user, asset=asset)
    without = GenerationFactory(owner=user, status="failed")
    confirm = act(root_client, "delete_selected", with_output, without)
    assert "Are you sure" in confirm.content.decode()
    act(root_client, "delete_selected", with_output, without, post="yes")
    assert not Generation.objects.exists()
    assert not Asset.objects.filter(pk=asset.pk).exists()


def test_action_from_the_change_page_returns_there(root_client, user, emulator):
    generation = GenerationFactory(owner=user, status="processing", upstream_status="processing")
    page = f"/admin/media_gen/generation/{generation.pk}/change/"
    response = root_client.post(
        CHANGELIST, {"action": "cancel_generations", "_selected_action": [generation.pk], "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    outside = root_client.post(
        CHANGELIST,
        {
            "action": "cancel_generations",
            "_selected_action": [generation.pk],
            "next": "https://evil.example/",
        },
    )
    assert outside["Location"] != "https://evil.example/"
