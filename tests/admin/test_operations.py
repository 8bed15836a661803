"""Storage dashboard, retention and backup buttons, queue health, renders, users and API keys."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from gallery.apps import RETENTION_SCHEDULE_NAME
from gallery.models import Asset
from media_gen.models import Generation
from simpoc.models import ApiKey, Backup
from simulation.models import Render
from tests.admin.conftest import messages_of
from tests.factories import make_api_key
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory

pytestmark = pytest.mark.django_db
STORAGE = "/admin/gallery/asset/storage/"


def test_storage_dashboard_shows_the_stats_growth_retention_and_last_backup(root_client, user, settings):
    settings.RETENTION_DAYS = 45
    AssetFactory(owner=user)
    older = AssetFactory(owner=user, created_at=timezone.now() - timedelta(days=3))
    Backup.objects.create(
        engine="sqlite", status=Backup.Status.VERIFIED, size_bytes=3 * 1024 * 1024, finished_at=timezone.now()
    )
    response = root_client.get(STORAGE)
    page = response.content.decode()
    stats = response.context["stats"]
    assert stats["by_kind"]["images"]["count"] == 2
    assert stats["largest_users"][0]["username"] == user.username
    growth = response.context["growth"]
    assert len(growth) == 30
    everything = sum(Asset.objects.values_list("size_bytes", flat=True))
    assert growth[-4] == {**growth[-4], "count": 1, "bytes": older.size_bytes}  # its thumbnail is from today
    assert growth[-1]["bytes"] == everything - older.size_bytes
    assert sum(day["bytes"] for day in growth[:-4]) == 0
    assert "45 days" in page
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE_NAME)
    assert schedule.next_run.strftime("%Y-%m-%d %H:%M") in page
    assert "3.0\xa0MB" in page and "Verified" in page
    assert 'id="backup-failed"' not in page
    assert 'action="/admin/gallery/asset/storage/retention/"' in page
    assert 'action="/admin/simpoc/backup/run/"' in page


def test_a_failed_last_backup_is_shown_loudly(root_client):
    Backup.objects.create(engine="sqlite", status=Backup.Status.VERIFIED, finished_at=timezone.now())
    Backup.objects.create(engine="sqlite", status=Backup.Status.FAILED, error="No space left on device")
    page = root_client.get(STORAGE).content.decode()
    assert 'id="backup-failed"' in page and "No space left on device" in page
    assert "FAILED" in root_client.get("/admin/simpoc/backup/").content.decode()


def test_retention_run_is_post_only_csrf_protected_and_deletes_expired_items(superuser, user, settings):
    settings.RETENTION_DAYS = 30
    old = AssetFactory(owner=user, created_at=timezone.now() - timedelta(days=40))
    kept = AssetFactory(owner=user, created_at=timezone.now() - timedelta(days=40), favorite=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    url = "/admin/gallery/asset/storage/retention/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    page = client.get(STORAGE)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
    assert any("Retention run queued" in m for m in messages_of(response))
    assert not Asset.objects.filter(pk=old.pk).exists()
    assert Asset.objects.filter(pk=kept.pk).exists()


def test_retention_run_when_retention_is_off_says_so(root_client, user, settings):
    settings.RETENTION_DAYS = 0
    old = AssetFactory(owner=user, created_at=timezone.now() - timedelta(days=400))
    response = root_client.post("/admin/gallery/asset/storage/retention/", follow=True)
    assert any("Retention is off" in m for m in messages_of(response))
    assert Asset.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)  # a PostgreSQL backup needs its own transaction
def test_backup_button_takes_a_backup(root_client, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    response = root_client.post("/admin/simpoc/backup/run/", follow=True)
    assert any("Backup queued" in m for m in messages_of(response))
    record = Backup.objects.get()  # tasks run inline in tests: it is already taken and checked
    assert record.trigger == "admin" and record.status == Backup.Status.VERIFIED, record.error
    assert record.size_bytes > 0
    assert 'id="backup-result"' in response.content.decode() and "Verified" in response.content.decode()
    assert root_client.get("/admin/simpoc/backup/run/").status_code == 405


def test_queue_health_lists_what_is_stuck_with_the_fix(root_client, user):
    long_ago = timezone.now() - timedelta(hours=2)
    stuck = GenerationFactory(owner=user, status="processing", created_at=long_ago)
    GenerationFactory(owner=user, status="processing")  # just started: not stuck
    failing = GenerationFactory(
        owner=user,
        status="failed",
        output_url="https://replicate.delivery/x.png",
        upstream_completed_at=timezone.now() - timedelta(minutes=5),
        download_tries=6,
        error="HTTP 500 (gave up after 6 tries)",
    )
    stuck_render = RenderFactory(owner=user, status="rendering", frames_done=3)
    Render.objects.filter(pk=stuck_render.pk).update(updated_at=long_ago)
    failed_render = RenderFactory(owner=user, status="failed", error="EGL: no display")
    response = root_client.get("/admin/media_gen/generation/queue-health/")
    assert response.context["stuck_generations"] == [stuck]
    assert response.context["failing_downloads"] == [failing]
    assert [r.pk for r in response.context["stuck_renders"]] == [stuck_render.pk]
    assert [r.pk for r in response.context["failed_renders"]] == [failed_render.pk]
    page = response.content.decode()
    for action in ("refresh_upstream", "cancel_generations", "retry_download", "rerender", "cancel_renders"):
        assert f'value="{action}"' in page
    assert "/admin/django_q/" in page


def test_queue_health_says_its_thresholds_in_words(root_client):
    page = root_client.get("/admin/media_gen/generation/queue-health/").content.decode()
    assert "waiting for Replicate longer than 30 minutes" in page
    assert "without progress for longer than 15 minutes" in page
    assert "0:30:00" not in page


def test_rerender_queues_a_new_render_of_the_same_scene(root_client, user):
    failed = RenderFactory(
        owner=user, status="failed", error="boom", duration=0.2, fps=5, width=64, height=48
    )
    response = root_client.post(
        "/admin/simulation/render/", {"action": "rerender", "_selected_action": [failed.pk]}, follow=True
    )
    new = Render.objects.exclude(pk=failed.pk).get()
    assert new.scene_data == failed.scene_data and (new.width, new.height, new.fps) == (64, 48, 5)
    assert new.status == "completed" and new.asset_id  # tasks run inline in tests
    assert any(f"queued as render #{new.pk}" in m for m in messages_of(response))


def test_cancel_and_delete_renders(root_client, user):
    queued = RenderFactory(owner=user, status="queued")
    done = RenderFactory(owner=user, status="completed", asset=AssetFactory(owner=user, kind="render"))
    response = root_client.post(
        "/admin/simulation/render/",
        {"action": "cancel_renders", "_selected_action": [queued.pk, done.pk]},
        follow=True,
    )
    text = " ".join(messages_of(response))
    assert "Canceled 1" in text and "already completed" in text
    assert Render.objects.get(pk=queued.pk).status == "canceled"
    root_client.post(
        "/admin/simulation/render/",
        {"action": "delete_selected", "_selected_action": [done.pk], "post": "yes"},
    )
    assert not Render.objects.filter(pk=done.pk).exists()
    assert not Asset.objects.filter(pk=done.asset_id).exists()


def test_revoke_every_key_of_selected_users(root_client, user, other_user):
    _, raw = make_api_key(user, name="ci")
    make_api_key(user, name="laptop")
    untouched, _ = make_api_key(other_user, name="theirs")
    response = root_client.post(
        "/admin/auth/user/", {"action": "revoke_all_keys", "_selected_action": [user.pk]}, follow=True
    )
    assert any("Revoked 2 API key(s)" in m for m in messages_of(response))
    assert not ApiKey.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert ApiKey.objects.get(pk=untouched.pk).revoked_at is None
    assert Client(HTTP_X_API_KEY=raw).get("/api/auth/me").status_code == 401


def test_generation_delete_from_the_change_page(root_client, user, emulator):
    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    response = root_client.post(f"/admin/media_gen/generation/{generation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Generation.objects.filter(pk=generation.pk).exists()
    assert not Asset.objects.filter(pk=generation.asset_id).exists()
