import pytest
from django_q.models import Schedule

from simulation.apps import RECOVERY_SCHEDULE


@pytest.mark.django_db
def test_recovery_schedule_exists_after_migrate():
    schedule = Schedule.objects.get(name=RECOVERY_SCHEDULE)
    assert schedule.func == "simulation.tasks.render_recover_stuck_task"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 5
