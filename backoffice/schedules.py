"""The back office's persisted django-q2 schedule (the daily backup), created or updated after every migrate."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

BACKUP_SCHEDULE = "simpoc: daily backup"  # the name existing deployments have
BACKUP_FUNC = "backoffice.tasks.backup_run"


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
            "func": BACKUP_FUNC,
            "schedule_type": Schedule.DAILY,
            "next_run": next_run,
            "repeats": -1,
        },
    )
    if created:
        return
    changed = []
    if schedule.func != BACKUP_FUNC:  # made before the task moved from simpoc to backoffice
        schedule.func = BACKUP_FUNC
        changed.append("func")
    if schedule.next_run.hour != settings.BACKUP_HOUR_UTC:
        schedule.next_run = next_run
        changed.append("next_run")
    if changed:
        schedule.save(update_fields=changed)
