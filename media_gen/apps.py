from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_polling_schedule(sender: AppConfig, **kwargs: object) -> None:
    from media_gen.services import schedules_ensure

    schedules_ensure()


def _ensure_search_triggers(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from media_gen.search import search_triggers_ensure
    from media_gen.totals import totals_triggers_ensure

    search_triggers_ensure(using=using)
    totals_triggers_ensure(using=using)


def _search_functions(sender: object, connection: object, **kwargs: object) -> None:
    """Every SQLite connection gets the function the search index's triggers call."""
    if getattr(connection, "vendor", "") == "sqlite":
        from media_gen.search import search_functions_register

        search_functions_register(connection.connection)  # type: ignore[attr-defined]


def _resume_polling(sender: object, **kwargs: object) -> None:
    """A worker that starts polls at once what a stopped or killed one left in flight."""
    from django_q.tasks import async_task

    async_task("media_gen.tasks.generation_poll_loop", task_name="poll after the worker started")
    # A combine whose worker died mid-join is queued again (or failed after repeated deaths).
    async_task("media_gen.tasks.combine_recover", task_name="resume combines after the worker started")


class MediaGenConfig(AppConfig):
    name = "media_gen"
    verbose_name = "Media generation (Replicate)"

    def ready(self) -> None:
        # After every migrate (also a fresh deployment's), so the schedule exists without a manual step.
        post_migrate.connect(_ensure_polling_schedule, sender=self, dispatch_uid="media_gen.polling_schedule")
        # A migration that rebuilds the SQLite table drops its triggers (the search index's, the
        # owners' totals'); put them back.
        post_migrate.connect(_ensure_search_triggers, sender=self, dispatch_uid="media_gen.search_triggers")
        from django.db.backends.signals import connection_created

        connection_created.connect(_search_functions, dispatch_uid="media_gen.search_functions")
        from simpoc.shutdown import worker_starting

        worker_starting.connect(_resume_polling, dispatch_uid="media_gen.resume_polling")
