/**
 * What an object looks like: its material and, for known kinds (a bowling pin, a book, a domino, a
 * car, a crate), the parts drawn in place of its primitive. The rules are the server renderer's own
 * file, `simulation/render/looks.json`, read here as it is, and this module mirrors
 * `simulation/render/looks.py` line for line, so the editor and the render draw the same thing;
 * `looks.test.ts` checks both against the vectors in `examples/looks/vectors.json`. Drawing only:
 * colliders never read this.
 */
import type { Scene, SceneObject } from "../scene/types";

export type Vec = [number, number, number];
type Paint = "body" | number | string;
type PartSpec = {
  shape: "box" | "ellipsoid" | "cylinder";
  center: Vec;
  size: Vec;
  color?: Paint;
  material?: string;
  axis?: "x" | "y" | "z";
  unlessJointed?: boolean;
};
type MaterialSpec = {
  words: string[];
  specular: number;
  shininess: number;
  roughness: number;
  metalness: number;
  opacity: number;
  texture: string | null;
  diffuse?: number;
};
type KindSpec = { words: string[]; frame: "box" | "horizontal" | "sorted"; parts: PartSpec[] };
export type Looks = {
  materials: Record<string, MaterialSpec>;
  defaultMaterial: string;
  kinds: Record<string, KindSpec>;
  shades: number[];
  boxSeam: { fraction: number; max: number };
  grounds: Record<string, { colors: [string, string]; tile: number }>;
  defaultGround: string;
  sky: { zenith: string; horizon: string };
};

const files = import.meta.glob<Looks>("../../../simulation/render/looks.json", { eager: true, import: "default" });
const loaded = Object.values(files)[0];
if (!loaded) throw new Error("simulation/render/looks.json is missing");
export const LOOKS: Looks = loaded;

export type Part = {
  shape: PartSpec["shape"];
  center: Vec;
  size: Vec; // full extents along the body's x, y, z
  color: string;
  material: string;
  axis: 0 | 1 | 2; // the cylinder's axis in the body frame
};

function wordsPattern(words: string[]): RegExp {
  // Whole words, plurals included; ids such as "pin_3" count ("_" and "-" separate words).
  const alternatives = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return new RegExp(`\\b(?:${alternatives})(?:e?s)?\\b`);
}

const MATERIAL_PATTERNS = Object.entries(LOOKS.materials).map(([name, spec]) => [name, wordsPattern(spec.words)] as const);
const KIND_PATTERNS = Object.entries(LOOKS.kinds).map(([name, spec]) => [name, wordsPattern(spec.words)] as const);

function words(value: string): string {
  return value.replace(/[_-]+/g, " ").toLowerCase();
}

function firstMatch(patterns: readonly (readonly [string, RegExp])[], value: string): string | null {
  let best: [number, string] | null = null;
  for (const [name, pattern] of patterns) {
    const match = pattern.exec(value);
    if (!match) continue;
    if (best === null || match.index < best[0] || (match.index === best[0] && name < best[1])) best = [match.index, name];
  }
  return best ? best[1] : null;
}

/** The explicit `visualProperties.material`, else the first material word of the description. */
export function objectMaterial(object: SceneObject): string {
  const explicit = (object.visualProperties as { material?: string | null }).material;
  if (explicit) return explicit;
  return firstMatch(MATERIAL_PATTERNS, words(object.description ?? "")) ?? LOOKS.defaultMaterial;
}

/**
 * The kind ("car", "book", ...) named in the id, else first in the description, if any. The id comes
 * first: the composer names parts ("wheel_1") while their description names the whole ("a red car").
 */
export function objectKind(object: SceneObject): string | null {
  return firstMatch(KIND_PATTERNS, words(object.id)) ?? firstMatch(KIND_PATTERNS, words(object.description ?? ""));
}

/** Full extents of the box around the collider (SCENE.md "Shapes and sizes"). */
export function colliderBox(object: SceneObject): Vec {
  const { x, y, z } = object.transform.scale;
  if (object.visualProperties.shape === "Sphere") return [x, x, x];
  if (object.visualProperties.shape === "Cylinder") return [x, y, x];
  return [x, y, z];
}

/** For each of the kind's axes (x, y, z), the collider axis it lies along. */
export function frameAxes(frame: KindSpec["frame"], box: Vec): [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2] {
  if (frame === "horizontal") return box[0] >= box[2] ? [0, 1, 2] : [2, 1, 0];
  if (frame === "sorted") {
    const order = ([0, 1, 2] as const).slice().sort((a, b) => box[b] - box[a] || a - b);
    return [order[0] ?? 0, order[2] ?? 1, order[1] ?? 2];
  }
  return [0, 1, 2];
}

export function shadeColor(color: string, factor: number): string {
  const channel = (i: number) => Math.max(0, Math.min(255, Math.floor(parseInt(color.slice(i, i + 2), 16) * factor + 0.5)));
  return `#${[1, 3, 5].map((i) => channel(i).toString(16).padStart(2, "0")).join("")}`;
}

/** Near-black on a light colour, near-white on a dark one (a domino's pips). */
export function contrastColor(color: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  return 0.299 * (r ?? 0) + 0.587 * (g ?? 0) + 0.114 * (b ?? 0) > 128 ? "#212121" : "#fafafa";
}

/** Neighbouring objects of one colour get different shades, so a stack never merges into one block. */
export function objectShade(index: number): number {
  return LOOKS.shades[index % LOOKS.shades.length] ?? 1;
}

/** Each object's shade: its place among the scene's objects of the same colour, in the scene's order. */
export function sceneShades(objects: Iterable<SceneObject>): Map<string, number> {
  const seen = new Map<string, number>();
  const shades = new Map<string, number>();
  for (const object of objects) {
    const colour = object.visualProperties.color.toLowerCase();
    const index = seen.get(colour) ?? 0;
    shades.set(object.id, objectShade(index));
    seen.set(colour, index + 1);
  }
  return shades;
}

/** The objects a joint holds (either end). */
export function jointedIds(scene: Scene): Set<string> {
  const ids = new Set<string>();
  for (const joint of Object.values(scene.joints ?? {})) {
    ids.add(joint.bodyA);
    if (joint.bodyB !== null && joint.bodyB !== undefined) ids.add(joint.bodyB);
  }
  return ids;
}

/**
 * The parts that draw `object`: its kind's parts, or its own primitive. `jointed`: a joint holds the
 * object; parts marked unlessJointed (a car's drawn wheels, when it has wheel bodies) are left out.
 */
export function objectParts(object: SceneObject, shade = 1, jointed = false): Part[] {
  const color = shadeColor(object.visualProperties.color, shade);
  const material = objectMaterial(object);
  let box = colliderBox(object);
  const kind = objectKind(object);
  if (kind === null) {
    const shape = ({ Box: "box", Sphere: "ellipsoid", Cylinder: "cylinder" } as const)[object.visualProperties.shape];
    if (shape === "box") {
      // A hair smaller than the collider (at most 1 cm a side): touching boxes show a seam.
      const inset = Math.min(LOOKS.boxSeam.max, Math.min(...box) * LOOKS.boxSeam.fraction);
      box = [box[0] - 2 * inset, box[1] - 2 * inset, box[2] - 2 * inset];
    }
    return [{ shape, center: [0, 0, 0], size: box, color, material, axis: 1 }];
  }
  const spec = LOOKS.kinds[kind];
  if (!spec) return [];
  const axes = frameAxes(spec.frame, box);
  return spec.parts.filter((part) => !(jointed && part.unlessJointed)).map((part) => {
    const center: Vec = [0, 0, 0];
    const size: Vec = [0, 0, 0];
    axes.forEach((bodyAxis, kindAxis) => {
      center[bodyAxis] = (part.center[kindAxis] ?? 0) * box[bodyAxis];
      size[bodyAxis] = (part.size[kindAxis] ?? 0) * box[bodyAxis];
    });
    const paint = part.color ?? "body";
    const partColor =
      paint === "body" ? color : paint === "contrast" ? contrastColor(color) : typeof paint === "number" ? shadeColor(color, paint) : paint;
    const axis = axes["xyz".indexOf(part.axis ?? "y")] ?? 1;
    return { shape: part.shape, center, size, color: partColor, material: part.material ?? material, axis };
  });
}
