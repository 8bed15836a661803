"""The local composer: every prompt gives a valid, non-overlapping scene that says how it was read."""

import pytest

from simulation.providers.composer import scene_compose
from simulation.providers.refiner import scene_refine_locally
from simulation.validation import scene_check

PROMPTS = [
    "a red ball bouncing on a wooden table",
    "a stack of five colourful boxes with a sphere rolling into them",
    "a pyramid of spheres on a ramp",
    "dominoes in a row",
    "three red balls falling onto a blue box",
    "two big metal cubes next to a small green cylinder",
    "20 tiny marbles raining on a platform",
    "a tower of 10 bricks next to a wall",
    "a ball rolling into a wall",
    "a ring of 12 pillars",
    "a grid of nine yellow cans",
    "many rubber balls bouncing",
    "a huge stone ball falling onto a pyramid of 10 crates",
    "an icy block sliding down a slope",
    "four coins on a glass table",
    "a purple cylinder on top of an orange box on top of a table",
    "a row of 15 dominoes next to a stack of 3 boxes",
    "a few foam cubes and a heavy steel sphere",
    "40 balls",
    "2 tables and a ramp with balls",
    "the quick brown fox jumps over the lazy dog",
    "hello world",
    "",
    "!!! ??? 123",
    "a a a a a a a a a a a a",
]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_prompt_gives_a_valid_scene_without_overlaps(prompt):
    composition = scene_compose(prompt=prompt)
    report = scene_check(composition.scene)
    assert report.valid, report.message
    assert [f.message for f in report.findings] == []
    assert composition.scene["objects"]
    assert any(note.startswith("Read as:") for note in composition.notes)


def test_composer_is_deterministic():
    assert (
        scene_compose(prompt="a pyramid of spheres on a ramp").scene
        == scene_compose(prompt="a pyramid of spheres on a ramp").scene
    )


def objects_of(scene, shape=None, color=None):
    return [
        o
        for o in scene["objects"].values()
        if (shape is None or o["visualProperties"]["shape"] == shape)
        and (color is None or o["visualProperties"]["color"] == color)
    ]


def test_three_red_balls_fall_onto_a_blue_box():
    scene = scene_compose(prompt="three red balls falling onto a blue box").scene
    balls = objects_of(scene, "Sphere", "#e53935")
    boxes = objects_of(scene, "Box", "#1e88e5")
    assert len(balls) == 3 and len(boxes) == 1
    box = boxes[0]["transform"]
    box_top = box["position"]["y"] + box["scale"]["y"] / 2
    for ball in balls:
        position = ball["transform"]["position"]
        assert position["y"] > box_top + 1.0
        # Above the box, so they land on it.
        assert abs(position["x"] - box["position"]["x"]) <= box["scale"]["x"] / 2


def test_stack_of_five_colourful_boxes_with_a_sphere_rolling_into_them():
    scene = scene_compose(prompt="a stack of five colourful boxes with a sphere rolling into them").scene
    boxes = sorted(objects_of(scene, "Box"), key=lambda o: o["transform"]["position"]["y"])
    assert len(boxes) == 5
    assert len({b["visualProperties"]["color"] for b in boxes}) == 5
    xs = {round(b["transform"]["position"]["x"], 3) for b in boxes}
    assert len(xs) == 1  # one column
    (sphere,) = objects_of(scene, "Sphere")
    assert sphere["linearVelocity"]["x"] > 0
    assert sphere["transform"]["position"]["x"] < boxes[0]["transform"]["position"]["x"]


def test_dominoes_stand_in_a_row_and_the_first_leans():
    scene = scene_compose(prompt="dominoes in a row").scene
    dominoes = sorted(scene["objects"].values(), key=lambda o: o["transform"]["position"]["x"])
    assert len(dominoes) == 8
    assert dominoes[0]["transform"]["rotation"]["z"] != 0
    assert all(d["transform"]["scale"]["y"] > d["transform"]["scale"]["x"] * 4 for d in dominoes)


def test_ramp_is_static_and_tilted():
    scene = scene_compose(prompt="a pyramid of spheres on a ramp").scene
    (ramp,) = [o for o in scene["objects"].values() if o["physicsProperties"]["mass"] == 0]
    assert ramp["transform"]["rotation"]["z"] == pytest.approx(0.5236, abs=1e-3)
    assert len(objects_of(scene, "Sphere")) == 6


def test_unknown_prompt_says_how_it_was_read():
    composition = scene_compose(prompt="the meaning of life")
    assert "Found no movable objects in 'the meaning of life'" in composition.notes[0]


def test_materials_set_physics():
    scene = scene_compose(prompt="a rubber ball and an ice cube").scene
    (ball,) = objects_of(scene, "Sphere")
    (cube,) = objects_of(scene, "Box")
    assert ball["physicsProperties"]["restitution"] >= 0.8
    assert cube["physicsProperties"]["friction"] <= 0.05


@pytest.mark.parametrize(
    ("instruction", "check"),
    [
        (
            "make the balls green",
            lambda s: {o["visualProperties"]["color"] for o in objects_of(s, "Sphere")} == {"#43a047"},
        ),
        (
            "make the box bigger",
            lambda s: objects_of(s, "Box")[0]["transform"]["scale"]["x"] == pytest.approx(0.9),
        ),
        ("add two yellow cylinders", lambda s: len(objects_of(s, "Cylinder", "#fdd835")) == 2),
        ("remove the blue box", lambda s: objects_of(s, "Box") == []),
        ("remove all balls", lambda s: objects_of(s, "Sphere") == []),
        (
            "make the balls bouncier",
            lambda s: all(o["physicsProperties"]["restitution"] >= 0.8 for o in objects_of(s, "Sphere")),
        ),
        ("make the box heavier", lambda s: objects_of(s, "Box")[0]["physicsProperties"]["mass"] > 100),
        ("moon gravity", lambda s: s["gravity"]["y"] == pytest.approx(-1.62)),
    ],
)
def test_local_refinement(instruction, check):
    scene = scene_compose(prompt="three red balls falling onto a blue box").scene
    refinement = scene_refine_locally(scene=scene, instruction=instruction)
    assert refinement.changed
    assert check(refinement.scene)
    report = scene_check(refinement.scene)
    assert report.valid and report.errors == [], report.message


def test_refinement_that_is_not_understood_leaves_the_scene_alone():
    scene = scene_compose(prompt="a ball").scene
    refinement = scene_refine_locally(scene=scene, instruction="sing a song")
    assert not refinement.changed
    assert refinement.scene == scene
    assert "Could not read 'sing a song'" in refinement.notes[0]


def test_growing_an_object_lifts_whatever_it_would_overlap():
    scene = scene_compose(prompt="a stack of three boxes").scene
    refinement = scene_refine_locally(scene=scene, instruction="make the boxes much bigger")
    assert scene_check(refinement.scene).errors == []
