from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SimpocConfig(AppConfig):
    name = "simpoc"
    verbose_name = "Accounts, API keys and backups"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from simpoc.dbspace import ensure_reclaim_schedule, sqlite_new_file_incremental

        post_migrate.connect(ensure_reclaim_schedule, sender=self, dispatch_uid="simpoc-reclaim-schedule")
        connection_created.connect(sqlite_new_file_incremental, dispatch_uid="simpoc-sqlite-auto-vacuum")
