/** Pure edits of a scene: each returns a new Scene and leaves its argument untouched. */
import { eulerXyzToQuaternion, quatConjugate, quatRotate } from "./math";
import {
  type BodyType,
  type Joint,
  type JointType,
  MAX_JOINTS,
  MAX_OBJECTS,
  type PhysicsProperties,
  type Scene,
  type SceneObject,
  type Shape,
  type Transform,
  type VisualProperties,
} from "./types";

const DEFAULT_COLORS: Record<Shape, string> = { Box: "#4f86f7", Sphere: "#e4572e", Cylinder: "#29bf12" };

/** `base`, or `base-2`, `base-3`, … whichever is not taken yet. */
export function freeId(scene: Scene, base: string): string {
  const stem = base.replace(/-\d+$/, "").slice(0, 56) || "object";
  if (!(stem in scene.objects)) return stem;
  for (let n = 2; ; n += 1) {
    const id = `${stem}-${n}`;
    if (!(id in scene.objects)) return id;
  }
}

/** The first spot on a grid around `near` (x and z, 1.5 m apart) whose column no object occupies. */
export function freeSpot(scene: Scene, near: { x: number; z: number }, clearance = 1.2): { x: number; z: number } {
  const others = Object.values(scene.objects).map((o) => o.transform.position);
  const taken = (x: number, z: number) =>
    others.some((p) => Math.abs(p.x - x) < clearance && Math.abs(p.z - z) < clearance);
  for (let ring = 0; ring < 20; ring += 1) {
    for (let i = -ring; i <= ring; i += 1) {
      for (const [dx, dz] of [
        [i, -ring],
        [i, ring],
        [-ring, i],
        [ring, i],
      ] as const) {
        const x = near.x + dx * 1.5;
        const z = near.z + dz * 1.5;
        if (!taken(x, z)) return { x, z };
      }
    }
  }
  return { x: near.x, z: near.z };
}

export function canAdd(scene: Scene): boolean {
  return Object.keys(scene.objects).length < MAX_OBJECTS;
}

/** A new unit-sized object resting on the ground at a free spot. */
export function addObject(scene: Scene, shape: Shape): { scene: Scene; id: string } {
  const id = freeId(scene, shape.toLowerCase());
  const spot = freeSpot(scene, { x: 0, z: 0 });
  const object: SceneObject = {
    id,
    transform: {
      position: { x: spot.x, y: 0.5, z: spot.z },
      rotation: { x: 0, y: 0, z: 0 },
      scale: { x: 1, y: 1, z: 1 },
    },
    physicsProperties: { mass: 1, friction: 0.5, restitution: 0.3 },
    visualProperties: { color: DEFAULT_COLORS[shape], shape },
    description: null,
  };
  return { scene: { ...scene, objects: { ...scene.objects, [id]: object } }, id };
}

/** A copy of an object next to it, at the same height. */
export function duplicateObject(scene: Scene, id: string): { scene: Scene; id: string } | null {
  const source = scene.objects[id];
  if (!source) return null;
  const newId = freeId(scene, id);
  const { position } = source.transform;
  const clearance = Math.max(source.transform.scale.x, source.transform.scale.z) + 0.2;
  const spot = freeSpot(scene, { x: position.x, z: position.z }, clearance);
  const copy: SceneObject = structuredClone(source);
  copy.id = newId;
  copy.transform.position = { x: spot.x, y: position.y, z: spot.z };
  return { scene: { ...scene, objects: { ...scene.objects, [newId]: copy } }, id: newId };
}

/** Deletes an object and every joint that holds it. */
export function deleteObject(scene: Scene, id: string): Scene {
  if (!(id in scene.objects)) return scene;
  const objects = { ...scene.objects };
  delete objects[id];
  const next: Scene = { ...scene, objects, selectedObject: scene.selectedObject === id ? null : scene.selectedObject };
  if (scene.joints) {
    const joints = Object.fromEntries(Object.entries(scene.joints).filter(([, j]) => j.bodyA !== id && j.bodyB !== id));
    if (Object.keys(joints).length > 0) next.joints = joints;
    else delete next.joints;
  }
  return next;
}

/** The joints that hold object `id`, at either end. */
export function jointsOf(scene: Scene, id: string): Joint[] {
  return Object.values(scene.joints ?? {}).filter((j) => j.bodyA === id || j.bodyB === id);
}

function freeJointId(scene: Scene, base: string): string {
  const joints = scene.joints ?? {};
  if (!(base in joints)) return base;
  for (let n = 2; ; n += 1) {
    const id = `${base}-${n}`;
    if (!(id in joints)) return id;
  }
}

/** Why a joint of `bodyA` to `bodyB` (null: the world) cannot be added, or null when it can. */
export function jointProblem(scene: Scene, bodyA: string, bodyB: string | null): string | null {
  if (!(bodyA in scene.objects)) return "Select the object to attach first.";
  if (bodyB !== null && !(bodyB in scene.objects)) return `There is no object ${bodyB}.`;
  if (bodyA === bodyB) return "A joint needs two different objects (or an object and the world).";
  if (Object.keys(scene.joints ?? {}).length >= MAX_JOINTS) return `A scene holds at most ${MAX_JOINTS} joints.`;
  return null;
}

/**
 * A new joint of `type` holding `bodyA` to `bodyB`, or to the world when bodyB is null. Between
 * two objects, hinges and welds sit halfway between their centres and ropes and springs join the
 * centres; to the world, the object hangs by the middle of its top face, ropes and springs from a
 * point 1 m above it.
 */
export function addJoint(scene: Scene, type: JointType, bodyA: string, bodyB: string | null): { scene: Scene; id: string } | null {
  if (jointProblem(scene, bodyA, bodyB) !== null) return null;
  const a = scene.objects[bodyA];
  if (!a) return null;
  const id = freeJointId(scene, type);
  const joint: Joint = { id, type, bodyA, bodyB };
  const stretchy = type === "rope" || type === "spring";
  const b = bodyB === null ? undefined : scene.objects[bodyB];
  if (!b) {
    const top = a.transform.scale.y / 2;
    joint.anchorA = { x: 0, y: top, z: 0 };
    if (stretchy) {
      const p = a.transform.position;
      joint.anchorB = { x: p.x, y: p.y + top + 1, z: p.z };
    }
  } else if (stretchy) {
    joint.anchorA = { x: 0, y: 0, z: 0 };
    joint.anchorB = { x: 0, y: 0, z: 0 };
  } else {
    const pa = a.transform.position;
    const pb = b.transform.position;
    const middle = { x: (pb.x - pa.x) / 2, y: (pb.y - pa.y) / 2, z: (pb.z - pa.z) / 2 };
    joint.anchorA = quatRotate(quatConjugate(eulerXyzToQuaternion(a.transform.rotation)), middle);
  }
  return { scene: { ...scene, joints: { ...(scene.joints ?? {}), [id]: joint } }, id };
}

/** Changes one joint's settings (not its ends); a field set to undefined goes back to its default. */
export type JointChanges = Partial<Omit<Joint, "id" | "bodyA" | "bodyB">>;

export function setJoint(scene: Scene, id: string, changes: JointChanges): Scene {
  const joint = scene.joints?.[id];
  if (!joint || !scene.joints) return scene;
  const next: Joint = { ...joint, ...changes };
  for (const key of Object.keys(changes) as (keyof JointChanges)[]) {
    if (changes[key] === undefined) delete next[key];
  }
  return { ...scene, joints: { ...scene.joints, [id]: next } };
}

export function deleteJoint(scene: Scene, id: string): Scene {
  if (!scene.joints || !(id in scene.joints)) return scene;
  const joints = { ...scene.joints };
  delete joints[id];
  const next: Scene = { ...scene, joints };
  if (Object.keys(joints).length === 0) delete next.joints;
  return next;
}

function replace(scene: Scene, id: string, change: (object: SceneObject) => SceneObject): Scene {
  const object = scene.objects[id];
  if (!object) return scene;
  return { ...scene, objects: { ...scene.objects, [id]: change(object) } };
}

export function setTransform(scene: Scene, id: string, transform: Transform): Scene {
  return replace(scene, id, (o) => ({ ...o, transform }));
}

/** Sets physics properties; mass 0 on an explicitly dynamic body turns it static (SCENE.md). */
export function setPhysics(scene: Scene, id: string, physics: Partial<PhysicsProperties>): Scene {
  return replace(scene, id, (o) => {
    const next: SceneObject = { ...o, physicsProperties: { ...o.physicsProperties, ...physics } };
    if (next.physicsProperties.mass === 0 && next.bodyType === "dynamic") next.bodyType = "static";
    return next;
  });
}

export function setVisual(scene: Scene, id: string, visual: Partial<VisualProperties>): Scene {
  return replace(scene, id, (o) => ({ ...o, visualProperties: { ...o.visualProperties, ...visual } }));
}

export function setDescription(scene: Scene, id: string, description: string): Scene {
  return replace(scene, id, (o) => ({ ...o, description: description === "" ? null : description }));
}

/**
 * Sets the body type, keeping the scene valid: a dynamic body with mass 0 gets 1 kg (mass 0 means
 * static), and choosing the default type drops the explicit field.
 */
export function setBodyType(scene: Scene, id: string, bodyType: BodyType): Scene {
  return replace(scene, id, (o) => {
    const mass = bodyType === "dynamic" && o.physicsProperties.mass === 0 ? 1 : o.physicsProperties.mass;
    return { ...o, bodyType, physicsProperties: { ...o.physicsProperties, mass } };
  });
}

/** The document to save, export or render: the editor's selection recorded in `selectedObject`. */
export function sceneForExport(scene: Scene, selection: string | null): Scene {
  return { ...scene, selectedObject: selection !== null && selection in scene.objects ? selection : null };
}
