"""Physical checks of /api/validate: overlaps (rotation included), ground, height, empty scenes."""

import math

import pytest

from simulation.validation import scene_check
from tests.simulation.factories import body, scene_json

pytestmark = pytest.mark.engine_independent


def messages(report):
    return [f.message for f in report.findings]


def test_touching_stack_is_valid():
    report = scene_check(scene_json(body("a", position=(0, 0.5, 0)), body("b", position=(0, 1.5, 0))))
    assert report.valid, report.message
    assert report.findings == []


def test_overlapping_dynamic_bodies_are_an_error():
    report = scene_check(scene_json(body("a", position=(0, 0.5, 0)), body("b", position=(0.8, 0.5, 0))))
    assert not report.valid
    assert "objects 'a' and 'b' overlap at the start" in messages(report)


def test_rotation_is_taken_into_account():
    # Side by side with 0.1 m between them, until one is turned 45 degrees and its corners reach over.
    apart = scene_json(body("a", position=(0, 0.75, 0)), body("b", position=(1.1, 0.75, 0)))
    assert scene_check(apart).valid
    turned = scene_json(
        body("a", position=(0, 0.75, 0), rotation=(0, math.pi / 4, 0)), body("b", position=(1.1, 0.75, 0))
    )
    assert not scene_check(turned).valid


def test_static_bodies_may_overlap_each_other():
    report = scene_check(
        scene_json(body("a", mass=0, position=(0, 0.5, 0)), body("b", mass=0, position=(0.5, 0.5, 0)))
    )
    assert report.valid


def test_dynamic_body_below_ground_is_an_error():
    report = scene_check(scene_json(body("a", position=(0, 0.2, 0))))
    assert not report.valid
    assert "starts below the ground" in messages(report)[0]


def test_far_above_the_ground_is_a_warning():
    report = scene_check(scene_json(body("a", position=(0, 40, 0))))
    assert report.valid
    assert "needs about" in messages(report)[0]
    assert report.as_json()["details"]["warnings"][0]["objects"] == ["a"]


def test_empty_scene_is_a_warning():
    report = scene_check({"objects": {}})
    assert report.valid
    assert "the scene is empty" in report.message


def test_structural_error_report_shape():
    report = scene_check({"objects": {"a": body("a", color="#zz0000")}})
    answer = report.as_json()
    assert answer["valid"] is False
    assert "visualProperties.color" in answer["message"]
    assert answer["details"]["object_count"] == 0
