/** Where the editor draws joints, and the per-object shade that keeps same-coloured bodies apart. */
import * as THREE from "three";
import { describe, expect, it } from "vitest";
import { parseScene } from "../scene/parse";
import type { Scene, Vec3 } from "../scene/types";
import { JointView, jointSegments } from "./jointView";
import { shadeOffset } from "./shade";

function expectNear(actual: Vec3 | undefined, expected: Vec3): void {
  if (!actual) throw new Error("missing");
  for (const axis of ["x", "y", "z"] as const) expect(actual[axis]).toBeCloseTo(expected[axis], 9);
}

function pendulum(): Scene {
  const parsed = parseScene({
    objects: {
      bob: { id: "bob", transform: { position: { x: 1, y: 2, z: 0 }, scale: { x: 0.3, y: 0.3, z: 0.3 } }, visualProperties: { shape: "Sphere" } },
      cart: { id: "cart", transform: { position: { x: 3, y: 1, z: 0 } } },
    },
    joints: {
      rod: { id: "rod", type: "revolute", bodyA: "bob", bodyB: null, anchorA: { x: -1, y: 1, z: 0 } },
      tow: { id: "tow", type: "rope", bodyA: "cart", bodyB: "bob", anchorA: { x: 0, y: 0, z: 0 }, anchorB: { x: 0, y: 0, z: 0 } },
    },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.scene;
}

describe("jointSegments", () => {
  it("draws a hinge from the body's anchor to the world point, with its axis, in the scene's pose", () => {
    const [rod, tow] = jointSegments(pendulum());
    expect(rod).toMatchObject({ id: "rod", type: "revolute", toWorld: true, from: { x: 0, y: 3, z: 0 }, to: { x: 0, y: 3, z: 0 } });
    expectNear(rod?.axis?.from, { x: 0, y: 3, z: -0.3 });
    expectNear(rod?.axis?.to, { x: 0, y: 3, z: 0.3 });
    expect(tow).toMatchObject({ type: "rope", toWorld: false, from: { x: 3, y: 1, z: 0 }, to: { x: 1, y: 2, z: 0 }, axis: null });
    // the bob hangs on an arm from its centre up to the pivot; the rope's ends sit on the centres
    expect(rod?.arms).toEqual([{ from: { x: 1, y: 2, z: 0 }, to: { x: 0, y: 3, z: 0 } }]);
    expect(tow?.arms).toEqual([]);
  });

  it("follows the bodies' simulated poses", () => {
    const moved = { position: { x: 0, y: 2, z: 0 }, rotation: { x: 0, y: 0, z: Math.sin(Math.PI / 8), w: Math.cos(Math.PI / 8) } };
    const [rod, tow] = jointSegments(pendulum(), (id) => (id === "bob" ? moved : null));
    // the bob swung under the pivot, turned 45° about z: its anchor still reaches (0, 3, 0)-ish
    expect(rod?.from.x).toBeCloseTo(-Math.SQRT2, 6);
    expect(rod?.to).toEqual({ x: 0, y: 3, z: 0 });
    expect(tow?.to).toEqual({ x: 0, y: 2, z: 0 });
  });

  it("skips nothing and draws nothing for a scene without joints", () => {
    expect(jointSegments({ objects: {}, selectedObject: null })).toEqual([]);
  });
});

describe("JointView", () => {
  it("adds a rod and two anchors per joint and an axis per hinge, and removes them with the joint", () => {
    const view = new JointView();
    const scene = pendulum();
    view.show(jointSegments(scene));
    expect(view.group.children).toHaveLength(3 + 1 + 1 + 3);
    view.show(jointSegments({ ...scene, joints: {} }));
    expect(view.group.children).toHaveLength(0);
    view.dispose();
  });
});

describe("JointView's springs", () => {
  it("draw a coil stretched between the anchors", () => {
    const view = new JointView();
    view.show([{ id: "s", type: "spring", from: { x: 0, y: 1, z: 0 }, to: { x: 0, y: 3, z: 0 }, toWorld: true, axis: null, arms: [] }]);
    const coil = view.group.children.find((c) => c instanceof THREE.Line);
    expect(coil?.position.y).toBeCloseTo(2, 9);
    expect(coil?.scale.y).toBeCloseTo(2, 9);
    view.dispose();
  });
});

describe("shadeOffset", () => {
  it("is stable per id, small, and differs between neighbours", () => {
    const ids = Array.from({ length: 10 }, (_, i) => `crate-${i + 1}`);
    const offsets = ids.map(shadeOffset);
    expect(offsets.map((o) => Math.abs(o) <= 0.06).every(Boolean)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(4);
    expect(shadeOffset("crate-1")).toBe(offsets[0]);
  });
});
