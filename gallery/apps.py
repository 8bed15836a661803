from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

RETENTION_SCHEDULE_NAME = "gallery.retention_run"


def ensure_retention_schedule(*, using: str = "default", **kwargs: Any) -> None:
    """The daily retention job, created once; an admin may change its time or disable it after."""
    from django.utils import timezone
    from django_q.models import Schedule

    tomorrow = timezone.now().date() + timedelta(days=1)
    Schedule.objects.using(using).get_or_create(
        name=RETENTION_SCHEDULE_NAME,
        defaults={
            "func": "gallery.tasks.retention_run",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": datetime.combine(tomorrow, time(3, 17), tzinfo=UTC),
        },
    )


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = "Gallery and stored media"

    def ready(self) -> None:
        from gallery import signals  # noqa: F401 - connects the receivers

        post_migrate.connect(
            ensure_retention_schedule, sender=self, dispatch_uid="gallery_retention_schedule"
        )
