"""The project package's persisted django-q2 schedules, created or updated after every migrate."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

BACKUP_SCHEDULE = "simpoc: daily backup"


def ensure_backup_schedule(**kwargs: object) -> None:
    from django_q.models import Schedule

    if settings.BACKUP_HOUR_UTC < 0:
        Schedule.objects.filter(name=BACKUP_SCHEDULE).delete()
        return
    now = timezone.now()
    next_run = now.replace(hour=settings.BACKUP_HOUR_UTC, minute=0, second=0, microsecond=0)
    if next_run <= now:
        next_run += timedelta(days=1)
    schedule, created = Schedule.objects.get_or_create(
        name=BACKUP_SCHEDULE,
        defaults={
            "func": "simpoc.tasks.backup_run",
            "schedule_type": Schedule.DAILY,
            "next_run": next_run,
            "repeats": -1,
        },
    )
    if not created and schedule.next_run.hour != settings.BACKUP_HOUR_UTC:
        schedule.next_run = next_run
        schedule.save(update_fields=["next_run"])
