"""The scene format: one schema, its exported JSON Schema, the examples, and structural validation."""

import json
from pathlib import Path

import pytest

from simulation.scene_schema import SCHEMA_PATH, SceneInvalid, scene_json_schema_text, scene_parse
from simulation.validation import scene_check
from tests.simulation.factories import body, scene_json

pytestmark = pytest.mark.engine_independent

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "scenes").glob("*.json"))


def test_exported_json_schema_is_current():
    assert SCHEMA_PATH.read_text() == scene_json_schema_text(), "run manage.py export_scene_schema"


def test_there_are_example_scenes():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_scene_is_valid_without_findings(path):
    report = scene_check(json.loads(path.read_text()))
    assert report.valid, report.message
    assert report.warnings == []


def test_defaults_fill_optional_fields():
    scene = scene_parse(scene_json(body("box", mass=0)))
    assert scene.gravity_vector == (0.0, -9.81, 0.0)
    assert scene.has_ground
    assert scene.objects["box"].body_type == "static"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda o: o["transform"]["scale"].update(x=0), "object 'box' field transform.scale.x"),
        (lambda o: o["transform"]["scale"].update(y=101), "object 'box' field transform.scale.y"),
        (lambda o: o["transform"]["position"].update(z=1001), "object 'box' field transform.position.z"),
        (lambda o: o["physicsProperties"].update(mass=-1), "object 'box' field physicsProperties.mass"),
        (lambda o: o["physicsProperties"].update(mass=2e6), "object 'box' field physicsProperties.mass"),
        (
            lambda o: o["physicsProperties"].update(friction=11),
            "object 'box' field physicsProperties.friction",
        ),
        (lambda o: o["physicsProperties"].update(restitution=1.5), "physicsProperties.restitution"),
        (lambda o: o["visualProperties"].update(color="red"), "object 'box' field visualProperties.color"),
        (lambda o: o["visualProperties"].update(shape="Cone"), "object 'box' field visualProperties.shape"),
        (lambda o: o.update(id="x" * 65), "field id: String should have at most 64 characters"),
        (
            lambda o: o.update(bodyType="dynamic", physicsProperties={"mass": 0}),
            "a dynamic body needs a mass",
        ),
        (lambda o: o["transform"]["position"].update(x=float("nan")), "transform.position.x"),
    ],
)
def test_structural_errors_name_the_object_and_field(change, expected):
    obj = body("box")
    change(obj)
    with pytest.raises(SceneInvalid) as caught:
        scene_parse(scene_json(obj))
    assert expected in str(caught.value)


def test_object_key_must_equal_its_id():
    with pytest.raises(SceneInvalid, match="object key 'a' differs from its id 'b'"):
        scene_parse({"objects": {"a": body("b")}})


def test_at_most_500_objects():
    objects = [body(f"b{i}", position=(i * 2, 0.5, 0)) for i in range(501)]
    with pytest.raises(SceneInvalid, match="at most 500 objects"):
        scene_parse(scene_json(*objects))


def test_not_an_object_is_refused():
    with pytest.raises(SceneInvalid, match="expected a JSON object"):
        scene_parse([1, 2])


def test_extra_keys_such_as_the_saved_id_are_ignored():
    scene = scene_parse({**scene_json(body("box")), "_id": 7})
    assert "_id" not in scene.to_json()


def _hinge(**fields) -> dict:
    return {"id": "j", "type": "revolute", "bodyA": "a", "bodyB": "b", **fields}


def _jointed(**fields) -> dict:
    return scene_json(body("a"), body("b", position=(2, 0.5, 0)), joints={"j": _hinge(**fields)})


def test_joints_are_optional_and_round_trip():
    assert "joints" not in scene_parse(scene_json(body("a"))).to_json()
    scene = scene_parse(_jointed(anchorA={"x": 1, "y": 0, "z": 0}, limits=[-1, 1]))
    again = scene_parse(scene.to_json())
    assert again.joints == scene.joints
    assert again.joints["j"].limits == (-1.0, 1.0)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"bodyA": "ghost"}, "joint 'j' field bodyA: no object 'ghost' in the scene"),
        ({"bodyB": "ghost"}, "joint 'j' field bodyB: no object 'ghost' in the scene"),
        ({"bodyB": "a"}, "joint 'j': bodyA and bodyB must differ"),
        ({"type": "weld"}, "joint 'j' field type"),
        ({"axis": {"x": 0, "y": 0, "z": 0}}, "joint 'j' field axis: the axis must not be the zero vector"),
        ({"anchorA": {"x": float("inf"), "y": 0, "z": 0}}, "joint 'j' field anchorA.x"),
        ({"limits": [1, -1]}, "joint 'j' field limits: limits must be [min, max] with min <= max"),
        ({"length": 0}, "joint 'j' field length"),
        ({"stiffness": -1}, "joint 'j' field stiffness"),
        ({"motor": {"targetVelocity": 1, "maxForce": 0}}, "joint 'j' field motor.maxForce"),
    ],
)
def test_joint_errors_name_the_joint_and_field(fields, expected):
    with pytest.raises(SceneInvalid) as caught:
        scene_parse(_jointed(**fields))
    assert expected in str(caught.value)


def test_joint_key_must_equal_its_id_and_joints_are_capped():
    with pytest.raises(SceneInvalid, match="joint key 'k' differs from its id 'j'"):
        scene_parse({**_jointed(), "joints": {"k": _hinge()}})
    many = {f"j{i}": {**_hinge(), "id": f"j{i}"} for i in range(501)}
    with pytest.raises(SceneInvalid, match="at most 500 joints"):
        scene_parse({**_jointed(), "joints": many})


def test_a_joint_to_the_world_has_a_null_bodyB():
    scene = scene_parse(scene_json(body("a"), joints={"j": _hinge(bodyB=None)}))
    assert scene.joints["j"].bodyB is None


def test_bodies_jointed_without_contacts_may_overlap_where_they_meet():
    # a wheel half inside the car body, on an axle: valid; the same overlap without the joint is not
    car = body("car", position=(0, 1, 0), scale=(2, 0.5, 1))
    wheel = body(
        "wheel", shape="Cylinder", position=(0.8, 0.8, 0.5), rotation=(1.5708, 0, 0), scale=(0.6, 0.2, 0.6)
    )
    axle = {
        "id": "axle",
        "type": "revolute",
        "bodyA": "wheel",
        "bodyB": "car",
        "axis": {"x": 0, "y": 1, "z": 0},
    }
    assert scene_check(scene_json(car, wheel, joints={"axle": axle})).valid
    assert "overlap" in scene_check(scene_json(car, wheel)).message
    rope = {**axle, "type": "rope", "length": 1.0}  # a rope keeps contacts: the overlap still counts
    assert not scene_check(scene_json(car, wheel, joints={"axle": rope})).valid
