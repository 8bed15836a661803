"""The persisted django-q2 schedules of media generation: each job does one thing."""

# (name, task function, minutes between runs)
SCHEDULES = (
    ("media_gen: poll generations in flight", "media_gen.tasks.generation_poll_loop", 1),
    (
        "media_gen: give up on generations Replicate never answered",
        "media_gen.tasks.generation_expire_stale",
        5,
    ),
    ("media_gen: forget old webhook receipts", "media_gen.tasks.webhook_receipts_purge", 60),
    ("media_gen: resume combines whose worker died", "media_gen.tasks.combine_recover", 5),
)


def schedules_ensure() -> None:
    """Create or update every schedule above (idempotent; run after each migrate)."""
    from django_q.models import Schedule

    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1},
        )
