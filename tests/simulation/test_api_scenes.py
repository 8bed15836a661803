"""The scenes API: generate, refine, validate, save/list/get/update/delete, two users, /models."""

import pytest

from simulation.models import Scene
from tests.simulation.factories import SceneFactory, body, scene_json


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_generate_saves_and_returns_the_scene_with_its_id(user_client, user):
    response = post(user_client, "/api/generate", {"prompt": "three red balls falling onto a blue box"})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert len(answer["objects"]) == 4
    assert answer["_model"] == "local-composer"
    assert answer["_notes"][0].startswith("Read as: 3 red balls")
    saved = Scene.objects.get(pk=answer["_id"])
    assert saved.owner == user
    assert saved.scene_data["objects"].keys() == answer["objects"].keys()


def test_generate_through_the_llm(user_client, fake_llm):
    fake_llm.answer(
        '{"objects": {"crate": {"id": "crate", "transform": {"position": {"x": 0, "y": 0.5, "z": 0}}}}, '
        '"selectedObject": null}'
    )
    answer = post(user_client, "/api/generate", {"prompt": "a crate"}).json()
    assert answer["_model"] == "llm:fake-model"
    assert user_client.get("/api/models").json() == {"models": ["llm:fake-model"]}


def test_generate_needs_a_prompt(user_client):
    response = post(user_client, "/api/generate", {"prompt": "   "})
    assert response.status_code == 422
    assert response.json()["detail"] == "Describe the scene in a few words."
    assert Scene.objects.count() == 0


def test_anonymous_is_refused(anon_client):
    assert post(anon_client, "/api/generate", {"prompt": "a ball"}).status_code == 401
    assert anon_client.get("/api/scenes").status_code == 401


def test_api_key_works(key_client):
    assert post(key_client, "/api/generate", {"prompt": "a ball"}).status_code == 200


def test_refine_returns_the_edited_scene(user_client):
    scene = scene_json(body("box", color="#e53935"))
    response = post(user_client, "/api/refine", {"scene": scene, "prompt": "make the box blue"})
    assert response.status_code == 200, response.content
    assert response.json()["objects"]["box"]["visualProperties"]["color"] == "#1e88e5"
    assert response.json()["_notes"] == ["Coloured 1 object(s)."]


def test_refine_refuses_an_invalid_scene(user_client):
    scene = scene_json(body("box", scale=(0, 1, 1)))
    response = post(user_client, "/api/refine", {"scene": scene, "prompt": "make it blue"})
    assert response.status_code == 422
    assert "scene.objects.box.transform.scale.x" in response.json()["detail"]


def test_validate_reports_structure_and_physics(user_client):
    good = post(user_client, "/api/validate", scene_json(body("a")))
    assert good.json() == {
        "valid": True,
        "message": "The scene is valid.",
        "details": {"errors": [], "warnings": [], "object_count": 1},
    }
    overlap = post(
        user_client, "/api/validate", scene_json(body("a"), body("b", position=(0.5, 0.5, 0)))
    ).json()
    assert overlap["valid"] is False
    assert overlap["details"]["errors"][0]["objects"] == ["a", "b"]
    broken = post(user_client, "/api/validate", {"objects": {"a": {"id": "a"}}}).json()
    assert broken["valid"] is False
    assert "object 'a' field transform: Field required" in broken["message"]


def test_save_list_get_update_delete(user_client):
    created = post(user_client, "/api/scenes", {"scene": scene_json(body("a")), "name": "mine"})
    assert created.status_code == 200, created.content
    scene_id = created.json()["id"]
    assert created.json()["model"] == "manual"
    listed = user_client.get("/api/scenes").json()
    assert listed["total"] == 1 and listed["scenes"][0]["name"] == "mine"
    assert listed["limit"] == 50 and listed["offset"] == 0
    updated = user_client.put(
        f"/api/scenes/{scene_id}",
        {"scene": scene_json(body("b")), "name": "renamed"},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert list(updated.json()["scene_data"]["objects"]) == ["b"]
    assert user_client.get(f"/api/scenes/{scene_id}").json()["name"] == "renamed"
    deleted = user_client.delete(f"/api/scenes/{scene_id}")
    assert deleted.json() == {"success": True, "message": f"Scene {scene_id} deleted."}
    assert user_client.get(f"/api/scenes/{scene_id}").status_code == 404


def test_save_refuses_a_structurally_invalid_scene_and_saves_nothing(user_client):
    response = post(user_client, "/api/scenes", {"scene": {"objects": {"a": body("b")}}})
    assert response.status_code == 422
    assert Scene.objects.count() == 0


def test_list_filters_by_model_and_pages(user_client, user):
    SceneFactory.create_batch(3, owner=user, model="local-composer")
    SceneFactory(owner=user, model="llm:x")
    assert user_client.get("/api/scenes?model=llm:x").json()["total"] == 1
    page = user_client.get("/api/scenes?limit=2&offset=2").json()
    assert page["total"] == 4 and len(page["scenes"]) == 2
    assert user_client.get("/api/scenes?limit=101").status_code == 422
    assert user_client.get("/api/models").json() == {"models": ["llm:x", "local-composer"]}


def test_list_query_count_is_flat(user_client, user, django_assert_max_num_queries):
    SceneFactory.create_batch(10, owner=user)
    with django_assert_max_num_queries(6):
        assert user_client.get("/api/scenes").json()["total"] == 10


@pytest.mark.parametrize(
    ("method", "path_template"),
    [("get", "/api/scenes/{id}"), ("delete", "/api/scenes/{id}"), ("put", "/api/scenes/{id}")],
)
def test_other_users_scenes_are_invisible(other_client, user, method, path_template):
    scene = SceneFactory(owner=user)
    path = path_template.format(id=scene.pk)
    data = {"scene": scene_json(body("x"))}
    response = getattr(other_client, method)(path, data, content_type="application/json")
    assert response.status_code == 404
    assert Scene.objects.get(pk=scene.pk).scene_data == scene.scene_data
    assert other_client.get("/api/scenes").json()["total"] == 0
    assert other_client.get("/api/models").json() == {"models": []}


def test_validate_refuses_a_body_that_is_not_an_object(user_client):
    response = post(user_client, "/api/validate", [1, 2, 3])
    assert response.status_code == 422
    assert "detail" in response.json()
