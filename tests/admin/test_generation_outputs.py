"""A generation with several output files in the admin: each listed, a retry of the download and
a delete cover all of them."""

import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen import downloads, services
from media_gen.models import Generation, GenerationOutput
from tests.admin.conftest import messages_of
from tests.media_gen.factories import GenerationFactory
from tests.media_gen.test_outputs_delivery import data_url, png_bytes

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/media_gen/generation/"


def three_file_generation(user, monkeypatch, *, failing: bool) -> Generation:
    """Replicate answered three files; with ``failing`` every download fails for good."""
    urls = [data_url(png_bytes(color)) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    if failing:

        def refuse(**kwargs):
            raise downloads.DownloadError("The output download answered HTTP 403.", permanent=True)

        monkeypatch.setattr(downloads, "download_fetch", refuse)
    generation = GenerationFactory(
        owner=user, status="processing", upstream_status="processing", output=None, asset=None
    )
    services.generation_apply_prediction(
        generation=generation,
        prediction={"id": generation.prediction_id, "status": "succeeded", "output": urls},
    )
    monkeypatch.undo()
    generation.refresh_from_db()
    return generation


def test_the_change_page_lists_every_output_file(root_client, user, monkeypatch):
    generation = three_file_generation(user, monkeypatch, failing=False)
    page = root_client.get(f"{CHANGELIST}{generation.pk}/change/").content.decode()
    for output in generation.outputs.all():
        assert f"/admin/gallery/asset/{output.asset_id}/change/" in page


def test_retry_download_of_a_failed_multi_file_generation_stores_every_file(root_client, user, monkeypatch):
    generation = three_file_generation(user, monkeypatch, failing=True)
    assert generation.status == "failed" and "Output 3 of 3 was not stored" in generation.error
    Generation.objects.filter(pk=generation.pk).update(upstream_completed_at=timezone.now())
    response = root_client.post(
        CHANGELIST, {"action": "retry_download", "_selected_action": [generation.pk]}, follow=True
    )
    assert any("now completed" in m for m in messages_of(response))
    generation.refresh_from_db()
    stored = list(GenerationOutput.objects.filter(generation=generation).values_list("asset_id", flat=True))
    assert None not in stored and len(set(stored)) == 3
    assert generation.asset_id == stored[0]


def test_deleting_in_the_admin_deletes_every_output_file(root_client, user, monkeypatch):
    generation = three_file_generation(user, monkeypatch, failing=False)
    assert Asset.objects.filter(kind=Asset.Kind.IMAGE).count() == 3
    response = root_client.post(f"{CHANGELIST}{generation.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Generation.objects.filter(pk=generation.pk).exists()
    assert not Asset.objects.exists()
