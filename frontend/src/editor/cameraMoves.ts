/**
 * Camera moves of a server render, for the editor's preview: the same paths as
 * `simulation/render/camera.py` (orbit: 40° a second around the target, at most one turn; dolly: in
 * to 55% of the distance, eased; static and editor: the start camera). `follow` needs the bodies'
 * centre at each moment, which the caller passes in (the viewport's live poses while it plays).
 */
import type { Camera, Vec3 } from "../scene/types";

export const CAMERA_MOVES = ["static", "orbit", "follow", "dolly", "editor"] as const;
export type CameraMove = (typeof CAMERA_MOVES)[number];
export const ORBIT_DEGREES_PER_SECOND = 40;
export const DOLLY_END = 0.55;

const smoothstep = (t: number) => {
  const c = Math.min(Math.max(t, 0), 1);
  return c * c * (3 - 2 * c);
};

/** The camera `seconds` into a `duration`-second render that starts at `base`. */
export function cameraAt(move: CameraMove, base: Camera, duration: number, seconds: number, followCentre: Vec3 | null = null): Camera {
  const progress = duration > 0 ? seconds / duration : 0;
  const offset = { x: base.position.x - base.target.x, y: base.position.y - base.target.y, z: base.position.z - base.target.z };
  const at = (target: Vec3, o: Vec3): Camera => ({
    position: { x: target.x + o.x, y: target.y + o.y, z: target.z + o.z },
    target,
    fov: base.fov,
  });
  if (move === "orbit") {
    const angle = (Math.min(360, ORBIT_DEGREES_PER_SECOND * duration) * progress * Math.PI) / 180;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    return at(base.target, { x: offset.x * cos + offset.z * sin, y: offset.y, z: -offset.x * sin + offset.z * cos });
  }
  if (move === "dolly") {
    const scale = 1 - (1 - DOLLY_END) * smoothstep(progress);
    return at(base.target, { x: offset.x * scale, y: offset.y * scale, z: offset.z * scale });
  }
  if (move === "follow" && followCentre) return at(followCentre, offset);
  return base;
}
