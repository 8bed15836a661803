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


class SimulationConfig(AppConfig):
    name = "simulation"
    verbose_name = "Physics simulation"

    def ready(self) -> None:
        post_migrate.connect(
            ensure_recovery_schedule, sender=self, dispatch_uid="simulation-recovery-schedule"
        )
