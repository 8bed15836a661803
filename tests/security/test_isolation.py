"""Item 12: one user can never read, list, stream, modify or delete another user's generations,
assets, scenes, renders or API keys. The test walks every route of the OpenAPI document."""

import io
import re

import pytest
from django.test import Client

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen.models import Generation
from simpoc.models import ApiKey
from simulation.models import Render, Scene
from tests.factories import make_api_key
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory, SceneFactory, body, scene_json
from webroot.api import api

pytestmark = pytest.mark.django_db

MARKER = "alice-private-7f3a9c"
# Routes with a path parameter that are not per-user objects.
NOT_OWNED = {
    "/api/video-models/{owner}/{name}/schema",  # the public catalogue
    "/api/image-models/{owner}/{name}/schema",
    "/api/audio-models/{owner}/{name}/schema",
    "/api/upload-image/{token}",  # a signed capability link for Replicate, tested in tests/media_gen
}
# Public or per-request endpoints without stored per-user data to leak.
NOT_LISTS = {
    "/api/",
    "/api/auth/login",
    "/api/auth/logout",
    "/api/video-models",
    "/api/image-models",
    "/api/audio-models",
    "/api/replicate-models",
}


@pytest.fixture(params=["session", "api-key"])
def intruder(request, other_user, other_client):
    """The second user, signed in the browser's way or an integration's."""
    if request.param == "session":
        return other_client
    return Client(enforce_csrf_checks=True, HTTP_X_API_KEY=make_api_key(other_user)[1])


@pytest.fixture
def alice_things(user, mp4):
    image = GenerationFactory(owner=user, kind="image", prompt=MARKER, asset=AssetFactory(owner=user))
    video_asset = gallery_services.asset_store(
        owner=user, stream=io.BytesIO(mp4), kind="video", filename="v.mp4"
    )
    video = GenerationFactory(owner=user, kind="video", prompt=MARKER, asset=video_asset)
    running = GenerationFactory(owner=user, kind="image", prompt=MARKER, status="failed", asset=None)
    audio_asset = AssetFactory(owner=user, kind="audio", content=audio_bytes("wav"), filename="a.wav")
    audio = GenerationFactory(owner=user, kind="audio", prompt=MARKER, asset=audio_asset)
    scene = SceneFactory(owner=user, name=MARKER, prompt=MARKER)
    render_asset = gallery_services.asset_store(
        owner=user, stream=io.BytesIO(mp4), kind="render", filename="r.mp4"
    )
    render = RenderFactory(
        owner=user,
        status="completed",
        asset=render_asset,
        scene_context=MARKER,
        frames_total=10,
        frames_done=10,
    )
    key, _ = make_api_key(user, name=MARKER)
    return {
        "images": image.pk,
        "videos": video.pk,
        "audio": audio.pk,
        "failed": running.pk,
        "scene": scene.pk,
        "render": render.pk,
        "key": key.pk,
        "asset": image.asset_id,
    }


def operations():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            yield path, method.upper()


def concrete(path: str, things: dict) -> str | None:
    if path in NOT_OWNED:
        return None
    replacements = {
        "{key_id}": things["key"],
        "{asset_id}": things["asset"],
        "{scene_id}": things["scene"],
        "{render_id}": things["render"],
    }
    if "{generation_id}" in path:
        family = path.split("/")[2]  # images, videos or audio
        replacements["{generation_id}"] = things[family]
    for name, value in replacements.items():
        path = path.replace(name, str(value))
    assert "{" not in path, f"{path}: a route with a parameter this test does not know; add it"
    return path


BODIES = {
    "PATCH": {"favorite": True},
    "PUT": {"scene": scene_json(body("hijacked")), "name": "hijacked"},
}


def snapshot() -> dict:
    return {
        "generations": sorted(Generation.objects.values_list("pk", "favorite", "status", "asset_id")),
        "assets": sorted(Asset.objects.values_list("pk", "favorite", "hidden_at")),
        "scenes": sorted(Scene.objects.values_list("pk", "name", "scene_data")),
        "renders": sorted(Render.objects.values_list("pk", "status")),
        "keys": sorted(ApiKey.objects.values_list("pk", "revoked_at")),
    }


def test_every_route_refuses_another_users_objects(alice_things, intruder, emulator):
    before = snapshot()
    walked = []
    for path, method in operations():
        if "{" not in path:
            continue
        url = concrete(path, alice_things)
        if url is None:
            continue
        response = getattr(intruder, method.lower())(
            url, BODIES.get(method, {}), content_type="application/json"
        )
        assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
        assert MARKER.encode() not in response.content
        walked.append((method, path))
    assert len(walked) >= 20
    assert snapshot() == before, "another user's request changed something"


def test_the_owner_reaches_the_same_routes_so_the_walk_is_real(alice_things, user_client):
    for path, method in operations():
        if "{" not in path or method != "GET" or path in NOT_OWNED or path.startswith("/api/admin"):
            continue
        url = concrete(path, alice_things)
        assert user_client.get(url).status_code == 200, url


def test_lists_and_exports_never_show_another_users_objects(alice_things, intruder, user_client):
    for path, method in operations():
        if "{" in path or method != "GET" or path in NOT_LISTS:
            continue
        for query in ("", f"?q={MARKER}", "?limit=100", f"?model={MARKER}"):
            response = intruder.get(path + query)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            assert MARKER.encode() not in content, f"GET {path}{query} shows another user's data"
    # The owner does see them, so the check above can fail.
    assert MARKER in user_client.get("/api/images").content.decode()
    assert MARKER in user_client.get("/api/scenes").content.decode()


@pytest.mark.parametrize("kind", ["images", "videos", "renders"])
def test_export_of_chosen_ids_refuses_another_users(alice_things, other_client, kind):
    ident = alice_things["render" if kind == "renders" else kind]
    response = other_client.get(f"/api/archive?{kind}={ident}")
    assert response.status_code == 404
    assert MARKER.encode() not in response.content


def test_starting_a_generation_from_another_users_image_is_refused(alice_things, other_client, emulator):
    url = f"/api/images/{alice_things['images']}/data"
    response = other_client.post(
        "/api/run-image-model",
        {"model_id": "stability-ai/stable-video-diffusion", "input": {"input_image": url}},
        content_type="application/json",
    )
    assert response.status_code in (403, 404, 422)
    assert re.search(r"not available|not found", response.json()["detail"], re.IGNORECASE)


@pytest.mark.parametrize("family", ["images", "videos", "audio"])
def test_running_a_model_on_another_users_stored_item_is_refused(
    alice_things, other_client, emulator, family
):
    before = snapshot()
    kind = {"images": "image", "videos": "video", "audio": "audio"}[family]
    response = other_client.post(
        "/api/run-video-model",
        {"model_id": "emulator/captioner", "source": {"kind": kind, "id": alice_things[family]}},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert MARKER.encode() not in response.content
    assert snapshot() == before
