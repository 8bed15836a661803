import { describe, expect, it } from "vitest";
import type { SceneObject } from "../scene/types";
import { LOOKS, frameAxes, objectKind, objectMaterial, objectParts, sceneShades, shadeColor } from "./looks";

type Vectors = {
  cases: { object: SceneObject; shade?: number; jointed?: boolean }[];
  expected: { kind: string | null; material: string; parts: { shape: string; center: number[]; size: number[]; color: string; material: string; axis: number }[] }[];
};
const files = import.meta.glob<Vectors>("../../../examples/looks/vectors.json", { eager: true, import: "default" });
const vectors = Object.values(files)[0];
if (!vectors) throw new Error("examples/looks/vectors.json is missing");

describe("looks (shared with the server renderer)", () => {
  it.each(vectors.cases.map((c, i) => [c.object.id, c, vectors.expected[i]] as const))("%s looks as the server draws it", (_id, testCase, expected) => {
    const transform: Partial<SceneObject["transform"]> = testCase.object.transform;
    const object = { ...testCase.object, transform: { rotation: { x: 0, y: 0, z: 0 }, ...transform } } as SceneObject;
    expect(expected).toBeDefined();
    expect(objectKind(object)).toBe(expected?.kind ?? null);
    expect(objectMaterial(object)).toBe(expected?.material);
    const parts = objectParts(object, testCase.shade ?? 1, testCase.jointed ?? false);
    expect(parts).toHaveLength(expected?.parts.length ?? -1);
    parts.forEach((part, i) => {
      const want = expected?.parts[i];
      expect(part.shape).toBe(want?.shape);
      expect(part.color).toBe(want?.color);
      expect(part.material).toBe(want?.material);
      expect(part.axis).toBe(want?.axis);
      part.center.forEach((v, axis) => expect(v).toBeCloseTo(want?.center[axis] ?? NaN, 5));
      part.size.forEach((v, axis) => expect(v).toBeCloseTo(want?.size[axis] ?? NaN, 5));
    });
  });

  it("names the materials and grounds of the scene format", () => {
    expect(Object.keys(LOOKS.materials).sort()).toEqual(["foam", "glass", "ice", "metal", "plastic", "rubber", "stone", "wood"]);
    expect(Object.keys(LOOKS.kinds)).toContain("wheel");
    expect(Object.keys(LOOKS.grounds)).toEqual(["checker", "tiles", "wood", "concrete", "plain"]);
  });

  it("maps a lying domino's thin side onto the kind's y axis", () => {
    expect(frameAxes("sorted", [0.12, 1.0, 0.5])).toEqual([1, 0, 2]);
    expect(frameAxes("horizontal", [1, 0.8, 2.2])).toEqual([2, 1, 0]);
  });

  it("shades same-coloured neighbours differently and rounds halves up like the server", () => {
    const box = (id: string, color: string) => ({ id, visualProperties: { color, shape: "Box" } }) as SceneObject;
    const shades = sceneShades([box("a", "#ff0000"), box("b", "#FF0000"), box("c", "#00ff00"), box("d", "#ff0000")]);
    expect([shades.get("a"), shades.get("b"), shades.get("c"), shades.get("d")]).toEqual([1, 0.8, 1, 0.9]);
    expect(shadeColor("#050505", 0.9)).toBe("#050505");
  });
});
