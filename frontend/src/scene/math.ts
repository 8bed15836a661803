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

export const IDENTITY: Quat = { x: 0, y: 0, z: 0, w: 1 };

export function quatMultiply(a: Quat, b: Quat): Quat {
  return {
    x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
    y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
    z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
    w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
  };
}

export function quatConjugate(q: Quat): Quat {
  return { x: -q.x, y: -q.y, z: -q.z, w: q.w };
}

export function quatRotate(q: Quat, v: Vec3): Vec3 {
  const r = quatMultiply(quatMultiply(q, { x: v.x, y: v.y, z: v.z, w: 0 }), quatConjugate(q));
  return { x: r.x, y: r.y, z: r.z };
}

/** The shortest rotation that turns +X onto `axis` (any length above 0); the server's `quat_from_x_to`. */
export function quatFromXTo(axis: Vec3): Quat {
  const length = Math.sqrt(axis.x ** 2 + axis.y ** 2 + axis.z ** 2);
  const x = axis.x / length;
  const y = axis.y / length;
  const z = axis.z / length;
  if (x < -1 + 1e-9) return { x: 0, y: 0, z: 1, w: 0 }; // half a turn about Z
  const qy = -z;
  const qz = y;
  const qw = 1 + x;
  const norm = Math.sqrt(qy * qy + qz * qz + qw * qw);
  return { x: 0, y: qy / norm, z: qz / norm, w: qw / norm };
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
