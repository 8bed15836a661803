from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SimpocConfig(AppConfig):
    name = "simpoc"
    verbose_name = "Accounts, API keys and backups"

    def ready(self) -> None:
        from simpoc.dbspace import ensure_reclaim_schedule

        post_migrate.connect(ensure_reclaim_schedule, sender=self, dispatch_uid="simpoc-reclaim-schedule")
