/** Pure edits of a scene: each returns a new Scene and leaves its argument untouched. */
import {
  type BodyType,
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

export function deleteObject(scene: Scene, id: string): Scene {
  if (!(id in scene.objects)) return scene;
  const objects = { ...scene.objects };
  delete objects[id];
  return { ...scene, objects, selectedObject: scene.selectedObject === id ? null : scene.selectedObject };
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
