"""The scene editor end to end: generate a scene from text, move an object with the gizmo, undo it,
play it, render it on the server and watch the video load."""

import json
import math
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect


def _sub(a, b):
    return [a[i] - b[i] for i in range(3)]


def _dot(a, b):
    return sum(a[i] * b[i] for i in range(3))


def _cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def _unit(a):
    length = math.sqrt(_dot(a, a))
    return [c / length for c in a]


def _screen_point(camera: dict, box: dict, point: list[float]) -> tuple[float, float]:
    """Where a world point appears on the canvas: the perspective camera three.js builds from the scene."""
    eye = [camera["position"][k] for k in "xyz"]
    target = [camera["target"][k] for k in "xyz"]
    forward = _unit(_sub(target, eye))
    right = _unit(_cross(forward, [0.0, 1.0, 0.0]))
    up = _cross(right, forward)
    d = _sub(point, eye)
    depth = _dot(d, forward)
    half_height = math.tan(math.radians(camera["fov"]) / 2)
    aspect = box["width"] / box["height"]
    ndc_x = _dot(d, right) / (depth * half_height * aspect)
    ndc_y = _dot(d, up) / (depth * half_height)
    return box["x"] + (ndc_x + 1) / 2 * box["width"], box["y"] + (1 - ndc_y) / 2 * box["height"]


def test_generate_edit_undo_play_and_render_a_scene(signed_in_page):
    page = signed_in_page
    page.get_by_role("link", name="Physics").click()
    expect(page.get_by_role("button", name="Generate scene")).to_be_visible()
    # Rapier loads lazily with the page; Play stays disabled until it is ready and there is a scene.
    expect(page.get_by_role("status").filter(has_text="Loading the physics engine")).to_have_count(
        0, timeout=30_000
    )

    page.get_by_label("Scene description").fill("three red balls falling onto a blue box")
    with page.expect_response(lambda r: r.url.endswith("/api/generate")) as generated:
        page.get_by_role("button", name="Generate scene").click()
    scene = generated.value.json()
    assert generated.value.status == 200, scene
    objects = page.get_by_role("list", name="Objects in the scene").get_by_role("listitem")
    expect(objects).to_have_count(len(scene["objects"]))
    # How the sentence was read and what the server's simulation check saw (the answer's _plan).
    plan = page.get_by_role("group", name="How the description was read")
    expect(plan).to_contain_text(f"Read as: {scene['_plan']['read_as']}")
    expect(plan).to_contain_text("Checked by simulation" if scene["_plan"]["check"]["ran"] else "Not checked")
    expect(page.get_by_test_id("validation-status")).to_contain_text("valid", timeout=10_000)

    # Select a dynamic object, then drag the gizmo's centre handle (it moves in the view plane).
    target = next(o for o in scene["objects"].values() if o["physicsProperties"]["mass"] > 0)
    page.get_by_role("button", name=target["id"], exact=False).first.click()
    position_x = page.get_by_label("Position X")
    expect(position_x).to_have_value(str(round(target["transform"]["position"]["x"], 3)).removesuffix(".0"))
    before = float(position_x.input_value())
    canvas = page.get_by_test_id("scene-canvas")
    box = canvas.bounding_box()
    camera = scene.get("camera") or {
        "position": {"x": 6, "y": 5, "z": 8},
        "target": {"x": 0, "y": 0, "z": 0},
        "fov": 50,
    }
    x, y = _screen_point(camera, box, [target["transform"]["position"][k] for k in "xyz"])
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 8 * step, y, steps=2)
    page.mouse.up()
    expect(position_x).not_to_have_value(str(before).removesuffix(".0"))
    moved = float(position_x.input_value())
    assert moved > before + 0.1, (before, moved)

    # One drag is one undo step: Ctrl+Z (with the focus outside any field) puts the object back.
    page.get_by_role("heading", name="Properties").click()
    page.keyboard.press("Control+z")
    expect(position_x).to_have_value(str(before).removesuffix(".0"))
    page.keyboard.press("Control+Shift+z")
    expect(position_x).to_have_value(str(round(moved, 3)).removesuffix(".0"))
    page.keyboard.press("Control+z")
    expect(position_x).to_have_value(str(before).removesuffix(".0"))

    # Shortcuts never fire while typing: "s" in a field is text, not the scale gizmo.
    page.get_by_label("Change the scene").fill("s")
    expect(page.get_by_role("button", name="Move G")).to_have_attribute("aria-pressed", "true")

    # Play on the fixed step, pause, reset to the scene before play.
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => parseFloat(document.querySelector('[data-testid=sim-time]').textContent.replace('t = ', '')) >= 0.5"
    )
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Step").click()
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_test_id("sim-time")).to_have_text("t = 0.00 s")
    expect(position_x).to_have_value(str(before).removesuffix(".0"))

    # Render a tiny clip; tests run the task inline, so the record is final on the first poll.
    page.get_by_label("Duration (s)").fill("1")
    page.get_by_label("Frames per second").fill("10")
    page.get_by_label("Resolution").select_option("320x180")
    page.get_by_role("button", name="Render", exact=True).click()
    status = page.get_by_test_id("render-status")
    expect(status).to_contain_text("Finished", timeout=60_000)
    video = status.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function(
        "(v) => v.readyState >= 1 && v.duration > 0.5 && v.videoWidth === 320",
        arg=video.element_handle(),
        timeout=30_000,
    )


def test_save_open_and_delete_a_scene(signed_in_page):
    page = signed_in_page
    page.goto("/scenes")
    expect(page.get_by_text("No saved scenes yet")).to_be_visible()

    page.goto("/physics")
    page.get_by_role("button", name="+ Box").click()
    page.get_by_role("button", name="+ Sphere").click()
    page.get_by_label("Name", exact=True).fill("Two shapes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved “Two shapes”.")).to_be_visible()

    # Export the scene as JSON, then import it back, and refuse a file that is not a scene.
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert sorted(exported["objects"]) == ["box", "sphere"]
    page.get_by_label("Import a scene from a JSON file").set_input_files(
        files=[
            {
                "name": "broken.json",
                "mimeType": "application/json",
                "buffer": b'{"objects": {"a": {"id": "b"}}}',
            }
        ]
    )
    expect(page.get_by_role("alert")).to_contain_text("broken.json is not a valid scene: object 'a'")
    page.get_by_label("Import a scene from a JSON file").set_input_files(
        files=[
            {"name": "again.json", "mimeType": "application/json", "buffer": json.dumps(exported).encode()}
        ]
    )
    expect(page.get_by_text("Imported again.json")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("again")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenes").click()
    card = page.get_by_role("article", name="Two shapes")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Rename").click()
    card.get_by_label("New name").fill("Box and ball")
    card.get_by_role("button", name="Save name").click()
    card = page.get_by_role("article", name="Box and ball")
    expect(card).to_be_visible()
    card.get_by_role("link", name="Open in the editor").click()
    expect(page.get_by_role("list", name="Objects in the scene").get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_label("Name", exact=True)).to_have_value("Box and ball")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenes").click()
    page.get_by_role("article", name="Box and ball").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No saved scenes yet")).to_be_visible()


def test_rendered_videos_play_in_simulations(signed_in_page):
    page = signed_in_page
    page.goto("/simulations")
    expect(page.get_by_text("No rendered videos yet")).to_be_visible()

    page.goto("/physics")
    page.get_by_role("button", name="+ Sphere").click()
    page.get_by_label("Duration (s)").fill("0.5")
    page.get_by_label("Frames per second").fill("10")
    page.get_by_label("Resolution").select_option("320x180")
    page.get_by_role("button", name="Render", exact=True).click()
    expect(page.get_by_test_id("render-status")).to_contain_text("Finished", timeout=60_000)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Simulations").click()
    card = page.get_by_role("article").first
    expect(card).to_contain_text("Finished")
    expect(card).to_contain_text("1 objects")
    video = card.locator("video")
    page.wait_for_function("(v) => v.readyState >= 1 && v.videoHeight === 180", arg=video.element_handle())
    card.get_by_role("button", name="Delete render").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No rendered videos yet")).to_be_visible()


@pytest.mark.engine_independent
def test_an_out_of_range_value_stays_with_its_message_instead_of_silently_reverting(signed_in_page):
    page = signed_in_page
    page.get_by_role("link", name="Physics").click()
    page.get_by_label("Scene description").fill("a red ball on a wooden table")
    with page.expect_response(lambda r: r.url.endswith("/api/generate")) as generated:
        page.get_by_role("button", name="Generate scene").click()
    scene = generated.value.json()
    target = next(o for o in scene["objects"].values() if o["physicsProperties"]["mass"] > 0)
    page.get_by_role("button", name=target["id"], exact=False).first.click()

    mass = page.get_by_label("Mass", exact=False).first
    mass.fill("-5")
    mass.press("Tab")
    expect(mass).to_have_value("-5")
    expect(mass).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="kg")).to_be_visible()

    mass.focus()
    mass.press("Escape")
    expect(mass).to_have_attribute("aria-invalid", "false")
    assert float(mass.input_value()) == target["physicsProperties"]["mass"]


def _tracked_y(page, object_id: str) -> float:
    """The selected object's simulated height, as the toolbar shows it ("ball: x 1.50 y 2.00 z 0.00 m")."""
    readout = page.get_by_test_id("tracked-position")
    expect(readout).to_contain_text(f"{object_id}:")
    words = readout.text_content().split()
    return float(words[words.index("y") + 1])


def _select(page, object_id: str) -> None:
    objects = page.get_by_role("list", name="Objects in the scene")
    objects.get_by_role("button", name=re.compile(rf"^{re.escape(object_id)} ")).click()


def _play_for_a_second(page) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => parseFloat(document.querySelector('[data-testid=sim-time]').textContent.replace('t = ', '')) >= 1.0"
    )
    page.get_by_role("button", name="Pause").click()


@pytest.mark.engine_independent
def test_joints_hold_bodies_up_and_undo_removes_them(signed_in_page):
    page = signed_in_page
    page.goto("/physics")
    expect(page.get_by_role("status").filter(has_text="Loading the physics engine")).to_have_count(
        0, timeout=30_000
    )
    # A box 3 m up, and a sphere beside it 2 m up: without joints both fall to the ground.
    page.get_by_role("button", name="+ Box").click()
    page.get_by_label("Position Y").fill("3")
    page.get_by_label("Position Y").press("Tab")
    page.get_by_role("button", name="+ Sphere").click()
    page.get_by_label("Position Y").fill("2")
    page.get_by_label("Position Y").press("Tab")

    # The sphere hangs from the box by a rope; the box is welded to the world.
    joints = page.get_by_role("group", name="Joints of sphere")
    expect(joints).to_contain_text("Nothing holds sphere.")
    joints.get_by_label("Joint type").select_option("rope")
    joints.get_by_label("Attach to").select_option("box")
    joints.get_by_role("button", name="Add joint").click()
    expect(joints.get_by_role("listitem")).to_have_count(1)
    expect(joints.get_by_role("listitem")).to_contain_text("Rope (max length) to box")
    # the rope's length starts as the distance between the two centres (1 m down, and some across)
    rope_length = float(joints.get_by_label("Rope length (m)").input_value())
    assert rope_length > 1.0
    _select(page, "box")
    joints = page.get_by_role("group", name="Joints of box")
    joints.get_by_label("Joint type").select_option("fixed")
    joints.get_by_label("Attach to").select_option("")
    joints.get_by_role("button", name="Add joint").click()
    expect(joints.get_by_role("listitem")).to_have_count(2)
    expect(joints).to_contain_text("Fixed (weld) to the world")

    # Play: the box stays where it was welded, the sphere swings on its rope but never falls.
    _play_for_a_second(page)
    assert _tracked_y(page, "box") == 3.0
    _select(page, "sphere")
    page.get_by_role("button", name="Step").click()
    # Wherever the swing is when the pause lands (that depends on the machine's speed), the sphere
    # is within the rope's reach of the welded box and well off the ground it falls to without it.
    swinging_y = _tracked_y(page, "sphere")
    assert 3.0 - rope_length - 0.05 <= swinging_y and swinging_y > 0.6
    page.get_by_role("button", name="Reset").click()

    # Undo takes the weld away, then the rope: played again, both fall to the ground.
    page.get_by_role("heading", name="Properties").click()
    page.keyboard.press("Control+z")
    expect(page.get_by_role("group", name="Joints of sphere").get_by_role("listitem")).to_have_count(1)
    page.keyboard.press("Control+z")
    expect(page.get_by_role("group", name="Joints of sphere")).to_contain_text("Nothing holds sphere.")
    _play_for_a_second(page)
    assert _tracked_y(page, "sphere") < 0.6
    page.get_by_role("button", name="Reset").click()

    # Redo brings the rope back; its Delete button removes it, and so does deleting the box.
    page.get_by_role("heading", name="Properties").click()
    page.keyboard.press("Control+Shift+z")
    joints = page.get_by_role("group", name="Joints of sphere")
    expect(joints.get_by_role("listitem")).to_have_count(1)
    joints.get_by_role("button", name="Delete joint rope").click()
    expect(joints).to_contain_text("Nothing holds sphere.")
    page.get_by_role("heading", name="Properties").click()
    page.keyboard.press("Control+z")
    expect(joints.get_by_role("listitem")).to_have_count(1)
    page.get_by_role("button", name="Delete box").click()
    expect(joints).to_contain_text("Nothing holds sphere.")
