"""Retention: old non-favourite assets go (thumbnails with them), then each app's hook runs."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from gallery import services, tasks
from gallery.apps import RETENTION_SCHEDULE_NAME
from gallery.models import Asset
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes

HOOK_CALLS: list = []


def recording_hook(*, cutoff):
    HOOK_CALLS.append(cutoff)
    return 7


@pytest.fixture
def aged(user):
    now = timezone.now()
    return {
        "expired": AssetFactory(owner=user, created_at=now - timedelta(days=31)),
        "expired_favorite": AssetFactory(owner=user, favorite=True, created_at=now - timedelta(days=40)),
        "fresh": AssetFactory(owner=user, created_at=now - timedelta(days=29)),
    }


def test_nothing_is_deleted_when_retention_is_off(settings, aged):
    settings.RETENTION_DAYS = 0

    result = services.retention_run()

    assert result.assets_deleted == 0
    assert Asset.objects.count() == 6


def test_old_assets_go_with_their_thumbnails_favourites_and_fresh_ones_stay(settings, aged):
    settings.RETENTION_DAYS = 30
    # A thumbnail is never expired on its own, however old.
    Asset.objects.filter(pk=aged["fresh"].thumbnail_id).update(created_at=timezone.now() - timedelta(days=99))

    result = services.retention_run()

    assert result.assets_deleted == 1
    assert not Asset.objects.filter(pk__in=[aged["expired"].pk, aged["expired"].thumbnail_id]).exists()
    remaining = set(Asset.objects.exclude(kind="thumbnail").values_list("pk", flat=True))
    assert remaining == {aged["expired_favorite"].pk, aged["fresh"].pk}
    assert Asset.objects.filter(kind="thumbnail").count() == 2


def test_hooks_get_the_cutoff_and_their_counts_are_reported(settings, aged):
    settings.RETENTION_DAYS = 30
    settings.RETENTION_HOOKS = ["tests.gallery.test_retention.recording_hook"]
    HOOK_CALLS.clear()
    now = timezone.now()

    result = tasks.retention_run()

    assert len(HOOK_CALLS) == 1
    assert abs(HOOK_CALLS[0] - (now - timedelta(days=30))) < timedelta(seconds=5)
    assert result["hooks"] == {"tests.gallery.test_retention.recording_hook": 7}
    assert result["assets_deleted"] == 1


def failing_hook(*, cutoff):
    raise RuntimeError("boom")


def test_a_failing_hook_does_not_stop_the_others_but_fails_the_run(settings, aged):
    settings.RETENTION_DAYS = 30
    settings.RETENTION_HOOKS = [
        "tests.gallery.test_retention.failing_hook",
        "tests.gallery.test_retention.recording_hook",
    ]
    HOOK_CALLS.clear()

    with pytest.raises(services.RetentionHookFailed, match="failing_hook"):
        services.retention_run()

    assert len(HOOK_CALLS) == 1
    assert not Asset.objects.filter(pk=aged["expired"].pk).exists()


def test_batches_cover_a_backlog(settings, user, monkeypatch):
    settings.RETENTION_DAYS = 1
    monkeypatch.setattr(services, "RETENTION_BATCH", 2)
    old = timezone.now() - timedelta(days=2)
    for shade in range(5):
        services.asset_store(owner=user, stream=io.BytesIO(png_bytes(color=(shade, 0, 0))), kind="image")
    Asset.objects.update(created_at=old)

    assert services.retention_run().assets_deleted == 5
    assert not Asset.objects.exists()


def test_the_daily_schedule_exists_after_migrate(db):
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE_NAME)

    assert schedule.func == "gallery.tasks.retention_run"
    assert schedule.schedule_type == Schedule.DAILY
