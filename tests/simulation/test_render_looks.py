"""What renders look like, checked on pixels: ground to the horizon, clean ground, separate bodies,
metal highlights, joints drawn, motion blur, camera moves (issue 14)."""

from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from simulation.render import looks
from simulation.render.camera import CameraPath, ViewPoint, smooth_path
from simulation.render.physics import Pose, SceneWorld
from simulation.render.pipeline import _frame_state, render_scene_to_mp4
from simulation.render.renderers import FrameState, MujocoRenderer, SubFrame
from simulation.scene_schema import GroundStyle, Material, SceneInvalid, scene_parse
from tests.simulation.factories import body, scene_json
from tests.simulation.test_render import read_frames

pytestmark = pytest.mark.engine_independent

W, H = 320, 180


def camera(position, target, fov=60):
    return {
        "position": dict(zip("xyz", position, strict=True)),
        "target": dict(zip("xyz", target, strict=True)),
        "fov": fov,
    }


def draw(scene_data, *, quality="draft", ground_style=None, poses=None, subframes=None):
    scene = scene_parse(scene_data)
    renderer = MujocoRenderer(scene, width=W, height=H, quality=quality, ground_style=ground_style)
    try:
        view = ViewPoint.of(scene.camera)
        if subframes is None:
            subframes = [SubFrame(poses or SceneWorld(scene).poses(), view)]
        return renderer.draw(FrameState(subframes)).copy()
    finally:
        renderer.close()


def luminance(image: np.ndarray) -> np.ndarray:
    return image.astype(float) @ np.array([0.299, 0.587, 0.114])


def is_sky(image: np.ndarray) -> np.ndarray:
    r, b = image[..., 0].astype(int), image[..., 2].astype(int)
    return b > r + 18


@pytest.mark.parametrize("style", list(get_args(GroundStyle)))
def test_the_ground_reaches_the_horizon(style):
    # Eye height 2 m looking level: the horizon is the middle row. A 20 m ground would end 31 rows
    # below it (atan(2 / 10) at this focal length); the ground must fill every row under it.
    scene = scene_json(body("far", position=(0, 0.5, -40)), camera=camera((0, 2, 0), (0, 2, -10)))
    image = draw(scene, ground_style=style)
    below = is_sky(image[H // 2 + 4 :])
    assert not below.any(), (
        f"{style}: sky shows below the horizon in rows {np.nonzero(below.any(axis=1))[0][:5]}"
    )
    assert is_sky(image[: H // 2 - 6]).mean() > 0.95, "the sky fills the top half"


def test_flat_ground_has_no_isolated_speckles():
    # A grazing view of a plain ground with bodies casting shadows: every ground pixel is close to
    # the median of its 3x3 neighbourhood (shadow acne and aliasing show up as lone pixels).
    scene = scene_json(
        *[body(f"b{i}", position=(i * 1.2 - 3, 0.5, -4 - i), color="#1e88e5") for i in range(6)],
        camera=camera((0, 1.2, 6), (0, 0.6, -10)),
    )
    image = luminance(draw(scene, ground_style="plain"))
    region = image[H // 2 + 4 :, : W // 4]
    stack = np.stack([np.roll(np.roll(region, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    deviation = np.abs(region - np.median(stack, axis=0))[1:-1, 1:-1]
    assert deviation.max() < 14, f"a pixel differs by {deviation.max():.0f} from its neighbours"


def test_two_touching_boxes_of_one_colour_show_an_edge():
    # Two red cubes stacked, seen from the front against the sky: the rows just above and just
    # below the seam differ in brightness, so the pair does not merge into one block.
    scene = scene_json(
        body("lower", position=(0, 0.5, 0)),
        body("upper", position=(0, 1.5, 0)),
        camera=camera((0, 1, 5), (0, 1, 0), fov=40),
        ground=False,
    )
    image = luminance(draw(scene))
    column = image[:, W // 2 - 10 : W // 2 + 10].mean(axis=1)
    seam = H // 2  # y = 1 is at the camera's height: the middle row
    above, below = column[seam - 8 : seam - 2].mean(), column[seam + 2 : seam + 8].mean()
    assert abs(above - below) > 0.1 * max(above, below), f"upper {above:.0f} and lower {below:.0f} look alike"


def sphere_scene(**visual):
    ball = body("ball", position=(0, 1, 0), shape="Sphere", scale=(1.4, 1.4, 1.4), color="#7a7a7a")
    ball["visualProperties"].update(visual)
    return scene_json(ball, camera=camera((0, 1.6, 4), (0, 1, 0), fov=40), ground=False)


def highlight(image: np.ndarray) -> float:
    ball = luminance(image)[~is_sky(image)]
    return float(np.percentile(ball, 99.5) - np.median(ball))


def test_a_metal_sphere_shows_a_highlight_a_rubber_one_does_not():
    metal = highlight(draw(sphere_scene(material="metal")))
    rubber = highlight(draw(sphere_scene(material="rubber")))
    assert metal > 60, f"metal highlight only {metal:.0f} above the median"
    assert metal > rubber + 40


def test_materials_come_from_the_field_then_the_description():
    scene = scene_parse(
        scene_json(
            body("a", description="a steel ball"),
            body("b", description="two wooden crates", position=(3, 0.5, 0)),
            body("c", description="a steel ball", position=(6, 0.5, 0)),
            body("d", position=(9, 0.5, 0)),
        )
    )
    scene.objects["c"].visualProperties.material = "glass"
    assert [looks.object_material(o) for o in scene.objects.values()] == ["metal", "wood", "glass", "plastic"]


def test_an_unknown_material_is_refused_naming_the_field():
    data = scene_json(body("a"))
    data["objects"]["a"]["visualProperties"]["material"] = "cheese"
    with pytest.raises(SceneInvalid, match=r"object 'a' field visualProperties\.material"):
        scene_parse(data)


def test_looks_json_names_the_same_materials_and_grounds_as_the_scene_format():
    assert set(looks.material_names()) == set(get_args(Material))
    assert set(looks.ground_styles()) == set(get_args(GroundStyle))


@pytest.mark.parametrize(
    ("object_id", "description", "shape", "scale", "kind"),
    [
        ("pin_3", None, "Cylinder", (0.3, 0.9, 0.3), "bowling pin"),
        ("thing", "ten bowling pins", "Cylinder", (0.3, 0.9, 0.3), "bowling pin"),
        ("domino_1", "dominoes", "Box", (0.12, 1.0, 0.5), "domino"),
        ("b", "a red book", "Box", (0.7, 0.2, 1.0), "book"),
        ("car", "a red sports car", "Box", (2.0, 0.8, 1.0), "car"),
        ("crate_0", "crates", "Box", (0.6, 0.6, 0.6), "crate"),
        ("spinner", "a spinning top", "Cylinder", (0.5, 0.5, 0.5), None),
        # The composer's parts: the id names the part, the description the whole.
        ("wheel_1", "a red car", "Cylinder", (0.6, 0.2, 0.6), "wheel"),
        ("red_car_1", "a red car", "Box", (2.0, 0.6, 1.0), "car"),
    ],
)
def test_kinds_draw_parts_inside_the_collider(object_id, description, shape, scale, kind):
    obj = scene_parse(
        scene_json(body(object_id, shape=shape, scale=scale, description=description, position=(0, 2, 0)))
    ).objects[object_id]
    assert looks.object_kind(obj) == kind
    parts = looks.object_parts(obj)
    box = looks.collider_box(obj)
    assert len(parts) >= (2 if kind else 1)
    for part in parts:
        for axis in range(3):
            reach = abs(part.center[axis]) + part.size[axis] / 2
            # Decals (a domino's pips) may stand proud of a face by a few per cent of the thinnest side.
            assert reach <= box[axis] / 2 + 0.04 * min(box), (
                f"{part} pokes out of the collider on axis {axis}"
            )


def test_a_domino_lying_any_way_keeps_its_pips_on_the_broad_faces():
    standing = looks.frame_axes("sorted", (0.12, 1.0, 0.5))
    assert standing == (1, 0, 2)  # longest (y) first, thinnest (x) second, the other last


def test_a_hung_body_is_drawn_with_what_holds_it():
    # A ball hanging 1.5 m under a world pivot by a rope, against the sky: the pixels between the
    # pivot and the ball are drawn (the rope), not sky.
    ball = body("bob", position=(0, 1, 0), shape="Sphere", scale=(0.5, 0.5, 0.5), color="#fdd835")
    rope = {"id": "r", "type": "rope", "bodyA": "bob", "bodyB": None, "anchorA": {"x": 0, "y": 0.25, "z": 0},
            "anchorB": {"x": 0, "y": 2.5, "z": 0}}  # fmt: skip
    scene = scene_json(
        ball, camera=camera((0, 1.75, 4), (0, 1.75, 0), fov=40), ground=False, joints={"r": rope}
    )
    image = draw(scene)
    without = draw({**scene, "joints": {}})
    rows = slice(H // 2 - 40, H // 2 + 10)  # between the pivot (y 2.5) and the ball's top (y 1.25)
    strip = ~is_sky(image[rows, W // 2 - 3 : W // 2 + 4])
    assert strip.any(axis=1).mean() > 0.9, "the rope is not drawn"
    assert not (~is_sky(without[rows, W // 2 - 3 : W // 2 + 4])).any(), "nothing else is drawn there"


def drawn(image: np.ndarray) -> np.ndarray:
    """Pixels that differ from the sky (a vertical gradient: each row's first pixel is sky)."""
    return (np.abs(image.astype(int) - image[:, :1].astype(int)) > 12).any(axis=2)


def test_high_quality_blurs_motion_and_smooths_edges():
    scene_data = scene_json(
        body("ball", position=(0, 1, 0), shape="Sphere", scale=(0.5, 0.5, 0.5), color="#e53935"),
        camera=camera((0, 1, 5), (0, 1, 0), fov=40),
        ground=False,
    )
    scene = scene_parse(scene_data)
    view = ViewPoint.of(scene.camera)
    rest = Pose(position=(0, 1, 0), rotation=(0, 0, 0, 1))
    moved = Pose(position=(0.6, 1, 0), rotation=(0, 0, 0, 1))
    sharp = draw(scene_data, poses={"ball": moved})
    blurred = draw(scene_data, quality="high", subframes=[SubFrame({"ball": p}, view) for p in (moved, rest)])
    assert drawn(blurred).sum() > drawn(sharp).sum() * 1.3, "the blurred ball covers more pixels"
    # Anti-aliasing: the supersampled edge has in-between shades; the single sample far fewer.
    halo = lambda image: ((luminance(image) > 90) & (luminance(image) < 170) & ~is_sky(image)).sum()  # noqa: E731
    jittered = draw(scene_data, quality="high", subframes=[SubFrame({"ball": moved}, view)] * 4)
    assert halo(jittered) > halo(sharp)


def test_sub_frames_spread_over_the_shutter():
    from simulation.render.options import QUALITIES

    before = {"a": Pose(position=(0, 0, 0), rotation=(0, 0, 0, 1))}
    after = {"a": Pose(position=(1, 0, 0), rotation=(0, 0, 0, 1))}
    view = ViewPoint((0, 0, 5), (0, 0, 0), 50)
    high = QUALITIES["high"]
    state = _frame_state(after, before, view, high)
    xs = [sub.poses["a"].position[0] for sub in state.subframes]
    assert len(xs) == high.subframes and xs[0] == 1
    assert xs == sorted(xs, reverse=True) and xs[-1] == pytest.approx(
        1 - high.shutter * (high.subframes - 1) / high.subframes
    )
    assert len(_frame_state(after, before, view, QUALITIES["draft"]).subframes) == 1


def base_camera():
    return scene_parse(scene_json(camera=camera((0, 2, 10), (0, 1, 0)))).camera


def test_orbit_turns_around_the_target_at_a_constant_distance():
    path = CameraPath(move="orbit", base=base_camera(), duration=4.5)
    start, end = path.at(0, 0.0), path.at(45, 4.5)
    assert start.position == pytest.approx((0, 2, 10))
    # 40 degrees a second for 4.5 s: half a turn, to the other side of the target.
    assert end.position == pytest.approx((0, 2, -10), abs=1e-6)
    assert end.target == (0, 1, 0)


def test_dolly_moves_in_and_editor_and_static_stay():
    base = base_camera()
    dolly = CameraPath(move="dolly", base=base, duration=2).at(20, 2.0)
    distance = np.linalg.norm(np.subtract(dolly.position, dolly.target))
    assert distance == pytest.approx(0.55 * np.linalg.norm([0, 1, 10]))
    for move in ("static", "editor"):
        assert CameraPath(move=move, base=base, duration=2).at(20, 2.0) == ViewPoint.of(base)
    with pytest.raises(ValueError, match="unknown camera move"):
        CameraPath(move="spin", base=base, duration=2)


def test_smoothing_does_not_lag():
    points = [(float(i), 0.0, 0.0) for i in range(30)]
    smoothed = smooth_path(points, fps=30)
    # A straight line stays where it is, ends included; a jump is spread over several frames.
    assert [p[0] for p in smoothed] == pytest.approx([p[0] for p in points], abs=0.01)
    step = smooth_path([(0.0, 0.0, 0.0)] * 30 + [(1.0, 0.0, 0.0)] * 30, fps=30)
    assert 0.1 < step[28][0] < 0.5 and 0.5 < step[31][0] < 0.9


def red_centroid(frame: np.ndarray) -> tuple[float, float] | None:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    rows, cols = np.nonzero((r > 110) & (r > 2 * g) & (r > 2 * b))
    if rows.size < 5:
        return None
    return float(cols.mean()), float(rows.mean())


def test_a_followed_body_stays_in_the_middle_third(tmp_path: Path):
    # A red ball thrown sideways across a 2 s clip: a static camera loses it, a follow camera keeps
    # it within the middle third of the frame, both ways.
    scene = scene_json(
        body("ball", position=(-3, 3, 0), shape="Sphere", scale=(0.8, 0.8, 0.8), restitution=0.5,
             linearVelocity={"x": 6, "y": 3, "z": 0}),
        body("post", position=(-3, 0.5, -3), color="#43a047", mass=0),
        camera=camera((-3, 3, 7), (-3, 1.5, 0), fov=45),
    )  # fmt: skip
    w, h = 192, 108
    centres = {}
    for move in ("follow", "static"):
        path = tmp_path / f"{move}.mp4"
        render_scene_to_mp4(
            scene=scene_parse(scene), path=path, duration=2.0, fps=10, width=w, height=h, camera_move=move
        )
        _, frames = read_frames(path, w, h)
        centres[move] = [red_centroid(frame) for frame in frames]
    for x, y in centres["follow"]:
        assert w / 3 <= x <= 2 * w / 3 and h / 3 <= y <= 2 * h / 3, (x, y)
    assert any(c is None or not w / 3 <= c[0] <= 2 * w / 3 for c in centres["static"]), "the ball never left"


def test_the_shared_look_vectors_hold():
    # The editor's looks.ts checks the same file (frontend/src/editor/looks.test.ts).
    import json

    document = json.loads((Path(__file__).parents[2] / "examples" / "looks" / "vectors.json").read_text())
    assert looks.vector_answers(document["cases"]) == document["expected"]
