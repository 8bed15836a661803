"""django-q2 task functions of this app: thin, calling services."""

from simulation import services


def render_task(render_id: int) -> str:
    render = services.render_run(render_id=render_id)
    return render.status if render is not None else "deleted"


def render_recover_stuck_task() -> str:
    return f"re-queued {services.render_recover_stuck()} stuck render(s)"
