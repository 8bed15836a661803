"""The renderer as it was before issue 14 (commit 8d83147), kept only as the benchmark's baseline.

bench/bench_render.py draws the same scene with it beside today's renderer, so "draft stays as fast
as today" is measured in the same run on the same (shared) machine. Not used by the application.

Renderers draw one frame from the body poses; physics never happens here.

`Renderer` is the interface the render pipeline drives. The CPU default is `MujocoRenderer`: MuJoCo's
offscreen OpenGL renderer (software rasterised through EGL + Mesa llvmpipe when there is no GPU)
used only for drawing: one mocap body per scene object, a directional light with shadows, the
scene's camera. Scenes are Y-up with Y-axis cylinders; MuJoCo is Z-up with Z-axis cylinders. The
conversion happens once, in `to_mujoco_position` / `to_mujoco_quaternion` and the cylinder geom's
fixed local rotation.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import quoteattr

import numpy as np

from simulation.render.physics import Pose, Quat, Vec
from simulation.scene_schema import Camera, Scene

# Must be chosen before mujoco is imported; an operator may still pick osmesa or glfw.
os.environ.setdefault("MUJOCO_GL", "egl")

import mujoco


@dataclass(frozen=True)
class RenderQuality:
    name: str
    shadow_size: int
    samples: int
    crf: int
    preset: str


QUALITIES = {"draft": RenderQuality("draft", shadow_size=2048, samples=0, crf=23, preset="veryfast")}
DEFAULT_RENDERER = "mujoco-cpu-legacy"

DEFAULT_CAMERA = Camera.model_validate({"position": {"x": 6, "y": 5, "z": 8}, "target": {}, "fov": 50})
SQRT_HALF = math.sqrt(0.5)
# +90 degrees about X maps the scene's Y-up frame onto MuJoCo's Z-up frame: (x, y, z) -> (x, -z, y).
Y_UP_TO_Z_UP: Quat = (SQRT_HALF, 0.0, 0.0, SQRT_HALF)
SUN_DIRECTION = tuple(float(v) for v in np.array([-0.3, -0.4, -1.0]) / np.linalg.norm([-0.3, -0.4, -1.0]))


class Renderer(Protocol):
    """Draws frames of one scene at one size; `close()` releases its GL context."""

    name: str

    def draw(self, poses: dict[str, Pose]) -> np.ndarray:
        """An (height, width, 3) uint8 RGB image of the scene with the bodies at `poses`."""
        ...

    def close(self) -> None: ...


def quaternion_multiply(a: Quat, b: Quat) -> Quat:
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def to_mujoco_position(position: Vec) -> Vec:
    x, y, z = position
    return (x, -z, y)


def to_mujoco_quaternion(rotation: Quat) -> tuple[float, float, float, float]:
    """A scene rotation (x, y, z, w) as MuJoCo's world orientation, in MuJoCo's (w, x, y, z) order."""
    x, y, z, w = quaternion_multiply(Y_UP_TO_Z_UP, rotation)
    return (w, x, y, z)


def _hex_rgba(color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return f"{r:.4f} {g:.4f} {b:.4f} 1"


def _fmt(values: tuple[float, ...]) -> str:
    return " ".join(f"{v:.6g}" for v in values)


def _ground_mjcf() -> str:
    """The 20 m x 20 m ground, one flat colour.

    No grid: on a software rasteriser a mipmapped grid texture over half the frame costs about a
    third of each frame, and grid lines drawn as thin boxes cost as much; the shadows already show
    where things are.
    """
    return '<geom name="ground" type="plane" size="10 10 0.1" material="ground" contype="0" conaffinity="0"/>'


def _bounds(scene: Scene) -> tuple[Vec, float]:
    """Centre and radius (MuJoCo coordinates) of where the objects start, which sizes the shadow map."""
    if not scene.objects:
        return (0.0, 0.0, 0.0), 3.0
    points = np.array([to_mujoco_position(o.transform.position.as_tuple()) for o in scene.objects.values()])
    sizes = [max(o.transform.scale.as_tuple()) for o in scene.objects.values()]
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    centre[2] = max(centre[2], 0.0)
    extent = float(np.linalg.norm(high - low) / 2 + max(sizes) + 1.0)
    return tuple(float(v) for v in centre), max(extent, 12.0)


def scene_mjcf(scene: Scene, *, width: int, height: int, quality: RenderQuality, fov: float) -> str:
    """The MuJoCo model that draws `scene`: static bodies included, everything a mocap body."""
    geoms = []
    for index, obj in enumerate(scene.objects.values()):
        scale = obj.transform.scale
        shape = obj.visualProperties.shape
        if shape == "Sphere":
            geom = f'type="sphere" size="{scale.x / 2:.6g}"'
        elif shape == "Cylinder":
            # The scene's cylinder axis is the body's local Y; MuJoCo's is the geom's Z: -90 deg about X.
            geom = f'type="cylinder" size="{scale.x / 2:.6g} {scale.y / 2:.6g}" quat="{SQRT_HALF} {-SQRT_HALF} 0 0"'
        else:
            geom = f'type="box" size="{_fmt((scale.x / 2, scale.y / 2, scale.z / 2))}"'
        geoms.append(
            f'<body name="b{index}" mocap="true"><geom {geom} rgba="{_hex_rgba(obj.visualProperties.color)}" '
            f'material="body" contype="0" conaffinity="0"/></body>'
        )
    centre, extent = _bounds(scene)
    # The shadow map is an orthographic view from the light's position: put it up-sun of the scene.
    sun = tuple(c - d * 2 * extent for c, d in zip(centre, SUN_DIRECTION, strict=True))
    ground = _ground_mjcf() if scene.has_ground else ""
    return f"""<mujoco model={quoteattr("scene")}>
  <visual>
    <global offwidth="{width}" offheight="{height}" fovy="{fov:.6g}"/>
    <quality shadowsize="{quality.shadow_size}" offsamples="{quality.samples}"/>
    <headlight ambient="0.4 0.4 0.4" diffuse="0.1 0.1 0.1" specular="0 0 0"/>
    <map znear="0.005" shadowclip="1.3" shadowscale="0.8"/>
  </visual>
  <statistic center="{_fmt(centre)}" extent="{extent:.6g}"/>
  <asset>
    <texture name="sky" type="skybox" builtin="gradient" rgb1="0.62 0.74 0.88" rgb2="0.95 0.96 0.98"
      width="256" height="256"/>
    <material name="ground" rgba="0.84 0.85 0.86 1" specular="0" reflectance="0"/>
    <material name="body" specular="0.3" shininess="0.4" reflectance="0"/>
  </asset>
  <worldbody>
    <light name="sun" directional="true" castshadow="true" pos="{_fmt(sun)}" dir="{_fmt(SUN_DIRECTION)}"
      diffuse="0.7 0.7 0.7" specular="0.2 0.2 0.2"/>
    {ground}
    {"".join(geoms)}
  </worldbody>
</mujoco>"""


def _free_camera(camera: Camera) -> mujoco.MjvCamera:
    """A free MuJoCo camera at the scene camera's position, looking at its target."""
    position = np.array(to_mujoco_position(camera.position.as_tuple()))
    target = np.array(to_mujoco_position(camera.target.as_tuple()))
    offset = target - position
    distance = float(np.linalg.norm(offset))
    direction = offset / distance
    mj_camera = mujoco.MjvCamera()
    mj_camera.type = mujoco.mjtCamera.mjCAMERA_FREE
    mj_camera.lookat[:] = target
    mj_camera.distance = distance
    mj_camera.azimuth = math.degrees(math.atan2(direction[1], direction[0]))
    mj_camera.elevation = math.degrees(math.asin(max(-1.0, min(1.0, direction[2]))))
    return mj_camera


class MujocoRenderer:
    name = DEFAULT_RENDERER

    def __init__(
        self, scene: Scene, *, width: int, height: int, quality: str = "draft", camera: Camera | None
    ):
        camera = camera or scene.camera or DEFAULT_CAMERA
        self.ids = list(scene.objects)
        self.model = mujoco.MjModel.from_xml_string(
            scene_mjcf(scene, width=width, height=height, quality=QUALITIES[quality], fov=camera.fov)
        )
        self.data = mujoco.MjData(self.model)
        # Lights and the ground never move: place them once; each frame only moves the mocap bodies.
        mujoco.mj_forward(self.model, self.data)
        self.camera = _free_camera(camera)
        self.options = mujoco.MjvOption()
        self.renderer = mujoco.Renderer(self.model, height=height, width=width)
        self.frame = np.empty((height, width, 3), dtype=np.uint8)

    def draw(self, poses: dict[str, Pose]) -> np.ndarray:
        for index, object_id in enumerate(self.ids):
            pose = poses[object_id]
            self.data.mocap_pos[index] = to_mujoco_position(pose.position)
            self.data.mocap_quat[index] = to_mujoco_quaternion(pose.rotation)
        mujoco.mj_kinematics(self.model, self.data)
        self.renderer.update_scene(self.data, camera=self.camera, scene_option=self.options)
        return self.renderer.render(out=self.frame)

    def close(self) -> None:
        self.renderer.close()


RENDERERS = {MujocoRenderer.name: MujocoRenderer}


def renderer_open(
    *,
    scene: Scene,
    width: int,
    height: int,
    quality: str = "draft",
    camera: Camera | None = None,
    name: str = DEFAULT_RENDERER,
) -> Renderer:
    return RENDERERS[name](scene, width=width, height=height, quality=quality, camera=camera)
