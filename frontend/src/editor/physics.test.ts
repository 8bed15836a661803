/**
 * Parity with the server: every vector in `examples/physics/*.json` (a scene and the positions the
 * Python `rapier3d` bindings reached) must be reproduced by the browser's world within its tolerance.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseScene } from "../scene/parse";
import { type Rapier, SceneWorld, loadRapier } from "./physics";

type Sample = { time: number; step: number; bodies: Record<string, { position: number[]; rotation: number[] }> };
type Vector = { name: string; tolerance_m: number; scene: unknown; steps: number; samples: Sample[] };

const vectors = import.meta.glob<Vector>("../../../examples/physics/*.json", { eager: true, import: "default" });

let rapier: Rapier;
beforeAll(async () => {
  rapier = await loadRapier();
});

describe("physics parity vectors", () => {
  it("exist", () => {
    expect(Object.keys(vectors).length).toBeGreaterThanOrEqual(9);
    for (const name of ["pendulum", "hinged_door", "chain_of_five", "newtons_cradle", "every_joint_type"]) {
      expect(Object.values(vectors).map((v) => v.name)).toContain(name);
    }
  });

  for (const [path, vector] of Object.entries(vectors)) {
    it(`${vector.name} (${path.split("/").pop()}) matches the server within ${vector.tolerance_m * 1000} mm`, () => {
      const parsed = parseScene(vector.scene);
      if (!parsed.ok) throw new Error(parsed.errors.join("; "));
      const world = new SceneWorld(rapier, parsed.scene);
      let worst = 0;
      try {
        for (const sample of [...vector.samples].sort((a, b) => a.step - b.step)) {
          world.step(sample.step - world.steps);
          expect(world.time).toBeCloseTo(sample.time, 9);
          for (const [id, expected] of Object.entries(sample.bodies)) {
            const pose = world.pose(id);
            if (!pose) throw new Error(`no body ${id}`);
            const [x = Number.NaN, y = Number.NaN, z = Number.NaN] = expected.position;
            const distance = Math.hypot(pose.position.x - x, pose.position.y - y, pose.position.z - z);
            worst = Math.max(worst, distance);
            expect(distance, `${id} at step ${sample.step}`).toBeLessThanOrEqual(vector.tolerance_m);
          }
        }
      } finally {
        world.free();
      }
      expect(worst).toBeLessThanOrEqual(vector.tolerance_m);
    });
  }
});

describe("SceneWorld", () => {
  it("keeps static bodies still and lets dynamic ones fall", () => {
    const parsed = parseScene({
      objects: {
        floor: {
          id: "floor",
          transform: { position: { x: 5, y: 1, z: 0 } },
          physicsProperties: { mass: 0, friction: 0.5, restitution: 0 },
          visualProperties: { color: "#888888", shape: "Box" },
        },
        ball: {
          id: "ball",
          transform: { position: { x: 0, y: 3, z: 0 } },
          physicsProperties: { mass: 2, friction: 0.5, restitution: 0 },
          visualProperties: { color: "#ff0000", shape: "Sphere" },
        },
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    const world = new SceneWorld(rapier, parsed.scene);
    world.step(30);
    expect(world.pose("floor")?.position.y).toBe(1);
    // Free fall for 0.5 s: about g t² / 2 = 1.23 m (semi-implicit Euler lands a little further).
    expect(3 - (world.pose("ball")?.position.y ?? 3)).toBeGreaterThan(1.2);
    expect(world.poses().size).toBe(2);
    world.free();
  });
});

describe("median step cost", () => {
  it("ignores the odd slow frame", async () => {
    const { median } = await import("./player");
    expect(median([])).toBe(0);
    expect(median([1, 50, 2])).toBe(2);
    expect(median([1, 2, 3, 40])).toBe(2.5);
  });
});
