"""Renderers turn body poses into pictures; physics never happens here.

The interface (docs/rendering.md "Renderer backends")
------------------------------------------------------
The render pipeline (`simulation.render.pipeline`) owns the physics, the camera path and the MP4
encoder; a renderer only draws. `renderer_open(name=...)` returns an object with

- `name`: what the render record reports as its renderer;
- `draw(frame: FrameState) -> np.ndarray`: one (height, width, 3) uint8 RGB picture. A `FrameState`
  holds one or more `SubFrame`s (body poses and a `ViewPoint` camera, both in scene coordinates,
  Y-up); a renderer that gets several averages them (the pipeline asks for several when the
  quality wants supersampling or motion blur), and may ignore extras if it has a better way;
- `close()`: releases GL contexts or devices.

The pipeline writes every picture `draw` returns into the H.264 encoder, so frames in, MP4 out:
a GPU backend (Genesis, a Vulkan path tracer) is one more class in `RENDERERS`, chosen by the
`RENDER_BACKEND` setting, with no change to the pipeline, the API or the database.

The CPU default is `MujocoRenderer`: MuJoCo's offscreen OpenGL renderer (software rasterised
through EGL + Mesa llvmpipe when there is no GPU), used only for drawing: one mocap body per scene
object carrying the object's look (`looks.py`), an infinite textured ground that reaches the
horizon, a gradient sky, a sun with shadows. Scenes are Y-up with Y-axis cylinders; MuJoCo is Z-up
with Z-axis cylinders: the conversion happens once, in `to_mujoco_position` /
`to_mujoco_quaternion` and the cylinder geoms' fixed local rotation.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import quoteattr

import numpy as np

from simulation.render.camera import DEFAULT_CAMERA, ViewPoint
from simulation.render.looks import jointed_ids, looks, object_parts, object_shade
from simulation.render.options import DEFAULT_GROUND_STYLE, DEFAULT_RENDERER, QUALITIES, RenderQuality
from simulation.render.physics import Pose, Quat, Vec, euler_xyz_to_quaternion
from simulation.render.textures import ground_texture, material_texture
from simulation.scene_schema import Scene

# Must be chosen before mujoco is imported; an operator may still pick osmesa or glfw.
os.environ.setdefault("MUJOCO_GL", "egl")

import mujoco

__all__ = ["DEFAULT_CAMERA", "FrameState", "MujocoRenderer", "Renderer", "SubFrame", "renderer_open"]

SQRT_HALF = math.sqrt(0.5)
# +90 degrees about X maps the scene's Y-up frame onto MuJoCo's Z-up frame: (x, y, z) -> (x, -z, y).
Y_UP_TO_Z_UP: Quat = (SQRT_HALF, 0.0, 0.0, SQRT_HALF)
SUN_DIRECTION = tuple(float(v) for v in np.array([-0.35, -0.45, -1.0]) / np.linalg.norm([-0.35, -0.45, -1.0]))
# Sub-pixel offsets of the supersampled sub-frames (a rotated grid) and the sun's tilt for each,
# in radians: averaged, they give anti-aliased edges and soft shadow edges.
JITTER = [(0.0, 0.0), (0.375, -0.125), (-0.125, 0.375), (-0.375, -0.375), (0.125, 0.125), (0.25, 0.375)]
SUN_TILT = [(0.0, 0.0), (0.02, 0.0), (0.0, 0.02), (-0.02, -0.02), (0.014, -0.014), (-0.014, 0.014)]
# Cylinders lie along the geom's Z in MuJoCo; parts name the body axis they lie along (x, y, z).
CYLINDER_QUAT = {
    0: (SQRT_HALF, 0.0, SQRT_HALF, 0.0),
    1: (SQRT_HALF, -SQRT_HALF, 0.0, 0.0),
    2: (1.0, 0.0, 0.0, 0.0),
}


@dataclass(frozen=True)
class SubFrame:
    poses: dict[str, Pose]
    camera: ViewPoint


@dataclass(frozen=True)
class FrameState:
    """What one output frame shows: one sub-frame, or several to average (supersampling, motion blur)."""

    subframes: list[SubFrame]


class Renderer(Protocol):
    """Draws frames of one scene at one size; `close()` releases its GL context or device."""

    name: str

    def draw(self, frame: FrameState) -> np.ndarray:
        """An (height, width, 3) uint8 RGB image of the scene as `frame` describes it."""
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


def rotate(rotation: Quat, vector: Vec) -> Vec:
    """`vector` turned by the unit quaternion `rotation` (x, y, z, w)."""
    x, y, z, w = rotation
    vx, vy, vz = vector
    # t = 2 * (q.xyz x v); v' = v + w * t + q.xyz x t
    tx, ty, tz = 2 * (y * vz - z * vy), 2 * (z * vx - x * vz), 2 * (x * vy - y * vx)
    return (
        vx + w * tx + (y * tz - z * ty),
        vy + w * ty + (z * tx - x * tz),
        vz + w * tz + (x * ty - y * tx),
    )


def to_mujoco_position(position: Vec) -> Vec:
    x, y, z = position
    return (x, -z, y)


def to_mujoco_quaternion(rotation: Quat) -> tuple[float, float, float, float]:
    """A scene rotation (x, y, z, w) as MuJoCo's world orientation, in MuJoCo's (w, x, y, z) order."""
    x, y, z, w = quaternion_multiply(Y_UP_TO_Z_UP, rotation)
    return (w, x, y, z)


def _rgb(color: str) -> tuple[float, float, float]:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b)


def _fmt(values: tuple[float, ...]) -> str:
    return " ".join(f"{v:.6g}" for v in values)


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
    return tuple(float(v) for v in centre), max(extent, 6.0)


def _material_mjcf() -> str:
    """One MuJoCo material per look material (looks.json): specular, shininess, grain textures."""
    lines = []
    for name, spec in looks()["materials"].items():
        texture = ""
        if spec["texture"]:
            texture = f' texture="grain_{spec["texture"]}" texrepeat="2 2" texuniform="true"'
        lines.append(
            f'<material name="m_{name}" specular="{spec["specular"]:.3g}" '
            f'shininess="{spec["shininess"]:.3g}" reflectance="0"{texture}/>'
        )
    textures = {spec["texture"] for spec in looks()["materials"].values() if spec["texture"]}
    lines += [f'<texture name="grain_{t}" type="2d" file="grain_{t}.png"/>' for t in sorted(textures)]
    return "\n    ".join(lines)


def _body_mjcf(scene: Scene) -> str:
    bodies = []
    materials = looks()["materials"]
    # Neighbours in the scene's order get different shades of their colour (a stack stays readable).
    shade_index: dict[str, int] = {}
    jointed = jointed_ids(scene)
    for index, obj in enumerate(scene.objects.values()):
        colour = obj.visualProperties.color.lower()
        shade = object_shade(shade_index.get(colour, 0))
        shade_index[colour] = shade_index.get(colour, 0) + 1
        geoms = []
        for part in object_parts(obj, shade=shade, jointed=obj.id in jointed):
            spec = materials[part.material]
            diffuse = spec.get("diffuse", 1.0)
            rgba = f"{_fmt(tuple(c * diffuse for c in _rgb(part.color)))} {spec['opacity']:.3g}"
            if part.shape == "cylinder":
                cross = [part.size[a] for a in range(3) if a != part.axis]
                size = f"{min(cross) / 2:.6g} {part.size[part.axis] / 2:.6g}"
                extra = f' quat="{_fmt(CYLINDER_QUAT[part.axis])}"'
            else:
                size = _fmt(tuple(s / 2 for s in part.size))
                extra = ""
            geoms.append(
                f'<geom type="{part.shape}" size="{size}" pos="{_fmt(part.center)}"{extra} rgba="{rgba}" '
                f'material="m_{part.material}" contype="0" conaffinity="0"/>'
            )
        bodies.append(f'<body name="b{index}" mocap="true">{"".join(geoms)}</body>')
    return "\n    ".join(bodies)


def scene_mjcf(
    scene: Scene, *, width: int, height: int, quality: RenderQuality, fov: float, ground_style: str
) -> str:
    """The MuJoCo model that draws `scene`: static bodies included, everything a mocap body."""
    centre, extent = _bounds(scene)
    # The shadow map is an orthographic view from the light's position: put it up-sun of the scene.
    sun = tuple(c - d * 2 * extent for c, d in zip(centre, SUN_DIRECTION, strict=True))
    _, period = ground_texture(ground_style)
    sky = looks()["sky"]
    ground = ""
    if scene.has_ground:
        # An infinite plane (size 0 0): drawn out to the far plane, so it meets the sky at the horizon.
        ground = (
            '<geom name="ground" type="plane" size="0 0 1" material="ground" contype="0" conaffinity="0"/>'
        )
    return f"""<mujoco model={quoteattr("scene")}>
  <visual>
    <global offwidth="{width}" offheight="{height}" fovy="{fov:.6g}"/>
    <quality shadowsize="{quality.shadow_size}" offsamples="0"/>
    <headlight ambient="0.38 0.38 0.4" diffuse="0.12 0.12 0.12" specular="0.08 0.08 0.08"/>
    <map znear="0.004" zfar="60" shadowclip="1.2" shadowscale="0.6" haze="0.25"/>
    <rgba haze="{_fmt(_rgb(sky["horizon"]))} 1"/>
  </visual>
  <statistic center="{_fmt(centre)}" extent="{extent:.6g}"/>
  <asset>
    <texture name="sky" type="skybox" builtin="gradient" rgb1="{_fmt(_rgb(sky["zenith"]))}"
      rgb2="{_fmt(_rgb(sky["horizon"]))}" width="256" height="256"/>
    <texture name="ground" type="2d" file="ground.png"/>
    <material name="ground" texture="ground" texrepeat="{1 / period:.6g} {1 / period:.6g}" texuniform="true"
      specular="0.05" shininess="0.1" reflectance="0"/>
    {_material_mjcf()}
  </asset>
  <worldbody>
    <light name="sun" directional="true" castshadow="true" pos="{_fmt(sun)}" dir="{_fmt(SUN_DIRECTION)}"
      diffuse="0.72 0.7 0.66" specular="0.6 0.6 0.6"/>
    {ground}
    {_body_mjcf(scene)}
  </worldbody>
</mujoco>"""


def _free_camera(view: ViewPoint) -> mujoco.MjvCamera:
    """A free MuJoCo camera at the view's position, looking at its target."""
    mj_camera = mujoco.MjvCamera()
    mj_camera.type = mujoco.mjtCamera.mjCAMERA_FREE
    _aim(mj_camera, view)
    return mj_camera


def _aim(mj_camera: mujoco.MjvCamera, view: ViewPoint) -> None:
    position = np.array(to_mujoco_position(view.position))
    target = np.array(to_mujoco_position(view.target))
    offset = target - position
    distance = max(float(np.linalg.norm(offset)), 1e-6)
    direction = offset / distance
    mj_camera.lookat[:] = target
    mj_camera.distance = distance
    mj_camera.azimuth = math.degrees(math.atan2(direction[1], direction[0]))
    mj_camera.elevation = math.degrees(math.asin(max(-1.0, min(1.0, direction[2]))))


class JointDrawer:
    """Rods, strings and pivots for the scene's joints, so a hung body never floats."""

    def __init__(self, scene: Scene):
        self.joints = []
        colours = looks()["joints"]
        initial = {
            oid: (o.transform.position.as_tuple(), _euler_quat(o.transform.rotation.as_tuple()))
            for oid, o in scene.objects.items()
        }
        for joint in (scene.joints or {}).values():
            anchor_a = joint.anchorA.as_tuple()
            if joint.anchorB is not None:
                anchor_b = joint.anchorB.as_tuple()
            else:
                # Where anchorA starts, in the world or in bodyB's frame.
                position, rotation = initial[joint.bodyA]
                world = _add(position, rotate(rotation, anchor_a))
                if joint.bodyB is None:
                    anchor_b = world
                else:
                    b_position, b_rotation = initial[joint.bodyB]
                    anchor_b = rotate(_conjugate(b_rotation), _sub(world, b_position))
            style = {"rope": "rope", "spring": "spring"}.get(joint.type, "rod")
            size = min(scene.objects[joint.bodyA].transform.scale.as_tuple())
            # Thick enough to see at 720p from a few metres; thicker for big bodies.
            width = {"rope": 0.012, "spring": 0.025, "rod": 0.03}[style] * max(1.0, min(size, 3.0))
            rgba = np.array([*_rgb(colours[style]), 1.0], dtype=np.float32)
            self.joints.append((joint.bodyA, anchor_a, joint.bodyB, anchor_b, width, rgba))
        self.pivot_rgba = np.array([*_rgb(colours["pivot"]), 1.0], dtype=np.float32)
        self.count = 4 * len(self.joints)  # at most three segments and a pivot each

    def add(self, scn: mujoco.MjvScene, poses: dict[str, Pose]) -> None:
        for body_a, anchor_a, body_b, anchor_b, width, rgba in self.joints:
            pose_a = poses[body_a]
            world_a = _add(pose_a.position, rotate(pose_a.rotation, anchor_a))
            segments = [(pose_a.position, world_a)]
            if body_b is None:
                world_b = anchor_b
                self._sphere(scn, world_b, width * 2.2)
            else:
                pose_b = poses[body_b]
                world_b = _add(pose_b.position, rotate(pose_b.rotation, anchor_b))
                segments.append((world_b, pose_b.position))
            segments.append((world_a, world_b))
            for start, end in segments:
                if math.dist(start, end) > 1e-3:
                    self._connector(scn, start, end, width, rgba)

    def _slot(self, scn: mujoco.MjvScene) -> mujoco.MjvGeom | None:
        if scn.ngeom >= scn.maxgeom:
            return None
        scn.ngeom += 1
        return scn.geoms[scn.ngeom - 1]

    def _connector(self, scn: mujoco.MjvScene, start: Vec, end: Vec, width: float, rgba: np.ndarray) -> None:
        geom = self._slot(scn)
        if geom is None:
            return
        mujoco.mjv_initGeom(
            geom, mujoco.mjtGeom.mjGEOM_CAPSULE, np.zeros(3), np.zeros(3), np.eye(3).ravel(), rgba
        )
        mujoco.mjv_connector(
            geom,
            mujoco.mjtGeom.mjGEOM_CAPSULE,
            width,
            np.array(to_mujoco_position(start)),
            np.array(to_mujoco_position(end)),
        )

    def _sphere(self, scn: mujoco.MjvScene, centre: Vec, radius: float) -> None:
        geom = self._slot(scn)
        if geom is None:
            return
        mujoco.mjv_initGeom(
            geom,
            mujoco.mjtGeom.mjGEOM_SPHERE,
            np.array([radius, radius, radius]),
            np.array(to_mujoco_position(centre)),
            np.eye(3).ravel(),
            self.pivot_rgba,
        )


def _euler_quat(rotation: Vec) -> Quat:
    return euler_xyz_to_quaternion(*rotation)


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _conjugate(q: Quat) -> Quat:
    return (-q[0], -q[1], -q[2], q[3])


class MujocoRenderer:
    name = DEFAULT_RENDERER

    def __init__(
        self,
        scene: Scene,
        *,
        width: int,
        height: int,
        quality: str = "draft",
        fov: float | None = None,
        ground_style: str | None = None,
    ):
        style = ground_style or scene.groundStyle or DEFAULT_GROUND_STYLE
        self.settings = QUALITIES[quality]
        self.ids = list(scene.objects)
        fov = fov if fov is not None else (scene.camera or DEFAULT_CAMERA).fov
        assets = {"ground.png": ground_texture(style)[0]}
        for texture in {spec["texture"] for spec in looks()["materials"].values() if spec["texture"]}:
            assets[f"grain_{texture}.png"] = material_texture(texture)
        self.model = mujoco.MjModel.from_xml_string(
            scene_mjcf(scene, width=width, height=height, quality=self.settings, fov=fov, ground_style=style),
            assets=assets,
        )
        self.data = mujoco.MjData(self.model)
        # Lights and the ground never move: place them once; each frame only moves the mocap bodies.
        mujoco.mj_forward(self.model, self.data)
        self.ground_geom = mujoco.mj_name2id(self.model, mujoco.mjtObj.mjOBJ_GEOM, "ground")
        self.joints = JointDrawer(scene)
        self.camera = _free_camera(ViewPoint.of(scene.camera or DEFAULT_CAMERA))
        self.options = mujoco.MjvOption()
        self.renderer = mujoco.Renderer(
            self.model,
            height=height,
            width=width,
            max_geom=max(10000, self.model.ngeom + self.joints.count + 100),
        )
        self._cheap_texture_filter()
        self.height = height
        self.frame = np.empty((height, width, 3), dtype=np.uint8)
        self.sum = np.zeros((height, width, 3), dtype=np.uint16)

    def _cheap_texture_filter(self) -> None:
        """Bilinear filtering within the nearest mipmap level for the ground and grain textures.

        MuJoCo asks for trilinear filtering; on llvmpipe that costs about a third of a draft frame
        when the ground fills half the picture, and the haze hides the mip seams it would show.
        """
        try:
            from OpenGL import GL

            self.renderer._gl_context.make_current()
            textures = self.renderer._mjr_context.texture
            for index in range(self.model.ntex):
                if self.model.tex_type[index] == mujoco.mjtTexture.mjTEXTURE_2D:
                    GL.glBindTexture(GL.GL_TEXTURE_2D, int(textures[index]))
                    GL.glTexParameteri(
                        GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR_MIPMAP_NEAREST
                    )
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        except (AttributeError, ImportError, RuntimeError):
            # Another MuJoCo or GL binding: keep MuJoCo's own filtering (correct, a little slower).
            return

    def _draw_one(self, sub: SubFrame, sample: int, samples: int) -> np.ndarray:
        for index, object_id in enumerate(self.ids):
            pose = sub.poses[object_id]
            self.data.mocap_pos[index] = to_mujoco_position(pose.position)
            self.data.mocap_quat[index] = to_mujoco_quaternion(pose.rotation)
        mujoco.mj_kinematics(self.model, self.data)
        _aim(self.camera, sub.camera)
        self.model.vis.global_.fovy = sub.camera.fov
        self.renderer.update_scene(self.data, camera=self.camera, scene_option=self.options)
        scn = self.renderer.scene
        for geom in scn.geoms[: scn.ngeom]:
            # The ground never shadows itself: no shadow acne, no speckles out to the horizon.
            if geom.objid == self.ground_geom and geom.objtype == mujoco.mjtObj.mjOBJ_GEOM:
                geom.castshadow = 0
        self.joints.add(scn, sub.poses)
        scn.flags[mujoco.mjtRndFlag.mjRND_HAZE] = 1
        if samples > 1:
            self._jitter(scn, sample)
        return self.renderer.render(out=self.frame)

    def _jitter(self, scn: mujoco.MjvScene, sample: int) -> None:
        dx, dy = JITTER[sample % len(JITTER)]
        for cam in scn.camera:
            pixel = (cam.frustum_top - cam.frustum_bottom) / self.height
            cam.frustum_center += dx * pixel
            cam.frustum_bottom += dy * pixel
            cam.frustum_top += dy * pixel
        tx, ty = SUN_TILT[sample % len(SUN_TILT)]
        for light in scn.lights[: scn.nlight]:
            if light.castshadow:
                direction = np.array(SUN_DIRECTION) + np.array([tx, ty, 0.0])
                light.dir[:] = direction / np.linalg.norm(direction)

    def draw(self, frame: FrameState) -> np.ndarray:
        subframes = frame.subframes
        if len(subframes) == 1:
            return self._draw_one(subframes[0], 0, 1)
        self.sum.fill(0)
        for sample, sub in enumerate(subframes):
            np.add(self.sum, self._draw_one(sub, sample, len(subframes)), out=self.sum)
        count = len(subframes)
        np.floor_divide(self.sum + count // 2, count, out=self.sum)
        return self.sum.astype(np.uint8)

    def close(self) -> None:
        self.renderer.close()


RENDERERS: dict[str, type[MujocoRenderer]] = {MujocoRenderer.name: MujocoRenderer}


def renderer_open(
    *,
    scene: Scene,
    width: int,
    height: int,
    quality: str = "draft",
    fov: float | None = None,
    ground_style: str | None = None,
    name: str = DEFAULT_RENDERER,
) -> Renderer:
    """The renderer called `name` for `scene` at one size; each frame then says where the camera is."""
    return RENDERERS[name](
        scene, width=width, height=height, quality=quality, fov=fov, ground_style=ground_style
    )
