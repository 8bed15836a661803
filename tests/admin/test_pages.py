"""Every back-office page renders for a superuser, with what it promises on it, without N+1 lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen.models import DownloadAttempt, WebhookReceipt
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory, SceneFactory

pytestmark = pytest.mark.django_db


def test_index_links_the_back_office_pages(root_client):
    page = root_client.get("/admin/").content.decode()
    for url in (
        "/admin/gallery/asset/storage/",
        "/admin/media_gen/generation/queue-health/",
        "/admin/gallery/asset/find/",
        "/admin/gallery/assetflag/?open=yes",
        "/admin/django_q/",
    ):
        assert url in page


def test_generation_list_shows_status_model_owner_size_thumbnail_and_error(root_client, user):
    asset = AssetFactory(owner=user)
    done = GenerationFactory(owner=user, asset=asset, model_id="acme/painter")
    failed = GenerationFactory(
        owner=user, status="failed", error="CUDA out of memory", model_id="acme/painter"
    )
    page = root_client.get("/admin/media_gen/generation/").content.decode()
    assert f'src="/api/images/{done.pk}/thumbnail"' in page
    assert f"/api/images/{failed.pk}/thumbnail" not in page
    assert "acme/painter" in page and user.username in page
    assert "CUDA out of memory" in page
    assert f"{asset.size_bytes}\xa0bytes" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [("status=failed", {"failed"}), ("kind=video", {"video"}), ("q=lighthouse", {"lighthouse"})],
    ids=["status", "kind", "prompt-search"],
)
def test_generation_filters_and_search(root_client, user, query, expected):
    GenerationFactory(owner=user, status="failed", prompt="a lighthouse")
    GenerationFactory(owner=user, kind="video", prompt="a river")
    response = root_client.get(f"/admin/media_gen/generation/?{query}")
    shown = list(response.context["cl"].result_list)
    assert len(shown) == 1
    row = shown[0]
    assert {row.status, row.kind, "lighthouse" if "lighthouse" in row.prompt else ""} & expected


def test_generation_search_by_prediction_id_and_owner_filter(root_client, user, other_user):
    mine = GenerationFactory(owner=user, prediction_id="p-abc123")
    GenerationFactory(owner=other_user)
    by_prediction = root_client.get("/admin/media_gen/generation/?q=p-abc123").context["cl"].result_list
    assert list(by_prediction) == [mine]
    by_owner = (
        root_client.get(f"/admin/media_gen/generation/?owner__id__exact={user.pk}").context["cl"].result_list
    )
    assert list(by_owner) == [mine]


def test_generation_list_query_count_is_flat_and_never_loads_bytes(
    root_client, user, django_assert_max_num_queries
):
    for _ in range(8):
        GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
        assert root_client.get("/admin/media_gen/generation/").status_code == 200
    assert not any('"data"' in q["sql"] and "gallery_asset" in q["sql"] for q in queries.captured_queries)


def test_generation_detail_shows_inputs_prediction_webhooks_and_attempts(root_client, user):
    generation = GenerationFactory(
        owner=user,
        status="failed",
        inputs={"prompt": "a kite", "aspect_ratio": "16:9"},
        output=["https://replicate.delivery/abc/out.png"],
        output_url="https://replicate.delivery/abc/out.png",
        error="HTTP 500 from replicate.delivery",
    )
    WebhookReceipt.objects.create(webhook_id="msg_2abc", generation=generation)
    DownloadAttempt.objects.create(
        generation=generation,
        url=generation.output_url,
        error="HTTP 500 from replicate.delivery",
        http_status=500,
    )
    page = root_client.get(f"/admin/media_gen/generation/{generation.pk}/change/").content.decode()
    assert "aspect_ratio" in page and "16:9" in page
    assert generation.prediction_id in page
    assert "replicate.delivery/abc/out.png" in page
    assert "msg_2abc" in page
    assert page.count("HTTP 500 from replicate.delivery") >= 2  # the error and the attempt
    # One-item action buttons on the page.
    assert 'value="retry_download"' in page and 'value="rerun"' in page


def test_render_list_and_detail_show_status_progress_and_errors(root_client, user):
    running = RenderFactory(owner=user, status="rendering", frames_done=5, frames_total=10)
    failed = RenderFactory(owner=user, status="failed", error="EGL: no display")
    page = root_client.get("/admin/simulation/render/").content.decode()
    assert "50% (5/10 frames)" in page
    assert "EGL: no display" in page
    detail = root_client.get(f"/admin/simulation/render/{failed.pk}/change/").content.decode()
    assert "EGL: no display" in detail and 'value="rerender"' in detail
    assert root_client.get(f"/admin/simulation/render/{running.pk}/change/").status_code == 200


def test_scene_list_and_detail(root_client, user):
    scene = SceneFactory(owner=user, name="marble run")
    assert "marble run" in root_client.get("/admin/simulation/scene/").content.decode()
    assert root_client.get(f"/admin/simulation/scene/{scene.pk}/change/").status_code == 200


def test_user_list_shows_usage(root_client, user, other_user):
    AssetFactory(owner=user)
    GenerationFactory(owner=user)
    GenerationFactory(owner=user)
    response = root_client.get("/admin/auth/user/")
    rows = {row.username: row for row in response.context["cl"].result_list}
    assert rows[user.username].generation_count == 2
    stored = sum(Asset.objects.filter(owner=user).values_list("size_bytes", flat=True))
    assert rows[user.username].storage_bytes == stored > 0
    assert rows[other_user.username].generation_count == 0
    assert rows[other_user.username].storage_bytes == 0
    detail = root_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Generations: 2 completed." in detail


def test_asset_and_flag_lists_render(root_client, user):
    asset = AssetFactory(owner=user, created_at=timezone.now() - timedelta(days=1))
    assert root_client.get("/admin/gallery/asset/").status_code == 200
    assert root_client.get(f"/admin/gallery/asset/{asset.pk}/change/").status_code == 200
    assert root_client.get("/admin/gallery/assetflag/?open=yes").status_code == 200
    assert root_client.get("/admin/simpoc/backup/").status_code == 200
