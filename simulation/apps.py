from django.apps import AppConfig
from django.db.models.signals import post_migrate

RECOVERY_SCHEDULE = "simulation: recover renders whose worker died"


def ensure_recovery_schedule(using: str = "default", **kwargs: object) -> None:
    from django_q.models import Schedule

    Schedule.objects.using(using).get_or_create(
        name=RECOVERY_SCHEDULE,
        defaults={
            "func": "simulation.tasks.render_recover_stuck_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 5,
            "repeats": -1,
        },
    )


def _recover_renders(sender: object, **kwargs: object) -> None:
    """A worker that starts re-queues at once the renders a stopped or killed one was drawing."""
    from django_q.tasks import async_task

    async_task(
        "simulation.tasks.render_recover_stuck_task", task_name="recover renders after the worker started"
    )


class SimulationConfig(AppConfig):
    name = "simulation"
    verbose_name = "Physics simulation"

    def ready(self) -> None:
        post_migrate.connect(
            ensure_recovery_schedule, sender=self, dispatch_uid="simulation-recovery-schedule"
        )
        from simpoc.shutdown import worker_starting

        worker_starting.connect(_recover_renders, dispatch_uid="simulation.recover_renders")
