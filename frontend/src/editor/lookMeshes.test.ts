import * as THREE from "three";
import { describe, expect, it } from "vitest";
import type { SceneObject } from "../scene/types";
import { applyLook } from "./lookMeshes";

function object(id: string, shape: "Box" | "Cylinder", scale: [number, number, number], description: string | null): SceneObject {
  return {
    id,
    transform: { position: { x: 0, y: 1, z: 0 }, rotation: { x: 0, y: 0, z: 0 }, scale: { x: scale[0], y: scale[1], z: scale[2] } },
    physicsProperties: { mass: 1, friction: 0.5, restitution: 0.3 },
    visualProperties: { color: "#d32f2f", shape },
    description,
  } as SceneObject;
}

function dressed(o: SceneObject): THREE.Mesh<THREE.BufferGeometry, THREE.MeshStandardMaterial> {
  const mesh = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial());
  const { x, y, z } = o.transform.scale;
  mesh.scale.set(x, y, o.visualProperties.shape === "Cylinder" ? x : z);
  applyLook(mesh, o);
  mesh.updateMatrixWorld(true);
  return mesh;
}

describe("the editor dresses meshes with their looks", () => {
  it("draws a car's parts inside its collider and hides the primitive", () => {
    const mesh = dressed(object("car", "Box", [1.0, 0.8, 2.2], "a red car"));
    expect(mesh.material.visible).toBe(false);
    const parts = mesh.getObjectByName("look")?.children ?? [];
    expect(parts).toHaveLength(10);
    const bounds = new THREE.Box3().setFromObject(mesh.getObjectByName("look") as THREE.Object3D);
    expect(bounds.max.x).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(bounds.max.z).toBeLessThanOrEqual(1.1 + 1e-6);
    expect(bounds.min.y).toBeGreaterThanOrEqual(-0.4 - 1e-6);
    // The wheels lie along the car's width (here x, the shorter horizontal side): round in y and z.
    const wheel = new THREE.Box3().setFromObject(parts[6] as THREE.Object3D);
    const size = wheel.getSize(new THREE.Vector3());
    expect(size.y).toBeCloseTo(size.z, 5);
    expect(size.x).toBeLessThan(size.y);
  });

  it("gives a plain metal box its material and no parts", () => {
    const mesh = dressed(object("box", "Box", [1, 1, 1], "a steel box"));
    expect(mesh.material.visible).toBe(true);
    expect(mesh.material.metalness).toBeGreaterThan(0.5);
    expect(mesh.getObjectByName("look")).toBeUndefined();
  });

  it("hides the primitive's outline under a kind's parts, and shows it again for a plain box", () => {
    const mesh = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial());
    const outline = new THREE.LineSegments(new THREE.EdgesGeometry(mesh.geometry));
    mesh.add(outline);
    applyLook(mesh, object("crate_1", "Box", [1, 1, 1], null));
    expect(outline.visible).toBe(false);
    applyLook(mesh, object("box", "Box", [1, 1, 1], null));
    expect(outline.visible).toBe(true);
  });

  it("redresses without piling up parts", () => {
    const pin = object("pin_1", "Cylinder", [0.3, 0.9, 0.3], null);
    const mesh = dressed(pin);
    applyLook(mesh, pin);
    expect(mesh.children.filter((c) => c.name === "look")).toHaveLength(1);
  });
});
