/**
 * Where a joint attaches (docs/scene.md "Joints"), computed exactly as the server's `joint_frames`
 * in `simulation/render/physics.py`: both engines and the editor's drawing use these numbers.
 */
import { IDENTITY, type Quat, eulerXyzToQuaternion, quatConjugate, quatFromXTo, quatMultiply, quatRotate } from "./math";
import {
  DEFAULT_PRISMATIC_AXIS,
  DEFAULT_REVOLUTE_AXIS,
  DEFAULT_SPRING_DAMPING,
  DEFAULT_SPRING_STIFFNESS,
  type Joint,
  type Scene,
  type Vec3,
} from "./types";

/** One joint's attachment on each body: anchors and frame rotations in body-local space. */
export type JointFrames = {
  anchorA: Vec3;
  anchorB: Vec3;
  frameA: Quat;
  frameB: Quat;
  /** The anchors' world positions in the scene's initial pose. */
  worldA: Vec3;
  worldB: Vec3;
  /** The joint's axis in world space, initial pose. */
  worldAxis: Vec3;
  startDistance: number;
};

export type BodyPose = { position: Vec3; rotation: Quat };

const add = (a: Vec3, b: Vec3): Vec3 => ({ x: a.x + b.x, y: a.y + b.y, z: a.z + b.z });
const sub = (a: Vec3, b: Vec3): Vec3 => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });

export function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

export function jointAxis(joint: Joint): Vec3 {
  return joint.axis ?? (joint.type === "prismatic" ? DEFAULT_PRISMATIC_AXIS : DEFAULT_REVOLUTE_AXIS);
}

function initialPose(scene: Scene, id: string | null): BodyPose {
  const object = id === null ? undefined : scene.objects[id];
  if (!object) return { position: { x: 0, y: 0, z: 0 }, rotation: IDENTITY };
  return { position: object.transform.position, rotation: eulerXyzToQuaternion(object.transform.rotation) };
}

/** The frames of `joint` in `scene`'s initial pose; null when bodyA is not in the scene. */
export function jointFrames(joint: Joint, scene: Scene): JointFrames | null {
  if (!(joint.bodyA in scene.objects)) return null;
  if (joint.bodyB !== null && !(joint.bodyB in scene.objects)) return null;
  const a = initialPose(scene, joint.bodyA);
  const b = initialPose(scene, joint.bodyB);
  const anchorA = joint.anchorA ?? { x: 0, y: 0, z: 0 };
  const worldA = add(a.position, quatRotate(a.rotation, anchorA));
  const anchorB = joint.anchorB ?? quatRotate(quatConjugate(b.rotation), sub(worldA, b.position));
  const worldB = add(b.position, quatRotate(b.rotation, anchorB));
  const frameA = quatFromXTo(jointAxis(joint));
  const frameB = quatMultiply(quatMultiply(quatConjugate(b.rotation), a.rotation), frameA);
  return {
    anchorA,
    anchorB,
    frameA,
    frameB,
    worldA,
    worldB,
    worldAxis: quatRotate(quatMultiply(a.rotation, frameA), { x: 1, y: 0, z: 0 }),
    startDistance: distance(worldA, worldB),
  };
}

/** Rope: the maximum length; spring: the rest length (both default to the anchors' start distance). */
export function jointLength(joint: Joint, frames: JointFrames): number {
  if (joint.length !== undefined) return joint.length;
  return joint.type === "rope" ? Math.max(frames.startDistance, 1e-3) : frames.startDistance;
}

export function springCoefficients(joint: Joint): { stiffness: number; damping: number } {
  return { stiffness: joint.stiffness ?? DEFAULT_SPRING_STIFFNESS, damping: joint.damping ?? DEFAULT_SPRING_DAMPING };
}

/** Where a body-local anchor is now, given the body's current pose (the world's anchor is already world). */
export function anchorNow(pose: BodyPose | null, anchor: Vec3): Vec3 {
  if (!pose) return anchor;
  return add(pose.position, quatRotate(pose.rotation, anchor));
}
