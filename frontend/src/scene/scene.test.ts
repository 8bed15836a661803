import { Euler, Quaternion } from "three";
import { describe, expect, it } from "vitest";
import { TIME_STEP, advanceClock } from "./clock";
import { addObject, deleteObject, duplicateObject, freeId, setBodyType, setPhysics, setTransform } from "./edit";
import { HISTORY_LIMIT, canRedo, canUndo, commit, historyOf, redo, settle, undo } from "./history";
import { degrees, eulerXyzToQuaternion, radians, roundForDisplay } from "./math";
import { parseScene } from "./parse";
import { type Scene, bodyTypeOf, emptyScene } from "./types";

function withBoxes(n: number): Scene {
  let scene = emptyScene();
  for (let i = 0; i < n; i += 1) scene = addObject(scene, "Box").scene;
  return scene;
}

describe("history", () => {
  it("undoes and redoes each commit, and a new edit drops the redo stack", () => {
    const a = emptyScene();
    const b = addObject(a, "Box").scene;
    const c = addObject(b, "Sphere").scene;
    let h = commit(commit(historyOf(a), b), c);
    expect(h.present).toBe(c);
    h = undo(h);
    expect(h.present).toBe(b);
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe(c);
    h = commit(undo(h), a);
    expect(canRedo(h)).toBe(false);
    expect(h.past).toEqual([a, b]);
  });

  it("counts a burst (one gizmo drag, typing in one field) as one step until settled", () => {
    const start = withBoxes(1);
    let h = historyOf(start);
    let scene = start;
    for (let x = 1; x <= 5; x += 1) {
      const box = scene.objects.box;
      if (!box) throw new Error("no box");
      scene = setTransform(scene, "box", { ...box.transform, position: { x, y: 0.5, z: 0 } });
      h = commit(h, scene, "gizmo:1");
    }
    expect(h.past).toHaveLength(1);
    expect(undo(h).present).toBe(start);
    h = settle(h);
    h = commit(h, setPhysics(h.present, "box", { mass: 3 }), "gizmo:1");
    expect(h.past).toHaveLength(2);
  });

  it("does nothing for a no-op edit or an empty stack, and keeps a bounded past", () => {
    const a = emptyScene();
    const h = historyOf(a);
    expect(commit(h, a)).toBe(h);
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
    expect(canUndo(h)).toBe(false);
    let long = h;
    for (let i = 0; i < HISTORY_LIMIT + 20; i += 1) long = commit(long, { ...a });
    expect(long.past).toHaveLength(HISTORY_LIMIT);
  });
});

describe("edits", () => {
  it("adds objects with unique ids at free spots on the ground", () => {
    const scene = withBoxes(3);
    expect(Object.keys(scene.objects)).toEqual(["box", "box-2", "box-3"]);
    const spots = Object.values(scene.objects).map((o) => `${o.transform.position.x},${o.transform.position.z}`);
    expect(new Set(spots).size).toBe(3);
    expect(Object.values(scene.objects).every((o) => o.transform.position.y === 0.5)).toBe(true);
  });

  it("duplicates next to the original and deletes, clearing the selection", () => {
    const base = withBoxes(1);
    const copy = duplicateObject(base, "box");
    expect(copy?.id).toBe("box-2");
    const original = base.objects.box?.transform.position;
    const moved = copy?.scene.objects["box-2"]?.transform.position;
    expect(moved?.y).toBe(original?.y);
    expect(moved?.x !== original?.x || moved?.z !== original?.z).toBe(true);
    expect(duplicateObject(base, "nope")).toBeNull();
    const selected = { ...base, selectedObject: "box" };
    const deleted = deleteObject(selected, "box");
    expect(deleted.objects).toEqual({});
    expect(deleted.selectedObject).toBeNull();
    expect(base.objects.box).toBeDefined();
  });

  it("keeps body type and mass consistent", () => {
    let scene = setPhysics(withBoxes(1), "box", { mass: 0 });
    expect(scene.objects.box && bodyTypeOf(scene.objects.box)).toBe("static");
    scene = setBodyType(scene, "box", "dynamic");
    expect(scene.objects.box?.physicsProperties.mass).toBe(1);
    scene = setPhysics(scene, "box", { mass: 0 });
    expect(scene.objects.box?.bodyType).toBe("static");
  });

  it("derives ids from the stem", () => {
    expect(freeId(withBoxes(2), "box-2")).toBe("box-3");
  });
});

describe("fixed-step clock", () => {
  it("turns frame times into whole 1/60 s steps whatever the refresh rate", () => {
    for (const hz of [30, 60, 75, 144, 240]) {
      let clock = { accumulator: 0 };
      let steps = 0;
      for (let frame = 0; frame < hz * 2; frame += 1) {
        const advanced = advanceClock(clock, 1 / hz);
        clock = advanced.clock;
        steps += advanced.steps;
      }
      expect(Math.abs(steps - 120), `${hz} Hz`).toBeLessThanOrEqual(1);
    }
  });

  it("caps a long pause instead of catching up for seconds", () => {
    expect(advanceClock({ accumulator: 0 }, 5).steps).toBe(Math.floor(0.25 / TIME_STEP + 1e-9));
    expect(advanceClock({ accumulator: 0 }, -1).steps).toBe(0);
  });
});

describe("angles", () => {
  it("computes the quaternion three.js computes for Euler XYZ", () => {
    for (const [x, y, z] of [
      [0.3, -1.2, 2.5],
      [Math.PI / 2, 0, 0],
      [0, 0, -0.7],
    ] as const) {
      const ours = eulerXyzToQuaternion({ x, y, z });
      const theirs = new Quaternion().setFromEuler(new Euler(x, y, z, "XYZ"));
      expect(ours.x).toBeCloseTo(theirs.x, 12);
      expect(ours.y).toBeCloseTo(theirs.y, 12);
      expect(ours.z).toBeCloseTo(theirs.z, 12);
      expect(ours.w).toBeCloseTo(theirs.w, 12);
    }
  });

  it("converts degrees for the UI and rounds for display", () => {
    expect(degrees(Math.PI)).toBe(180);
    expect(radians(90)).toBeCloseTo(Math.PI / 2, 15);
    expect(roundForDisplay(1.23456)).toBe("1.235");
    expect(roundForDisplay(-0.0001)).toBe("0");
  });
});

describe("parseScene", () => {
  it("fills the server's defaults and drops unknown keys", () => {
    const parsed = parseScene({ _id: 4, objects: { a: { id: "a", transform: { position: { x: 1, y: 2, z: 3 } } } } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.scene).toEqual({
      objects: {
        a: {
          id: "a",
          transform: { position: { x: 1, y: 2, z: 3 }, rotation: { x: 0, y: 0, z: 0 }, scale: { x: 1, y: 1, z: 1 } },
          physicsProperties: { mass: 1, friction: 0.5, restitution: 0.3 },
          visualProperties: { color: "#888888", shape: "Box" },
        },
      },
      selectedObject: null,
    });
  });

  it("names the object and field of every problem", () => {
    const parsed = parseScene({
      objects: {
        a: { id: "b", transform: { position: { x: "1", y: 2e9, z: 0 } }, physicsProperties: { restitution: 2 } },
        c: { id: "c", transform: { position: { x: 0, y: 0, z: 0 } }, bodyType: "dynamic", physicsProperties: { mass: 0 } },
      },
      camera: { position: { x: 1, y: 1, z: 1 }, target: { x: 1, y: 1, z: 1 } },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      "object 'a': the key differs from its id 'b'",
      "object 'a' field transform.position.x: must be a finite number",
      "object 'a' field transform.position.y: 2000000000 is out of range (from -1000 to 1000)",
      "object 'a' field physicsProperties.restitution: 2 is out of range (from 0 to 1)",
      "object 'c': a dynamic body needs a mass above 0 (mass 0 means static)",
      "camera: position and target must differ",
    ]);
    expect(parseScene([]).ok).toBe(false);
    expect(parseScene({ objects: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`o${i}`, {}])) }).ok).toBe(false);
  });
});
