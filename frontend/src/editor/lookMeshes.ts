/**
 * Dresses the viewport's meshes with their looks (`looks.ts`): the material's roughness, metalness
 * and opacity, and for known kinds the parts that replace the primitive, as the server renderer
 * draws them. The primitive mesh stays (hidden) so picking, gizmos and poses work unchanged.
 */
import * as THREE from "three";
import type { SceneObject } from "../scene/types";
import { LOOKS, type Part, colliderBox, objectKind, objectMaterial, objectParts } from "./looks";

const PART_GEOMETRIES: Record<Part["shape"], THREE.BufferGeometry> = {
  box: new THREE.BoxGeometry(1, 1, 1),
  ellipsoid: new THREE.SphereGeometry(0.5, 24, 16),
  cylinder: new THREE.CylinderGeometry(0.5, 0.5, 1, 24),
};
const LOOK_NAME = "look";

/** A three.js material for a look material of looks.json in `color`. */
export function lookMaterial(name: string, color: string): THREE.MeshStandardMaterial {
  const material = new THREE.MeshStandardMaterial({ color });
  setMaterial(material, name);
  return material;
}

function setMaterial(material: THREE.MeshStandardMaterial, name: string): void {
  const spec = LOOKS.materials[name] ?? LOOKS.materials[LOOKS.defaultMaterial];
  if (!spec) return;
  material.roughness = spec.roughness;
  material.metalness = spec.metalness;
  material.transparent = spec.opacity < 1;
  material.opacity = spec.opacity;
  material.depthWrite = spec.opacity >= 1;
}

/** The local scale that gives a part its extents in the body frame, under a parent scaled to `box`. */
function partScale(part: Part, box: Part["size"]): THREE.Vector3 {
  const e = part.size;
  if (part.shape !== "cylinder") return new THREE.Vector3(e[0] / box[0], e[1] / box[1], e[2] / box[2]);
  const cross = [0, 1, 2].filter((axis) => axis !== part.axis).map((axis) => e[axis] ?? 0);
  const diameter = Math.min(...cross);
  const extents: Part["size"] = [diameter, diameter, diameter];
  extents[part.axis] = e[part.axis];
  // The cylinder geometry runs along its own y; turned onto x (about z) or z (about x), its own axes
  // land on the body's axes permuted, and the parent's per-axis scale applies after that.
  if (part.axis === 0) return new THREE.Vector3(extents[1] / box[1], extents[0] / box[0], extents[2] / box[2]);
  if (part.axis === 2) return new THREE.Vector3(extents[0] / box[0], extents[2] / box[2], extents[1] / box[1]);
  return new THREE.Vector3(extents[0] / box[0], extents[1] / box[1], extents[2] / box[2]);
}

function disposeLook(mesh: THREE.Object3D): void {
  const old = mesh.getObjectByName(LOOK_NAME);
  if (!old) return;
  mesh.remove(old);
  old.traverse((child) => {
    if (child instanceof THREE.Mesh) (child.material as THREE.Material).dispose();
  });
}

/**
 * Gives `mesh` (the object's primitive, scaled to its collider box) the object's look: its
 * material, or, for a known kind, the kind's parts as children and the primitive hidden.
 */
export function applyLook(mesh: THREE.Mesh<THREE.BufferGeometry, THREE.MeshStandardMaterial>, object: SceneObject, jointed = false): void {
  disposeLook(mesh);
  setMaterial(mesh.material, objectMaterial(object));
  const kind = objectKind(object);
  mesh.material.visible = kind === null;
  // The primitive's outline (the viewport's seam lines) would draw a box around a pin or a car.
  for (const child of mesh.children) if (child instanceof THREE.LineSegments) child.visible = kind === null;
  if (kind === null) return;
  const box = colliderBox(object);
  const group = new THREE.Group();
  group.name = LOOK_NAME;
  for (const part of objectParts(object, 1, jointed)) {
    const child = new THREE.Mesh(PART_GEOMETRIES[part.shape], lookMaterial(part.material, part.color));
    child.castShadow = true;
    child.receiveShadow = true;
    child.position.set(part.center[0] / box[0], part.center[1] / box[1], part.center[2] / box[2]);
    if (part.shape === "cylinder" && part.axis === 0) child.rotation.z = Math.PI / 2;
    if (part.shape === "cylinder" && part.axis === 2) child.rotation.x = Math.PI / 2;
    child.scale.copy(partScale(part, box));
    // Picking hits the primitive (the parent); the parts never answer a click themselves.
    child.raycast = () => undefined;
    group.add(child);
  }
  mesh.add(group);
}

/** Mirrors the primitive's selection glow onto its parts. */
export function glowLook(mesh: THREE.Mesh<THREE.BufferGeometry, THREE.MeshStandardMaterial>): void {
  mesh.getObjectByName(LOOK_NAME)?.traverse((child) => {
    if (child instanceof THREE.Mesh) (child.material as THREE.MeshStandardMaterial).emissive.copy(mesh.material.emissive);
  });
}

/** Frees the look's materials when the object leaves the scene. */
export function dropLook(mesh: THREE.Object3D): void {
  disposeLook(mesh);
}
