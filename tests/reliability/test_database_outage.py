"""Item 4: the database locked or briefly unavailable, Redis restarted: requests get a clean 503
with Retry-After, the work is retried, nothing is lost."""

import sqlite3
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from gallery.models import Asset
from media_gen import replicate_client, services
from media_gen.models import Generation
from media_gen.services import delivery as media_delivery
from media_gen.services import lifecycle as media_lifecycle
from simulation.models import Scene
from tests.simulation.factories import body, scene_json

REDIS_URL = "redis://127.0.0.1:6379/0"
SCENE = {"scene": scene_json(body("box")), "name": "kept"}


def save_scene(client):
    return client.post("/api/scenes", SCENE, content_type="application/json")


@pytest.fixture
def short_busy_timeout():
    """The request's connection waits 0.2 s (not 20 s) for SQLite's write lock."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's lock")
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("timeout")
    connection.close()
    options["timeout"] = 0.2
    yield
    connection.close()
    options["timeout"] = saved


@pytest.mark.django_db(transaction=True)
def test_sqlite_busy_answers_503_then_the_retry_is_stored(user_client, short_busy_timeout):
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        busy = save_scene(user_client)
        assert busy.status_code == 503, busy.content
        assert busy["Content-Type"].startswith("application/json")
        assert "try again" in busy.json()["detail"]
        assert int(busy["Retry-After"]) > 0
        # Readers are not blocked by a writer in WAL mode.
        assert user_client.get("/api/scenes").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Scene.objects.count() == 0
    retried = save_scene(user_client)
    assert retried.status_code == 200
    assert Scene.objects.get().name == "kept"


@pytest.mark.django_db(transaction=True)
def test_sqlite_broken_sql_stays_a_500_not_a_503(user_client, monkeypatch):
    """Only "try again" errors are 503: a bug must stay visible."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's error class")
    from simulation import selectors

    def broken(**kwargs):
        raise OperationalError("no such table: simulation_scene")

    monkeypatch.setattr(selectors, "scene_list", broken)
    user_client.raise_request_exception = False
    assert user_client.get("/api/scenes").status_code == 500


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_connection_lost_answers_503_then_recovers(user_client):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://...")
    import psycopg

    assert save_scene(user_client).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("server_side_binding", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        # Only this test's own backend: other engineers' runs share the server.
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    lost = save_scene(user_client)
    assert lost.status_code in (200, 503), lost.content
    if lost.status_code == 503:
        assert lost["Retry-After"] and "try again" in lost.json()["detail"]
    # What Django does at the end of every request outside tests (the test client skips it):
    # a connection that errored and is no longer usable is closed, the next request reconnects.
    close_old_connections()
    assert save_scene(user_client).status_code == 200
    names = list(Scene.objects.values_list("name", flat=True))
    assert len(names) == (3 if lost.status_code == 200 else 2)


@pytest.mark.django_db(transaction=True)
def test_download_task_hit_by_a_database_error_is_retried_and_completes_once(user, emulator, monkeypatch):
    prediction = replicate_client.prediction_create(
        model_id="black-forest-labs/flux-schnell", version=None, inputs={"prompt": "x"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id="m/n", status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    real_store = media_delivery.gallery_services.asset_store
    calls = []

    def locked_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_store(**kwargs)

    monkeypatch.setattr(media_delivery.gallery_services, "asset_store", locked_once)
    with pytest.raises(OperationalError):  # the task fails; the queue records it
        services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "downloading" and not Asset.objects.exists()
    services.generation_poll_in_flight(now=timezone.now() + services.DOWNLOAD_CLAIM + timedelta(seconds=5))
    generation.refresh_from_db()
    assert generation.status == "completed"
    assert Asset.objects.filter(kind="image").count() == 1


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return REDIS_URL


def kill_own_connection(client) -> None:
    """What a Redis restart does to a client, without restarting the server others share."""
    import redis

    client_id = client.client_id()
    killer = redis.from_url(REDIS_URL)
    assert killer.client_kill_filter(_id=client_id) == 1
    killer.close()


@pytest.mark.redis
def test_redis_broker_connection_lost_then_tasks_are_still_queued(redis_url, monkeypatch):
    from django_q.brokers.redis_broker import Redis
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    broker = Redis(list_key=f"reliability-{uuid.uuid4().hex}")
    try:
        broker.enqueue("first")
        kill_own_connection(broker.connection)
        broker.enqueue("second")  # after the drop: reconnects instead of losing the task
        assert broker.queue_size() == 2
        assert [broker.dequeue()[0][1], broker.dequeue()[0][1]] == [b"first", b"second"]
    finally:
        broker.delete_queue()


@pytest.mark.redis
def test_redis_cache_connection_lost_then_reads_still_work(redis_url):
    """The cache holds login throttling and the catalogue when REDIS_URL is set."""
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {})
    try:
        cache.set("reliability-probe", 1)
        kill_own_connection(cache._cache.get_client())
        assert cache.get("reliability-probe") == 1
    finally:
        cache.delete("reliability-probe")


@pytest.mark.django_db
def test_webhook_arriving_while_the_broker_is_down_is_answered_503_and_accepted_when_redelivered(
    user, public_site, monkeypatch
):
    """Replicate retries a webhook answered 5xx; the retry must not be dropped as a duplicate."""
    import redis
    from django.test import Client

    generation = Generation.objects.create(
        owner=user, kind="image", model_id="black-forest-labs/flux-schnell"
    )
    prediction = replicate_client.prediction_create(
        model_id=generation.model_id,
        version=None,
        inputs={"prompt": "x"},
        webhook=f"https://simpoc.example.com/api/webhooks/replicate?generation={generation.pk}",
    )
    Generation.objects.filter(pk=generation.pk).update(status="processing", prediction_id=prediction["id"])
    public_site.wait_idle()
    delivery = next(d for d in public_site.take_webhooks() if d.event == "completed")
    headers = {k: v for k, v in delivery.headers.items() if k != "content-type"}
    url = f"/api/webhooks/replicate?generation={generation.pk}"

    def broker_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    real_async_task = media_lifecycle.async_task
    monkeypatch.setattr(media_lifecycle, "async_task", broker_down)
    client = Client(raise_request_exception=False)
    down = client.post(url, data=delivery.body, content_type="application/json", headers=headers)
    assert down.status_code == 503, down.content
    assert down["Retry-After"] and "try again" in down.json()["detail"]

    monkeypatch.setattr(media_lifecycle, "async_task", real_async_task)
    again = client.post(url, data=delivery.body, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["ok"] is True, "the redelivery was dropped"
    generation.refresh_from_db()
    assert generation.status == "completed"


@pytest.mark.django_db
def test_render_requested_while_the_broker_is_down_leaves_no_stuck_render(user_client, monkeypatch, settings):
    """A render that was never queued must not stay "queued" for ever and hold the in-flight cap."""
    import redis

    from simulation import services as simulation_services
    from simulation.models import Render

    settings.RENDER_MAX_IN_FLIGHT = 1

    def broker_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused.")

    monkeypatch.setattr(simulation_services, "async_task", broker_down)
    request = {"scene": scene_json(body("box")), "duration": 1, "fps": 10, "resolution": [160, 90]}
    user_client.raise_request_exception = False
    down = user_client.post("/api/genesis/render", request, content_type="application/json")
    assert down.status_code == 503
    assert not Render.objects.filter(status__in=Render.IN_FLIGHT).exists()

    queued = []
    monkeypatch.setattr(simulation_services, "async_task", lambda *args, **kwargs: queued.append(args))
    again = user_client.post("/api/genesis/render", request, content_type="application/json")
    assert again.status_code == 202, again.content
    assert len(queued) == 1
