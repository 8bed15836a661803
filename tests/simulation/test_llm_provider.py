"""The LLM provider against a fake OpenAI-compatible server: good, broken, truncated and
schema-violating answers, the one retry, and the fallback to the local composer."""

import json

import pytest

from simulation.providers.choice import provider_get
from simulation.validation import scene_check
from tests.simulation.factories import body, scene_json

pytestmark = pytest.mark.engine_independent

GOOD = json.dumps(scene_json(body("crate", position=(0, 0.5, 0), color="#8d6e63")))
OVERLAPPING = json.dumps(scene_json(body("a"), body("b", position=(0.3, 0.5, 0))))
SCHEMA_VIOLATING = json.dumps(
    {"objects": {"a": {"id": "a", "transform": {"position": {"x": 0, "y": "high"}}}}}
)


def test_good_answer_is_used(fake_llm):
    fake_llm.answer(GOOD)
    result = provider_get().generate(prompt="a wooden crate")
    assert result.generator == "llm:fake-model"
    assert list(result.scene["objects"]) == ["crate"]
    request = fake_llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    assert request["body"]["model"] == "fake-model"
    assert "a wooden crate" in request["body"]["messages"][-1]["content"]
    assert '"Scene"' in request["body"]["messages"][0]["content"]  # the JSON Schema is sent


def test_answer_in_a_code_fence_is_accepted(fake_llm):
    fake_llm.answer(f"Here you go:\n```json\n{GOOD}\n```")
    assert list(provider_get().generate(prompt="a crate").scene["objects"]) == ["crate"]


@pytest.mark.parametrize(
    "first",
    [GOOD[: len(GOOD) // 2], "not json at all", SCHEMA_VIOLATING, OVERLAPPING, "[1, 2, 3]"],
    ids=["truncated", "broken", "schema-violating", "overlapping", "not-an-object"],
)
def test_invalid_answer_is_retried_once_with_the_errors(fake_llm, first):
    fake_llm.answer(first, GOOD)
    result = provider_get().generate(prompt="a crate")
    assert result.generator == "llm:fake-model"
    assert list(result.scene["objects"]) == ["crate"]
    assert len(fake_llm.requests) == 2
    retry = fake_llm.requests[1]["body"]["messages"]
    assert retry[-2] == {"role": "assistant", "content": first}
    assert retry[-1]["content"].startswith("That answer is not a valid scene:")
    assert "corrected one was used" in result.notes[-1]


def test_schema_errors_are_named_in_the_retry(fake_llm):
    fake_llm.answer(SCHEMA_VIOLATING, GOOD)
    provider_get().generate(prompt="a crate")
    assert "transform.position.y" in fake_llm.requests[1]["body"]["messages"][-1]["content"]


def test_two_invalid_answers_fall_back_to_the_local_composer(fake_llm):
    fake_llm.answer("{oops", SCHEMA_VIOLATING)
    result = provider_get().generate(prompt="three red balls")
    assert result.generator == "local-composer"
    assert result.notes[0].startswith(
        "Used the local composer because the language model's answers were not valid"
    )
    assert scene_check(result.scene).valid
    assert len(fake_llm.requests) == 2


def test_http_error_falls_back_at_once(fake_llm):
    fake_llm.answer((500, b"upstream down"))
    result = provider_get().generate(prompt="a ball")
    assert result.generator == "local-composer"
    assert "answered HTTP 500" in result.notes[0]
    assert len(fake_llm.requests) == 1


def test_reply_that_is_not_a_chat_completion_falls_back(fake_llm):
    fake_llm.answer((200, b'{"unexpected": true}'))
    result = provider_get().generate(prompt="a ball")
    assert "not a chat completion" in result.notes[0]


def test_unreachable_server_falls_back(settings):
    settings.SCENE_PROVIDER = "llm"
    settings.LLM_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    result = provider_get().generate(prompt="a ball")
    assert result.generator == "local-composer"
    assert "could not be reached" in result.notes[0]


def test_refine_sends_the_scene_and_instruction(fake_llm):
    fake_llm.answer(GOOD)
    current = scene_json(body("box"))
    result = provider_get().refine(scene=current, instruction="make it a crate")
    assert list(result.scene["objects"]) == ["crate"]
    content = fake_llm.requests[0]["body"]["messages"][-1]["content"]
    assert '"box"' in content and "make it a crate" in content


def test_refine_falls_back_to_the_local_refiner(fake_llm):
    fake_llm.answer("nope", "still nope")
    result = provider_get().refine(scene=scene_json(body("box")), instruction="make the box blue")
    assert result.scene["objects"]["box"]["visualProperties"]["color"] == "#1e88e5"
    assert result.notes[0].startswith("Used the local refiner because")


def test_local_provider_without_a_base_url(settings):
    settings.SCENE_PROVIDER = "llm"
    settings.LLM_BASE_URL = ""
    assert provider_get().name == "local-composer"


FLIES_OFF = json.dumps(
    {
        "objects": {
            "ball": {
                "id": "ball",
                "transform": {
                    "position": {"x": 0, "y": 0.5, "z": 0},
                    "scale": {"x": 0.3, "y": 0.3, "z": 0.3},
                },
                "visualProperties": {"shape": "Sphere", "color": "#ff0000"},
                "linearVelocity": {"x": 400, "y": 0, "z": 0},
            }
        }
    }
)


def test_an_answer_that_fails_the_check_by_simulation_is_repaired_once(fake_llm):
    fake_llm.answer(FLIES_OFF, GOOD)
    result = provider_get().generate(prompt="a wooden crate")
    assert list(result.scene["objects"]) == ["crate"]
    retry = fake_llm.requests[1]["body"]["messages"][-1]["content"]
    assert "the check by simulation failed" in retry and "left the scene" in retry
    assert result.plan.check.ran and result.plan.check.passed


def test_two_answers_failing_the_check_fall_back_to_the_local_composer(fake_llm):
    fake_llm.answer(FLIES_OFF, FLIES_OFF)
    result = provider_get().generate(prompt="a red ball rolls into a box")
    assert result.generator == "local-composer"
    assert "check by simulation failed" in result.notes[0]
    assert result.plan.check.passed


def test_the_system_prompt_carries_the_joint_format_and_the_vocabulary(fake_llm):
    fake_llm.answer(GOOD)
    provider_get().generate(prompt="a crate")
    system = fake_llm.requests[0]["body"]["messages"][0]["content"]
    assert "revolute" in system and "bowling ball Sphere 0.22x0.22x0.22 m 7 kg" in system


def test_an_answer_where_the_described_event_does_not_happen_is_repaired(fake_llm):
    still = scene_json(
        body("ball", shape="Sphere", position=(0, 0.15, 0), scale=(0.3, 0.3, 0.3)),
        body("box", position=(3, 0.25, 0), scale=(0.5, 0.5, 0.5)),
    )
    moving = json.loads(json.dumps(still))
    moving["objects"]["ball"]["linearVelocity"] = {"x": 4, "y": 0, "z": 0}
    fake_llm.answer(json.dumps(still), json.dumps(moving))
    result = provider_get().generate(prompt="a ball rolls into a box")
    retry = fake_llm.requests[1]["body"]["messages"][-1]["content"]
    assert "the ball rolls into the box did not happen" in retry
    assert result.scene["objects"]["ball"]["linearVelocity"]["x"] == 4
    assert result.plan.check.passed
    assert any(e.event == "the ball rolls into the box" and e.happened for e in result.plan.check.events)
