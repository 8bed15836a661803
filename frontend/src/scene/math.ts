/** Angles and rotations shared by the editor's view, its physics and the server (SCENE.md). */
import type { Vec3 } from "./types";

export type Quat = { x: number; y: number; z: number; w: number };

/** three.js `Quaternion.setFromEuler` for order XYZ; the server computes the very same numbers. */
export function eulerXyzToQuaternion(rotation: Vec3): Quat {
  const c1 = Math.cos(rotation.x / 2);
  const c2 = Math.cos(rotation.y / 2);
  const c3 = Math.cos(rotation.z / 2);
  const s1 = Math.sin(rotation.x / 2);
  const s2 = Math.sin(rotation.y / 2);
  const s3 = Math.sin(rotation.z / 2);
  return {
    x: s1 * c2 * c3 + c1 * s2 * s3,
    y: c1 * s2 * c3 - s1 * c2 * s3,
    z: c1 * c2 * s3 + s1 * s2 * c3,
    w: c1 * c2 * c3 - s1 * s2 * s3,
  };
}

export function degrees(radians: number): number {
  return (radians * 180) / Math.PI;
}

export function radians(degreesValue: number): number {
  return (degreesValue * Math.PI) / 180;
}

/** A number for a form field: at most `digits` decimals, no trailing zeros, no "-0". */
export function roundForDisplay(value: number, digits = 3): string {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
