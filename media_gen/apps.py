from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_polling_schedule(sender: AppConfig, **kwargs: object) -> None:
    from media_gen.services import schedules_ensure

    schedules_ensure()


class MediaGenConfig(AppConfig):
    name = "media_gen"
    verbose_name = "Media generation (Replicate)"

    def ready(self) -> None:
        # After every migrate (also a fresh deployment's), so the schedule exists without a manual step.
        post_migrate.connect(_ensure_polling_schedule, sender=self, dispatch_uid="media_gen.polling_schedule")
