"""Issue 17, item 1: on a stop request (SIGTERM to qcluster) work in progress is given back, not
lost: a download's try is returned to the queue uncounted, a render goes back to "queued"."""

import pytest

from gallery.models import Asset
from media_gen import replicate_client, services
from media_gen.models import DownloadAttempt, Generation
from simpoc import shutdown
from simpoc.models import Lease
from simulation import services as simulation_services
from simulation import tasks as simulation_tasks
from tests.reliability.test_crash_recovery import MODEL
from tests.simulation.factories import RenderFactory, body, scene_json

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stopping():
    shutdown.install().set()
    yield
    shutdown.reset()


def test_a_download_interrupted_by_a_stop_is_given_back_and_completes_later(emulator, user, stopping):
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "a kite"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    services.generation_poll_in_flight()  # the round finds the output and starts its download

    generation.refresh_from_db()
    assert generation.status == "downloading" and generation.asset_id is None
    assert generation.download_tries == 0, "a try the worker gave back is not counted"
    assert generation.download_claimed_until is None
    assert "worker stopped" in DownloadAttempt.objects.get().error
    assert not Asset.objects.exists() and not Lease.objects.exists()

    shutdown.reset()  # the next worker
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "completed" and Asset.objects.filter(kind="image").count() == 1


def test_a_render_interrupted_by_a_stop_goes_back_to_the_queue_and_completes_later(user, stopping):
    render = RenderFactory(
        owner=user,
        scene_data=scene_json(body("box", position=(0, 1, 0))),
        duration=0.5,
        fps=10,
        width=64,
        height=48,
        frames_total=5,
    )
    simulation_services.render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == "queued" and render.asset_id is None
    assert not Asset.objects.exists() and not Lease.objects.exists()

    shutdown.reset()
    assert simulation_tasks.render_task(render.pk) == "completed"
    assert Asset.objects.filter(kind="render").count() == 1
