/**
 * The browser's Rapier world for a scene, built exactly as the server builds it
 * (`simulation/render/physics.py`, SCENE.md "Measured on these machines"): a fixed 1/60 s step and
 * Rapier's default solver; the ground a fixed cuboid of half-extents 10 × 0.1 × 10 at y = −0.1
 * (friction 0.5, restitution 0); one body and one collider per object, the collider's mass set
 * explicitly; rotation the quaternion computed once from the scene's Euler XYZ angles; joints after
 * every body, as docs/scene.md "Joints" describes (`createJoint`).
 *
 * Rapier's compat build inlines its WASM, so it is only ever loaded through `loadRapier()`'s dynamic
 * import: the physics page's chunk, never the first bundle.
 */
import type RAPIER from "@dimforge/rapier3d-compat";
import { TIME_STEP } from "../scene/clock";
import { jointFrames, jointLength, springCoefficients } from "../scene/joints";
import { eulerXyzToQuaternion, type Quat } from "../scene/math";
import { type Joint, type Scene, type SceneObject, type Vec3, DEFAULT_GRAVITY, bodyTypeOf } from "../scene/types";

export type Rapier = typeof RAPIER;
export type Pose = { position: Vec3; rotation: Quat };

export const GROUND_HALF_EXTENTS: Vec3 = { x: 10, y: 0.1, z: 10 };
export const GROUND_CENTRE: Vec3 = { x: 0, y: -0.1, z: 0 };
export const GROUND_FRICTION = 0.5;
export const GROUND_RESTITUTION = 0;
/** The "factor" of Rapier's velocity motor, as on the server (`MOTOR_FACTOR`). */
export const MOTOR_FACTOR = 10;

let loading: Promise<Rapier> | null = null;

/** Rapier, loaded and initialised once per page. */
export function loadRapier(): Promise<Rapier> {
  loading ??= import("@dimforge/rapier3d-compat").then(async (module) => {
    const rapier = module.default;
    await rapier.init();
    return rapier;
  });
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

function colliderDesc(rapier: Rapier, object: SceneObject): RAPIER.ColliderDesc {
  const { scale } = object.transform;
  const shape = object.visualProperties.shape;
  const desc =
    shape === "Sphere"
      ? rapier.ColliderDesc.ball(scale.x / 2)
      : shape === "Cylinder"
        ? rapier.ColliderDesc.cylinder(scale.y / 2, scale.x / 2)
        : rapier.ColliderDesc.cuboid(scale.x / 2, scale.y / 2, scale.z / 2);
  const { mass, friction, restitution } = object.physicsProperties;
  desc.setFriction(friction).setRestitution(restitution);
  if (mass > 0) desc.setMass(mass);
  return desc;
}

function bodyDesc(rapier: Rapier, object: SceneObject): RAPIER.RigidBodyDesc {
  const type = bodyTypeOf(object);
  const desc =
    type === "static"
      ? rapier.RigidBodyDesc.fixed()
      : type === "kinematic"
        ? rapier.RigidBodyDesc.kinematicVelocityBased()
        : rapier.RigidBodyDesc.dynamic();
  const { position, rotation } = object.transform;
  desc.setTranslation(position.x, position.y, position.z).setRotation(eulerXyzToQuaternion(rotation));
  if (type !== "static") {
    if (object.linearVelocity) desc.setLinvel(object.linearVelocity.x, object.linearVelocity.y, object.linearVelocity.z);
    if (object.angularVelocity) desc.setAngvel(object.angularVelocity);
  }
  return desc;
}

/**
 * One joint, built as the server's `joint_builder` builds it: Rapier's body 1 is bodyB (or the
 * world body) and body 2 is bodyA; revolute, prismatic, fixed and spherical joints get both local
 * frames explicitly and no contacts between their bodies; rope and spring joints keep contacts.
 */
function createJoint(
  rapier: Rapier,
  world: RAPIER.World,
  scene: Scene,
  joint: Joint,
  bodyA: RAPIER.RigidBody,
  bodyB: RAPIER.RigidBody,
): RAPIER.ImpulseJoint | null {
  const frames = jointFrames(joint, scene);
  if (!frames) return null;
  const { anchorA, anchorB, frameA, frameB } = frames;
  if (joint.type === "rope" || joint.type === "spring") {
    const data =
      joint.type === "rope"
        ? rapier.JointData.rope(jointLength(joint, frames), anchorB, anchorA)
        : rapier.JointData.spring(
            jointLength(joint, frames),
            springCoefficients(joint).stiffness,
            springCoefficients(joint).damping,
            anchorB,
            anchorA,
          );
    const created = world.createImpulseJoint(data, bodyB, bodyA, true);
    created.setContactsEnabled(true);
    return created;
  }
  const axis = { x: 1, y: 0, z: 0 };
  const data =
    joint.type === "fixed"
      ? rapier.JointData.fixed(anchorB, frameB, anchorA, frameA)
      : joint.type === "spherical"
        ? rapier.JointData.spherical(anchorB, anchorA)
        : joint.type === "prismatic"
          ? rapier.JointData.prismatic(anchorB, anchorA, axis)
          : rapier.JointData.revolute(anchorB, anchorA, axis);
  const created = world.createImpulseJoint(data, bodyB, bodyA, true);
  created.setLocalFrame1(anchorB, frameB);
  created.setLocalFrame2(anchorA, frameA);
  created.setContactsEnabled(false);
  if (created instanceof rapier.RevoluteImpulseJoint || created instanceof rapier.PrismaticImpulseJoint) {
    if (joint.limits) created.setLimits(joint.limits[0], joint.limits[1]);
    if (joint.motor) {
      created.configureMotorVelocity(joint.motor.targetVelocity, MOTOR_FACTOR);
      created.setMotorMaxForce(joint.motor.maxForce);
    }
  }
  return created;
}

/** A scene's world, stepped only in whole fixed steps. Call `free()` when done: WASM memory is manual. */
export class SceneWorld {
  private readonly world: RAPIER.World;
  private readonly bodies = new Map<string, RAPIER.RigidBody>();
  private stepsTaken = 0;

  constructor(rapier: Rapier, scene: Scene) {
    this.world = new rapier.World(scene.gravity ?? DEFAULT_GRAVITY);
    this.world.timestep = TIME_STEP;
    if (scene.ground ?? true) {
      const ground = this.world.createRigidBody(
        rapier.RigidBodyDesc.fixed().setTranslation(GROUND_CENTRE.x, GROUND_CENTRE.y, GROUND_CENTRE.z),
      );
      this.world.createCollider(
        rapier.ColliderDesc.cuboid(GROUND_HALF_EXTENTS.x, GROUND_HALF_EXTENTS.y, GROUND_HALF_EXTENTS.z)
          .setFriction(GROUND_FRICTION)
          .setRestitution(GROUND_RESTITUTION),
        ground,
      );
    }
    for (const [id, object] of Object.entries(scene.objects)) {
      const body = this.world.createRigidBody(bodyDesc(rapier, object));
      this.world.createCollider(colliderDesc(rapier, object), body);
      this.bodies.set(id, body);
    }
    const joints = Object.values(scene.joints ?? {});
    // The world's anchor body: one fixed body at the origin without a collider, only when needed.
    const worldBody = joints.some((j) => j.bodyB === null) ? this.world.createRigidBody(rapier.RigidBodyDesc.fixed()) : null;
    for (const joint of joints) {
      const bodyA = this.bodies.get(joint.bodyA);
      const bodyB = joint.bodyB === null ? worldBody : this.bodies.get(joint.bodyB);
      if (bodyA && bodyB) createJoint(rapier, this.world, scene, joint, bodyA, bodyB);
    }
  }

  get steps(): number {
    return this.stepsTaken;
  }

  get time(): number {
    return this.stepsTaken * TIME_STEP;
  }

  step(count = 1): void {
    for (let i = 0; i < count; i += 1) this.world.step();
    this.stepsTaken += count;
  }

  pose(id: string): Pose | null {
    const body = this.bodies.get(id);
    if (!body) return null;
    const t = body.translation();
    const r = body.rotation();
    return { position: { x: t.x, y: t.y, z: t.z }, rotation: { x: r.x, y: r.y, z: r.z, w: r.w } };
  }

  poses(): Map<string, Pose> {
    const poses = new Map<string, Pose>();
    for (const id of this.bodies.keys()) {
      const pose = this.pose(id);
      if (pose) poses.set(id, pose);
    }
    return poses;
  }

  free(): void {
    this.world.free();
    this.bodies.clear();
  }
}
