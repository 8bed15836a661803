"""/api/generate and /api/refine with the local composer: the _plan, and bad input (never a 500)."""

import pytest

from simulation.models import Scene


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_generate_answers_the_plan_and_its_check(user_client):
    response = post(
        user_client,
        "/api/generate",
        {"prompt": "a domino run of ten red dominoes knocked over by a blue ball"},
    )
    assert response.status_code == 200, response.content
    plan = response.json()["_plan"]
    assert plan["read_as"].startswith("10 red dominoes in a row; a blue ball")
    assert plan["will_happen"][0] == "10 red dominoes in a row; a blue ball"
    assert "the blue ball knocks over the first of the 10 red dominoes" in plan["will_happen"][1]
    assert plan["not_understood"] == []
    check = plan["check"]
    assert check["ran"] and check["passed"] and check["attempts"] >= 1
    assert {e["event"] for e in check["events"]} >= {"at least 70% of the 10 red dominoes in a row fall"}
    assert all(e["happened"] and e["detail"] for e in check["events"])


def test_generate_reports_words_it_did_not_understand(user_client):
    plan = post(user_client, "/api/generate", {"prompt": "a red ball next to a flamingo"}).json()["_plan"]
    assert plan["not_understood"] == ["flamingo"]


def test_refine_answers_a_plan_with_the_check(user_client):
    scene = post(user_client, "/api/generate", {"prompt": "a ball rolls into a box"}).json()
    response = post(user_client, "/api/refine", {"scene": scene, "prompt": "make it twice as fast"})
    assert response.status_code == 200, response.content
    plan = response.json()["_plan"]
    assert plan["check"]["ran"] and plan["check"]["passed"]
    assert "twice" in plan["read_as"] or "2 times" in plan["read_as"]


@pytest.mark.parametrize(
    ("prompt", "detail"),
    [
        ("", None),
        ("   \n\t ", "Describe the scene in a few words."),
        ("a ball " * 800, None),
        ("the meaning of life", "Found no object in the description"),
        ("\x00\x01\x02", "Found no object in the description"),
    ],
    ids=["empty", "blank", "5000-characters", "nothing-known", "control-characters-only"],
)
def test_bad_prompts_are_a_clear_422(user_client, prompt, detail):
    response = post(user_client, "/api/generate", {"prompt": prompt})
    assert response.status_code == 422, response.content
    if detail:
        assert detail in str(response.json()["detail"])
    assert Scene.objects.count() == 0


@pytest.mark.parametrize(
    ("prompt", "objects", "note"),
    [
        ("a billion balls", 500, "more than a scene can hold"),
        ("-3 boxes", 3, "not negative"),
        ("a red\x07 ball\x1b falling onto a box", 2, "Read as: a red ball; a box"),
        ("a tiny huge red blue ball", 1, "Read as:"),
    ],
)
def test_odd_prompts_give_a_clamped_explained_scene(user_client, prompt, objects, note):
    response = post(user_client, "/api/generate", {"prompt": prompt})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert len(answer["objects"]) == objects
    assert any(note in n for n in answer["_notes"]), answer["_notes"]


def test_contradictory_sentence_is_read_and_explained(user_client):
    answer = post(user_client, "/api/generate", {"prompt": "a ball that falls up onto a box"}).json()
    assert len(answer["objects"]) == 2
    assert "falls onto the box" in answer["_plan"]["read_as"]


def test_refine_through_the_plan_composes_and_checks_again(user_client):
    scene = post(
        user_client, "/api/generate", {"prompt": "ten dominoes in a row knocked over by a ball"}
    ).json()
    assert scene["_plan"]["sentence"] == "ten dominoes in a row knocked over by a ball"
    body = {"scene": scene, "prompt": "add five more dominoes", "plan": scene["_plan"]}
    refined = post(user_client, "/api/refine", body).json()
    assert sum(1 for i in refined["objects"] if i.startswith("domino_")) == 15
    assert refined["_plan"]["edits"] == ["add five more dominoes"]
    assert refined["_plan"]["check"]["passed"]
    assert "15 dominoes in a row" in refined["_plan"]["read_as"]
    faster = post(
        user_client,
        "/api/refine",
        {"scene": refined, "prompt": "make it twice as fast", "plan": refined["_plan"]},
    ).json()
    (ball,) = [o for i, o in faster["objects"].items() if i.startswith("ball_")]
    (before,) = [o for i, o in refined["objects"].items() if i.startswith("ball_")]
    assert ball["linearVelocity"]["x"] == pytest.approx(2 * before["linearVelocity"]["x"], rel=0.01)
    assert faster["_plan"]["edits"] == ["add five more dominoes", "make it twice as fast"]


def test_a_scene_edited_by_hand_is_refined_as_a_scene(user_client):
    scene = post(
        user_client, "/api/generate", {"prompt": "ten dominoes in a row knocked over by a ball"}
    ).json()
    plan = scene["_plan"]
    del scene["objects"]["domino_3"]  # edited in the editor since it was composed
    refined = post(
        user_client, "/api/refine", {"scene": scene, "prompt": "add five more dominoes", "plan": plan}
    ).json()
    assert sum(1 for i in refined["objects"] if i.startswith("domino_")) == 14
    assert refined["_plan"]["edits"] == []
